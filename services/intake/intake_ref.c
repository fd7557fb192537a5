/*  intake_ref: reference data in hash tables.  */
#include "intake_ref.h"
#include "orgtree.h"

#include <czmq.h>
#include <stdlib.h>
#include <string.h>

typedef struct s_scope {
    char *org_unit;             //  the unit the scope names
    bool descendants;           //  and everything below it
    char *levels;               //  ",practice,pcn," or NULL for any
    struct s_scope *next;
} s_scope_t;

typedef struct {
    s_scope_t *scopes;          //  where it may report
    bool all_elements;          //  may send every data element
    zhashx_t *elements;         //  data element codes it may send
} s_partner_t;

struct _intake_ref_t {
    zhashx_t *elements;         //  code -> de_info_t
    orgtree_t *orgs;            //  the org tree
    zhashx_t *breakdowns;       //  code -> (void *) 1
    zhashx_t *partners;         //  code -> s_partner_t
};

static void
s_partner_free (void **item)
{
    s_partner_t *p = *item;
    if (p) {
        while (p->scopes) {
            s_scope_t *next = p->scopes->next;
            free (p->scopes->org_unit);
            free (p->scopes->levels);
            free (p->scopes);
            p->scopes = next;
        }
        zhashx_destroy (&p->elements);
        free (p);
    }
    *item = NULL;
}

static void
s_free (void **item)
{
    free (*item);
    *item = NULL;
}

intake_ref_t *
intake_ref_new (void)
{
    intake_ref_t *self = calloc (1, sizeof *self);
    self->elements = zhashx_new ();
    zhashx_set_destructor (self->elements, s_free);
    self->orgs = orgtree_new ();
    self->breakdowns = zhashx_new ();
    self->partners = zhashx_new ();
    zhashx_set_destructor (self->partners, s_partner_free);
    return self;
}

void
intake_ref_destroy (intake_ref_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    intake_ref_t *self = *self_p;
    zhashx_destroy (&self->elements);
    orgtree_destroy (&self->orgs);
    zhashx_destroy (&self->breakdowns);
    zhashx_destroy (&self->partners);
    free (self);
    *self_p = NULL;
}

int
intake_ref_add_data_element (intake_ref_t *self, const char *code, const char *kind,
                             const char *unit, const char *frequency)
{
    de_info_t info = { 0 };
    if (strcmp (kind, "fraction") == 0)
        info.kind = DE_FRACTION;
    else if (strcmp (kind, "count") == 0)
        info.kind = DE_COUNT;
    else if (strcmp (kind, "value") == 0)
        info.kind = DE_VALUE;
    else
        return -1;
    info.frequency = period_type_from_name (frequency);
    if (!info.frequency)
        return -1;
    info.percent = unit && strcmp (unit, "percent") == 0;
    info.percent_like = unit && strncmp (unit, "percent", 7) == 0;
    de_info_t *copy = malloc (sizeof info);
    *copy = info;
    zhashx_update (self->elements, code, copy);
    return 0;
}

void
intake_ref_add_org_unit (intake_ref_t *self, const char *code, const char *level, const char *parent)
{
    orgtree_add (self->orgs, code, level, parent);
}

void
intake_ref_add_breakdown (intake_ref_t *self, const char *code)
{
    zhashx_update (self->breakdowns, code, (void *) 1);
}

static s_partner_t *
s_partner (intake_ref_t *self, const char *code)
{
    s_partner_t *p = zhashx_lookup (self->partners, code);
    if (!p) {
        p = calloc (1, sizeof *p);
        p->elements = zhashx_new ();
        zhashx_insert (self->partners, code, p);
    }
    return p;
}

void
intake_ref_add_partner (intake_ref_t *self, const char *code)
{
    s_partner (self, code);
}

void
intake_ref_add_scope (intake_ref_t *self, const char *partner, const char *org_unit,
                      bool descendants, const char *levels)
{
    s_partner_t *p = s_partner (self, partner);
    s_scope_t *s = calloc (1, sizeof *s);
    s->org_unit = strdup (org_unit);
    s->descendants = descendants;
    if (levels && *levels) {
        size_t n = strlen (levels) + 3;
        s->levels = malloc (n);
        snprintf (s->levels, n, ",%s,", levels);
    }
    s->next = p->scopes;
    p->scopes = s;
}

void
intake_ref_add_grant (intake_ref_t *self, const char *partner, const char *data_element)
{
    s_partner_t *p = s_partner (self, partner);
    if (!data_element)
        p->all_elements = true;
    else
        zhashx_update (p->elements, data_element, (void *) 1);
}

const de_info_t *
intake_ref_data_element (const intake_ref_t *self, const char *code)
{
    return zhashx_lookup (self->elements, code);
}

bool
intake_ref_has_org_unit (const intake_ref_t *self, const char *code)
{
    return orgtree_level (self->orgs, code) != NULL;
}

bool
intake_ref_has_breakdown (const intake_ref_t *self, const char *code)
{
    return zhashx_lookup (self->breakdowns, code) != NULL;
}

bool
intake_ref_has_partner (const intake_ref_t *self, const char *code)
{
    return zhashx_lookup (self->partners, code) != NULL;
}

static bool
s_level_ok (const s_scope_t *s, const char *level)
{
    if (!s->levels)
        return true;
    char needle [40];
    snprintf (needle, sizeof needle, ",%s,", level);
    return strstr (s->levels, needle) != NULL;
}

bool
intake_ref_may_send (const intake_ref_t *self, const char *partner, const char *data_element)
{
    s_partner_t *p = zhashx_lookup (self->partners, partner);
    return p && (p->all_elements || zhashx_lookup (p->elements, data_element));
}

bool
intake_ref_permits (const intake_ref_t *self, const char *partner,
                    const char *data_element, const char *org_unit)
{
    s_partner_t *p = zhashx_lookup (self->partners, partner);
    const char *level = orgtree_level (self->orgs, org_unit);
    if (!p || !level)
        return false;
    if (!p->all_elements && !zhashx_lookup (p->elements, data_element))
        return false;
    for (s_scope_t *s = p->scopes; s; s = s->next) {
        if (!s_level_ok (s, level))
            continue;
        if (strcmp (s->org_unit, org_unit) == 0)
            return true;
        if (s->descendants && orgtree_within (self->orgs, org_unit, s->org_unit))
            return true;
    }
    return false;
}

intake_ref_t *
intake_ref_load (db_t *db, char *err, size_t errlen)
{
    intake_ref_t *self = intake_ref_new ();
    PGresult *r = db_exec (db, "select code, kind, coalesce (value_unit, ''), frequency from data_elements",
                           0, NULL, DB_TUPLES, err, errlen);
    if (!r)
        goto fail;
    for (int i = 0; i < PQntuples (r); i++)
        intake_ref_add_data_element (self, PQgetvalue (r, i, 0), PQgetvalue (r, i, 1),
                                     PQgetvalue (r, i, 2), PQgetvalue (r, i, 3));
    PQclear (r);
    if (orgtree_load (self->orgs, db, err, errlen))
        goto fail;
    r = db_exec (db, "select code from breakdowns", 0, NULL, DB_TUPLES, err, errlen);
    if (!r)
        goto fail;
    for (int i = 0; i < PQntuples (r); i++)
        intake_ref_add_breakdown (self, PQgetvalue (r, i, 0));
    PQclear (r);
    r = db_exec (db, "select code from partners where active", 0, NULL, DB_TUPLES, err, errlen);
    if (!r)
        goto fail;
    for (int i = 0; i < PQntuples (r); i++)
        intake_ref_add_partner (self, PQgetvalue (r, i, 0));
    PQclear (r);
    r = db_exec (db, "select s.partner, s.org_unit, s.descendants, coalesce (array_to_string (s.levels, ','), '')"
                     " from partner_scopes s join partners p on p.code = s.partner where p.active",
                 0, NULL, DB_TUPLES, err, errlen);
    if (!r)
        goto fail;
    for (int i = 0; i < PQntuples (r); i++)
        intake_ref_add_scope (self, PQgetvalue (r, i, 0), PQgetvalue (r, i, 1),
                              PQgetvalue (r, i, 2) [0] == 't', PQgetvalue (r, i, 3));
    PQclear (r);
    r = db_exec (db, "select partner, data_element from partner_grants", 0, NULL, DB_TUPLES, err, errlen);
    if (!r)
        goto fail;
    for (int i = 0; i < PQntuples (r); i++)
        intake_ref_add_grant (self, PQgetvalue (r, i, 0),
                              PQgetisnull (r, i, 1) ? NULL : PQgetvalue (r, i, 1));
    PQclear (r);
    return self;
fail:
    intake_ref_destroy (&self);
    return NULL;
}
