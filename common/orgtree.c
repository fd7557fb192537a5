/*  orgtree: org units in a hash table.  */
#include "orgtree.h"

#include <czmq.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *level;                //  england, region, icb, place, pcn, practice, ward
    char *parent;               //  parent code or NULL
} s_unit_t;

struct _orgtree_t {
    zhashx_t *units;            //  code -> s_unit_t
};

static void
s_unit_free (void **item)
{
    s_unit_t *u = *item;
    if (u) {
        free (u->level);
        free (u->parent);
        free (u);
    }
    *item = NULL;
}

orgtree_t *
orgtree_new (void)
{
    orgtree_t *self = calloc (1, sizeof *self);
    self->units = zhashx_new ();
    zhashx_set_destructor (self->units, s_unit_free);
    return self;
}

void
orgtree_destroy (orgtree_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zhashx_destroy (&(*self_p)->units);
    free (*self_p);
    *self_p = NULL;
}

void
orgtree_add (orgtree_t *self, const char *code, const char *level, const char *parent)
{
    s_unit_t *u = calloc (1, sizeof *u);
    u->level = strdup (level ? level : "");
    u->parent = parent && *parent ? strdup (parent) : NULL;
    zhashx_update (self->units, code, u);
}

int
orgtree_load (orgtree_t *self, db_t *db, char *err, size_t errlen)
{
    PGresult *r = db_exec (db, "select code, level, coalesce (parent, '') from org_units", 0, NULL,
                           DB_TUPLES, err, errlen);
    if (!r)
        return -1;
    zhashx_purge (self->units);
    for (int i = 0; i < PQntuples (r); i++)
        orgtree_add (self, PQgetvalue (r, i, 0), PQgetvalue (r, i, 1), PQgetvalue (r, i, 2));
    PQclear (r);
    return 0;
}

const char *
orgtree_level (const orgtree_t *self, const char *code)
{
    s_unit_t *u = code ? zhashx_lookup (self->units, code) : NULL;
    return u ? u->level : NULL;
}

const char *
orgtree_parent (const orgtree_t *self, const char *code)
{
    s_unit_t *u = code ? zhashx_lookup (self->units, code) : NULL;
    return u ? u->parent : NULL;
}

size_t
orgtree_ancestors (const orgtree_t *self, const char *code, const char **out, size_t max)
{
    size_t n = 0;
    const char *up = orgtree_parent (self, code);
    while (up && n < max) {
        out [n++] = up;
        up = orgtree_parent (self, up);
    }
    return n;
}

bool
orgtree_within (const orgtree_t *self, const char *code, const char *ancestor)
{
    if (!code || !ancestor)
        return false;
    if (strcmp (code, ancestor) == 0)
        return true;
    const char *up [16];
    size_t n = orgtree_ancestors (self, code, up, 16);
    for (size_t i = 0; i < n; i++)
        if (strcmp (up [i], ancestor) == 0)
            return true;
    return false;
}
