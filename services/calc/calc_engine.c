/*  calc_engine: observations in, changed indicator values out.  */
#include "calc_engine.h"
#include "calc_store.h"
#include "calc_group.h"
#include "orgtree.h"
#include "copybuf.h"
#include "log.h"

#include "calc_seen.h"

#include <czmq.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *code;                 //  indicator code
    char *domain;               //  for event topics
    char *data_element;         //  what feeds it
    char *level;                //  lowest level it is reported at
    bool aggregates;            //  sums up the org tree
    calc_indicator_t def;       //  how to compute it
    calc_target_entry_t *targets;
    period_day_t *rebase;       //  SPC process changes, ascending
} s_ind_t;

struct _calc_engine_t {
    db_t *db;                   //  borrowed
    zhashx_t *indicators;       //  code -> s_ind_t
    orgtree_t *orgs;            //  the org tree
    calc_changes_t changes;     //  last run's changes
    calc_seen_t seen;           //  fingerprints of what was last written
    long long seen_seq;         //  computed_generation they hold for
    bool collect;               //  list each change (false: count them)
};

#define CALC_STR_(x) #x
#define CALC_STR(x) CALC_STR_(x)

static void
s_ind_free (void **item)
{
    s_ind_t *i = *item;
    if (i) {
        free (i->code);
        free (i->domain);
        free (i->data_element);
        free (i->level);
        free (i->targets);
        free (i->rebase);
        free (i);
    }
    *item = NULL;
}

static double
s_num (PGresult *r, int row, int col)
{
    return PQgetisnull (r, row, col) ? NAN : atof (PQgetvalue (r, row, col));
}

int
calc_engine_reload (calc_engine_t *self, char *err, size_t errlen)
{
    PGresult *r = db_exec_stmt (self->db, &calc_indicators_load_sql, NULL, DB_TUPLES, err, errlen);
    if (!r)
        return -1;
    zhashx_t *inds = zhashx_new ();
    zhashx_set_destructor (inds, s_ind_free);
    for (int i = 0; i < PQntuples (r); i++) {
        s_ind_t *ind = calloc (1, sizeof *ind);
        ind->code = strdup (PQgetvalue (r, i, 0));
        ind->domain = strdup (PQgetvalue (r, i, 1));
        ind->data_element = strdup (PQgetvalue (r, i, 2));
        ind->level = strdup (PQgetvalue (r, i, 3));
        ind->aggregates = PQgetvalue (r, i, 4) [0] == 't';
        if (calc_method_parse (PQgetvalue (r, i, 5), &ind->def.method))
            ind->def.method = CALC_METHOD_PUBLISHED;
        ind->def.multiplier = atof (PQgetvalue (r, i, 6));
        if (calc_polarity_parse (PQgetvalue (r, i, 7), &ind->def.polarity))
            ind->def.polarity = CALC_POLARITY_NEUTRAL;
        ind->def.benchmark = PQgetvalue (r, i, 8) [0] == 't';
        ind->def.decimals = PQgetisnull (r, i, 11) ? calc_assess_decimals (PQgetvalue (r, i, 10))
                          : atoi (PQgetvalue (r, i, 11));
        ind->def.rounds = ind->def.decimals >= 0;
        ind->def.no_interval = strcmp (PQgetvalue (r, i, 12), "none") == 0;
        //  "spc_rebase": ["FY2023-24Q1", ...] - where a process changed.
        char list [512];
        snprintf (list, sizeof list, "%s", PQgetvalue (r, i, 9));
        for (char *save = NULL, *tok = strtok_r (list, ",", &save); tok; tok = strtok_r (NULL, ",", &save)) {
            period_t p;
            if (period_parse (tok, &p, NULL, 0))
                continue;
            ind->rebase = realloc (ind->rebase, (ind->def.nrebase + 1) * sizeof *ind->rebase);
            ind->rebase [ind->def.nrebase++] = p.start;
        }
        zhashx_update (inds, ind->code, ind);
    }
    PQclear (r);
    r = db_exec_stmt (self->db, &calc_targets_load_sql, NULL, DB_TUPLES, err, errlen);
    if (!r) {
        zhashx_destroy (&inds);
        return -1;
    }
    for (int i = 0; i < PQntuples (r); i++) {
        s_ind_t *ind = zhashx_lookup (inds, PQgetvalue (r, i, 0));
        calc_target_kind_t kind;
        if (!ind || calc_target_kind_parse (PQgetvalue (r, i, 2), &kind))
            continue;
        ind->targets = realloc (ind->targets, (ind->def.ntargets + 1) * sizeof *ind->targets);
        calc_target_entry_t *t = &ind->targets [ind->def.ntargets++];
        t->from = atoi (PQgetvalue (r, i, 1));
        t->target = (calc_target_t) { kind, s_num (r, i, 3), s_num (r, i, 4), s_num (r, i, 5), s_num (r, i, 6) };
    }
    PQclear (r);
    for (s_ind_t *ind = zhashx_first (inds); ind; ind = zhashx_next (inds)) {
        //  Ascending, as calc_spc wants its rebase points.
        for (size_t a = 1; a < ind->def.nrebase; a++)
            for (size_t b = a; b > 0 && ind->rebase [b - 1] > ind->rebase [b]; b--) {
                period_day_t t = ind->rebase [b];
                ind->rebase [b] = ind->rebase [b - 1];
                ind->rebase [b - 1] = t;
            }
        ind->def.targets = ind->targets;
        ind->def.rebase = ind->rebase;
    }

    orgtree_t *orgs = orgtree_new ();
    if (orgtree_load (orgs, self->db, err, errlen)) {
        orgtree_destroy (&orgs);
        zhashx_destroy (&inds);
        return -1;
    }
    zhashx_destroy (&self->indicators);
    orgtree_destroy (&self->orgs);
    self->indicators = inds;
    self->orgs = orgs;
    return 0;
}

calc_engine_t *
calc_engine_new (db_t *db, char *err, size_t errlen)
{
    calc_engine_t *self = calloc (1, sizeof *self);
    self->db = db;
    self->seen_seq = -1;
    self->collect = true;
    if (calc_engine_reload (self, err, errlen)) {
        calc_engine_destroy (&self);
        return NULL;
    }
    return self;
}

void
calc_changes_clear (calc_changes_t *self)
{
    free (self->items);
    memset (self, 0, sizeof *self);
}

void
calc_engine_destroy (calc_engine_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    calc_engine_t *self = *self_p;
    zhashx_destroy (&self->indicators);
    orgtree_destroy (&self->orgs);
    calc_changes_clear (&self->changes);
    calc_seen_free (&self->seen);
    free (self);
    *self_p = NULL;
}

// ---------------------------------------------------------------------
//  Output

//  Fingerprints are taken from the computed values, before any text is
//  formatted: most rows of a pass are unchanged, and formatting doubles
//  was the largest cost of a pass that sends nothing.
static uint64_t
s_fp_str (uint64_t h, const char *text)
{
    //  With its terminator, so "ab","c" and "a","bc" differ; NULL apart.
    return text ? calc_seen_feed (h, text, strlen (text) + 1) : calc_seen_feed (h, "\xff", 1);
}

static uint64_t
s_fp_num (uint64_t h, double v)
{
    //  Every NaN is SQL NULL; only the value matters, not its bits.
    if (isnan (v))
        return calc_seen_feed (h, "\xfe", 1);
    return calc_seen_feed (h, &v, sizeof v);
}

static uint64_t
s_fp_int (uint64_t h, long long v)
{
    return calc_seen_feed (h, &v, sizeof v);
}

static uint64_t
s_series_key (const s_ind_t *ind, const char *org, const char *breakdown, uint64_t seed)
{
    uint64_t h = calc_seen_start (seed);
    h = s_fp_str (h, ind->code);
    h = s_fp_str (h, org);
    return s_fp_str (h, breakdown);
}

static void
s_emit (calc_engine_t *self, copybuf_t *buf, const s_ind_t *ind, const char *breakdown,
        const calc_group_series_t *s, const calc_point_out_t *out)
{
    char code [PERIOD_CODE_MAX], start [16], end [16], seg [16];
    bool fraction = ind->def.method == CALC_METHOD_PROPORTION || ind->def.method == CALC_METHOD_RATE
                 || ind->def.method == CALC_METHOD_MEAN;
    uint64_t series = s_series_key (ind, s->org, breakdown, 0);
    //  The first day of each point's SPC segment.
    period_day_t segment_start = 0;
    size_t segment = (size_t) -1;
    for (size_t k = 0; k < s->n; k++) {
        const calc_point_in_t *in = &s->points [k];
        const calc_point_out_t *o = &out [k];
        if (o->has_spc && o->spc.segment != segment) {
            segment = o->spc.segment;
            segment_start = in->period.start;
        }
        const char *variation = o->has_spc ? calc_variation_name (o->spc.variation) : NULL;
        const char *rule = o->has_spc && o->spc.special_cause ? calc_spc_rule_name (o->spc.rule) : NULL;
        double num = fraction && in->has_num ? in->num : NAN, den = fraction && in->has_den ? in->den : NAN;
        //  Key: series and period.  Fingerprint: every column below.
        uint64_t key = s_fp_int (s_fp_int (s_fp_int (series, in->period.type), in->period.start), in->period.end);
        uint64_t fp = calc_seen_start (1);
        fp = s_fp_num (fp, num);
        fp = s_fp_num (fp, den);
        fp = s_fp_num (fp, o->value);
        fp = s_fp_num (fp, o->ci_lo);
        fp = s_fp_num (fp, o->ci_hi);
        fp = s_fp_int (fp, o->status);
        fp = s_fp_num (fp, o->achievement);
        fp = s_fp_int (fp, o->short_trend);
        fp = s_fp_int (fp, o->annual_trend);
        fp = s_fp_int (fp, o->benchmark);
        fp = s_fp_num (fp, o->england);
        fp = s_fp_str (fp, variation);
        fp = s_fp_str (fp, rule);
        fp = s_fp_int (fp, o->has_spc ? segment_start : -1);
        fp = s_fp_str (fp, in->assessment);
        fp = s_fp_str (fp, s->notes [k]);
        if (calc_seen_check (&self->seen, calc_seen_final (key), calc_seen_final (fp)))
            continue;
        copybuf_text (buf, ind->code);
        copybuf_text (buf, s->org);
        copybuf_text (buf, period_format (&in->period, code, sizeof code));
        copybuf_text (buf, breakdown);
        copybuf_text (buf, period_type_name (in->period.type));
        copybuf_text (buf, period_iso (in->period.start, start, sizeof start));
        copybuf_text (buf, period_iso (in->period.end, end, sizeof end));
        copybuf_num (buf, num);
        copybuf_num (buf, den);
        copybuf_num (buf, o->value);
        copybuf_num (buf, o->ci_lo);
        copybuf_num (buf, o->ci_hi);
        copybuf_text (buf, calc_status_name (o->status));
        copybuf_num (buf, o->achievement);
        copybuf_text (buf, calc_trend_name (o->short_trend));
        copybuf_text (buf, calc_trend_name (o->annual_trend));
        copybuf_text (buf, calc_benchmark_name (o->benchmark));
        copybuf_num (buf, o->england);
        copybuf_text (buf, variation);
        copybuf_text (buf, rule);
        copybuf_text (buf, o->has_spc ? period_iso (segment_start, seg, sizeof seg) : NULL);
        copybuf_text (buf, in->assessment);
        copybuf_text (buf, s->notes [k]);
        copybuf_end_row (buf);
    }
}

//  The SPC segments of one series: one row each with its centre line and
//  limits.  A series is written whole or not at all, so a pass that
//  writes a series can also delete the segments it no longer has.
typedef struct {
    size_t first;               //  index of its first charted point
    int points;                 //  charted points in it
} s_segment_t;

static void
s_emit_segments (calc_engine_t *self, copybuf_t *buf, const s_ind_t *ind, const char *breakdown,
                 const calc_group_series_t *s, const calc_point_out_t *out)
{
    s_segment_t *segs = malloc ((s->n ? s->n : 1) * sizeof *segs);
    size_t nsegs = 0;
    uint64_t fp = calc_seen_start (3);
    for (size_t k = 0; k < s->n; k++) {
        if (!out [k].has_spc)
            continue;
        if (!nsegs || out [segs [nsegs - 1].first].spc.segment != out [k].spc.segment)
            segs [nsegs++] = (s_segment_t) { k, 0 };
        segs [nsegs - 1].points++;
    }
    for (size_t g = 0; g < nsegs; g++) {
        const calc_spc_point_t *p = &out [segs [g].first].spc;
        fp = s_fp_int (fp, s->points [segs [g].first].period.start);
        fp = s_fp_int (fp, segs [g].points);
        fp = s_fp_num (fp, p->mean);
        fp = s_fp_num (fp, p->lcl);
        fp = s_fp_num (fp, p->ucl);
        fp = s_fp_int (fp, out [segs [g].first].assurance);
    }
    if (nsegs && !calc_seen_check (&self->seen, calc_seen_final (s_series_key (ind, s->org, breakdown, 2)),
                                   calc_seen_final (fp))) {
        char day [16];
        for (size_t g = 0; g < nsegs; g++) {
            const calc_spc_point_t *p = &out [segs [g].first].spc;
            copybuf_text (buf, ind->code);
            copybuf_text (buf, s->org);
            copybuf_text (buf, breakdown);
            copybuf_text (buf, period_iso (s->points [segs [g].first].period.start, day, sizeof day));
            copybuf_int (buf, segs [g].points);
            copybuf_num (buf, p->mean);
            copybuf_num (buf, p->lcl);
            copybuf_num (buf, p->ucl);
            copybuf_text (buf, segs [g].points < 13 ? "t" : "f");
            copybuf_text (buf, calc_assurance_name (out [segs [g].first].assurance));
            copybuf_end_row (buf);
        }
    }
    free (segs);
}

//  Above this many rows sent, calc_unchanged_delete_sql runs first, with
//  this much work_mem.
#define CALC_PREFILTER_ROWS 20000
#define CALC_PREFILTER_WORK_MEM "128MB"

//  How far a run's own statements move the counter: the segment delete
//  once, and each of the two upserts twice (an INSERT ... ON CONFLICT DO
//  UPDATE fires both the INSERT and the UPDATE statement triggers, even
//  when no row is affected).
#define CALC_WRITE_STATEMENTS 5

static void
s_change_push (calc_changes_t *c, PGresult *r, int i, const s_ind_t *ind)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->items = realloc (c->items, c->cap * sizeof *c->items);
    }
    calc_change_t *ch = &c->items [c->n++];
    snprintf (ch->indicator, sizeof ch->indicator, "%s", PQgetvalue (r, i, 0));
    snprintf (ch->org_unit, sizeof ch->org_unit, "%s", PQgetvalue (r, i, 1));
    snprintf (ch->period, sizeof ch->period, "%s", PQgetvalue (r, i, 2));
    snprintf (ch->breakdown, sizeof ch->breakdown, "%s", PQgetvalue (r, i, 3));
    snprintf (ch->old_status, sizeof ch->old_status, "%s", PQgetvalue (r, i, 4));
    snprintf (ch->new_status, sizeof ch->new_status, "%s", PQgetvalue (r, i, 5));
    snprintf (ch->variation, sizeof ch->variation, "%s", PQgetvalue (r, i, 6));
    snprintf (ch->domain, sizeof ch->domain, "%s", ind ? ind->domain : "");
    ch->change_seq = (uint64_t) strtoull (PQgetvalue (r, i, 7), NULL, 10);
}

//  A text[] literal for codes: each element quoted, quotes and
//  backslashes escaped.  Caller frees.
static char *
s_array_literal (const char *const *items, size_t n)
{
    size_t len = 3;
    for (size_t i = 0; i < n; i++)
        len += 2 * strlen (items [i]) + 3;
    char *out = malloc (len), *p = out;
    *p++ = '{';
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        *p++ = '"';
        for (const char *c = items [i]; *c; c++) {
            if (*c == '"' || *c == '\\')
                *p++ = '\\';
            *p++ = *c;
        }
        *p++ = '"';
    }
    *p++ = '}';
    *p = '\0';
    return out;
}

//  Computes one (indicator, breakdown) group of series into the buffers.
static void
s_compute_group (calc_engine_t *self, const s_ind_t *ind, const char *breakdown,
                 calc_group_series_t **series, size_t *nseries, size_t *cap, copybuf_t *buf, copybuf_t *sbuf,
                 size_t *computed)
{
    if (ind->aggregates)
        calc_group_aggregate (self->orgs, ind->level, series, nseries, cap);
    const calc_group_series_t *england = NULL;
    for (size_t i = 0; i < *nseries; i++) {
        calc_group_sort (&(*series) [i]);
        if (strcmp ((*series) [i].org, "england") == 0)
            england = &(*series) [i];
    }
    for (size_t i = 0; i < *nseries; i++) {
        calc_group_series_t *s = &(*series) [i];
        calc_point_out_t *out = malloc ((s->n ? s->n : 1) * sizeof *out);
        if (calc_series_compute (&ind->def, s->points, s->n, england ? england->points : NULL,
                                 england ? england->n : 0, out) == 0) {
            s_emit (self, buf, ind, breakdown, s, out);
            s_emit_segments (self, sbuf, ind, breakdown, s, out);
            *computed += s->n;
        }
        else
            log_warn ("series_not_computed", "{s:s, s:s, s:s}", "indicator", ind->code,
                      "org_unit", s->org, "breakdown", breakdown);
        free (out);
    }
    for (size_t i = 0; i < *nseries; i++)
        calc_group_series_free (&(*series) [i]);
    *nseries = 0;
}

void
calc_engine_forget (calc_engine_t *self)
{
    calc_seen_clear (&self->seen);
    self->seen_seq = -1;
}

void
calc_engine_set_fingerprint_bytes (calc_engine_t *self, size_t bytes)
{
    self->seen.max_bytes = bytes;
}

void
calc_engine_set_collect (calc_engine_t *self, bool collect)
{
    self->collect = collect;
}

//  What is read: every current observation of the indicators (or of the
//  (indicator, breakdown) pairs) asked for, grouped as series.
static const char *s_read_columns =
    "select i.code, o.breakdown, o.org_unit, o.period, o.numerator, o.denominator, o.value,"
    " o.ci_low, o.ci_high, o.status, o.assessment, o.note";

//  Rows fetched at a time, and the COPY text held before it is sent:
//  memory stays flat however many observations a pass reads.
#define CALC_FETCH_ROWS  20000
#define CALC_FLUSH_BYTES (8u << 20)

static long long
s_high_water (calc_engine_t *self, char *err, size_t errlen)
{
    PGresult *r = db_exec_stmt (self->db, &calc_high_water_sql, NULL, DB_TUPLES, err, errlen);
    if (!r)
        return -1;
    long long seq = atoll (PQgetvalue (r, 0, 0));
    PQclear (r);
    return seq;
}

//  Opens the cursor over the observations a run reads (the pairs of
//  indicators and breakdowns given, the indicators given, or all of
//  them) and the temp tables it writes into.
static int
s_open (calc_engine_t *self, const char *const *indicators, const char *const *breakdowns, size_t n,
        char *err, size_t errlen)
{
    char sql [1024];
    char *codes = indicators ? s_array_literal (indicators, n) : NULL;
    char *bds = indicators && breakdowns ? s_array_literal (breakdowns, n) : NULL;
    const char *params [2] = { codes, bds };
    int nparams = 0;
    if (bds) {
        //  One index range scan per pair, whatever the statistics say:
        //  "offset 0" keeps the subquery from being flattened, so both
        //  columns bound the scan of observations_current_key.
        snprintf (sql, sizeof sql, "declare calc_read no scroll cursor for %s"
                  " from unnest ($1::text[], $2::text[]) t (code, breakdown)"
                  " join indicators i on i.code = t.code"
                  " cross join lateral (select * from observations x where x.data_element = i.data_element"
                  "  and x.breakdown = t.breakdown and x.current offset 0) o"
                  " order by i.code, o.breakdown, o.org_unit", s_read_columns);
        nparams = 2;
    }
    else if (codes) {
        snprintf (sql, sizeof sql, "declare calc_read no scroll cursor for %s"
                  " from indicators i join observations o on o.data_element = i.data_element and o.current"
                  " where i.code = any ($1::text[]) order by i.code, o.breakdown, o.org_unit", s_read_columns);
        nparams = 1;
    }
    else
        snprintf (sql, sizeof sql, "declare calc_read no scroll cursor for %s"
                  " from indicators i join observations o on o.data_element = i.data_element and o.current"
                  " order by i.code, o.breakdown, o.org_unit", s_read_columns);
    int rc = db_run (self->db, sql, nparams, params, err, errlen);
    free (codes);
    free (bds);
    if (rc || db_run (self->db, calc_out_table_ddl, 0, NULL, err, errlen)
    ||  db_run (self->db, calc_spc_table_ddl, 0, NULL, err, errlen))
        return -1;
    return 0;
}

//  What a run holds while it reads: the group of series being assembled
//  (one indicator and breakdown, a series per org unit) and the COPY
//  buffers its results go into.
typedef struct {
    calc_group_series_t *series;
    size_t nseries, cap;
    copybuf_t buf, sbuf;        //  values, SPC segments
    size_t computed, observations;
    const s_ind_t *ind;         //  the group's indicator (NULL: not in the catalogue)
    bool have_group;
    char code [72], breakdown [72];
} s_read_t;

//  Adds row i of the cursor to the group, first computing the previous
//  group when this row starts a new one.
static void
s_read_row (calc_engine_t *self, s_read_t *rd, PGresult *r, int i)
{
    if (!rd->have_group || strcmp (PQgetvalue (r, i, 0), rd->code) || strcmp (PQgetvalue (r, i, 1), rd->breakdown)) {
        if (rd->ind)
            s_compute_group (self, rd->ind, rd->breakdown, &rd->series, &rd->nseries, &rd->cap, &rd->buf, &rd->sbuf,
                             &rd->computed);
        rd->have_group = true;
        snprintf (rd->code, sizeof rd->code, "%s", PQgetvalue (r, i, 0));
        snprintf (rd->breakdown, sizeof rd->breakdown, "%s", PQgetvalue (r, i, 1));
        rd->ind = zhashx_lookup (self->indicators, rd->code);
    }
    if (!rd->ind)
        return;
    const char *org = PQgetvalue (r, i, 2);
    if (!rd->nseries || strcmp (rd->series [rd->nseries - 1].org, org)) {
        if (rd->nseries == rd->cap) {
            rd->cap = rd->cap ? rd->cap * 2 : 16;
            rd->series = realloc (rd->series, rd->cap * sizeof *rd->series);
        }
        memset (&rd->series [rd->nseries], 0, sizeof *rd->series);
        rd->series [rd->nseries++].org = strdup (org);
    }
    calc_group_series_t *sr = &rd->series [rd->nseries - 1];
    calc_point_in_t *p = calc_group_push (sr, PQgetvalue (r, i, 11));
    if (period_parse (PQgetvalue (r, i, 3), &p->period, NULL, 0)) {
        free (sr->notes [--sr->n]);
        return;
    }
    p->has_num = !PQgetisnull (r, i, 4);
    p->num = s_num (r, i, 4);
    p->has_den = !PQgetisnull (r, i, 5);
    p->den = s_num (r, i, 5);
    p->has_value = !PQgetisnull (r, i, 6);
    p->value = s_num (r, i, 6);
    p->has_ci = !PQgetisnull (r, i, 7) && !PQgetisnull (r, i, 8);
    p->ci_lo = s_num (r, i, 7);
    p->ci_hi = s_num (r, i, 8);
    p->not_available = strcmp (PQgetvalue (r, i, 9), "not_available") == 0;
    p->assessment = PQgetisnull (r, i, 10) ? NULL : strdup (PQgetvalue (r, i, 10));
}

//  Reads the cursor to its end, computing each group as it completes and
//  sending the results to the temp tables in bounded COPYs.
static int
s_read (calc_engine_t *self, s_read_t *rd, char *err, size_t errlen)
{
    int rc = 0;
    for (bool more = true; more && rc == 0; ) {
        PGresult *r = db_exec (self->db, "fetch " CALC_STR (CALC_FETCH_ROWS) " from calc_read", 0, NULL,
                               DB_TUPLES, err, errlen);
        if (!r)
            return -1;
        int rows = PQntuples (r);
        more = rows == CALC_FETCH_ROWS;
        rd->observations += (size_t) rows;
        for (int i = 0; i < rows; i++)
            s_read_row (self, rd, r, i);
        PQclear (r);
        if (!more && rd->ind)
            s_compute_group (self, rd->ind, rd->breakdown, &rd->series, &rd->nseries, &rd->cap, &rd->buf, &rd->sbuf,
                             &rd->computed);
        if (rd->buf.len > CALC_FLUSH_BYTES || (!more && rd->buf.len))
            rc = copybuf_send (&rd->buf, self->db, calc_out_copy, err, errlen);
        if (rc == 0 && (rd->sbuf.len > CALC_FLUSH_BYTES || (!more && rd->sbuf.len)))
            rc = copybuf_send (&rd->sbuf, self->db, calc_spc_copy, err, errlen);
    }
    return rc;
}

//  Moves what the run computed from the temp tables into the stored
//  values and segments, changing only what differs.
static int
s_write (calc_engine_t *self, size_t points_sent, char *err, size_t errlen)
{
    //  A temp table has no statistics until analyzed: without them a
    //  join to it can turn into a nested loop over tens of thousands of
    //  rows and run past the statement timeout (docs/performance.md).
    //  The value upsert does not join; the segment delete does.
    if (db_run (self->db, "analyze calc_spc_out", 0, NULL, err, errlen)
    ||  db_run_stmt (self->db, &calc_spc_delete_sql, NULL, err, errlen)
    ||  db_run_stmt (self->db, &calc_spc_upsert_sql, NULL, err, errlen))
        return -1;
    //  Many rows sent (a recompute by a process that remembers nothing):
    //  drop the ones identical to what is stored in one hash join first.
    //  An upsert would lock, and so write, every conflicting row even
    //  when its WHERE leaves it as it is.
    //  The join's hash table wants more than the default 4 MB of
    //  work_mem at a million rows; "local" ends with the transaction.
    if (points_sent > CALC_PREFILTER_ROWS
    &&  (db_run (self->db, "analyze calc_out", 0, NULL, err, errlen)
    ||   db_run (self->db, "set local work_mem = '" CALC_PREFILTER_WORK_MEM "'", 0, NULL, err, errlen)
    ||   db_run_stmt (self->db, &calc_unchanged_delete_sql, NULL, err, errlen)))
        return -1;
    PGresult *r = db_exec_stmt (self->db, self->collect ? &calc_points_upsert_returning_sql : &calc_points_upsert_sql, NULL,
                           self->collect ? DB_TUPLES : DB_COMMAND, err, errlen);
    if (!r)
        return -1;
    if (self->collect)
        for (int i = 0; i < PQntuples (r); i++)
            s_change_push (&self->changes, r, i, zhashx_lookup (self->indicators, PQgetvalue (r, i, 0)));
    else
        self->changes.uncollected = (size_t) atoll (PQcmdTuples (r));
    PQclear (r);
    //  calc_out empties at commit; a caller running several passes in one
    //  transaction must not see the previous pass's rows.
    return db_run (self->db, "truncate calc_out, calc_spc_out", 0, NULL, err, errlen);
}

static int
s_run (calc_engine_t *self, const char *const *indicators, const char *const *breakdowns, size_t n,
       char *err, size_t errlen)
{
    //  The fingerprints hold only while nobody else has written since
    //  this engine's last run.
    long long seq = s_high_water (self, err, errlen);
    if (seq < 0)
        return -1;
    if (seq != self->seen_seq)
        calc_engine_forget (self);
    if (s_open (self, indicators, breakdowns, n, err, errlen))
        return -1;
    int64_t t0 = zclock_usecs ();
    s_read_t rd = { 0 };
    int rc = s_read (self, &rd, err, errlen);
    for (size_t i = 0; i < rd.nseries; i++)
        calc_group_series_free (&rd.series [i]);
    free (rd.series);
    //  copybuf counts rows across its sends.
    size_t points_sent = rd.buf.rows;
    self->changes.written = rd.buf.rows + rd.sbuf.rows;
    copybuf_free (&rd.buf);
    copybuf_free (&rd.sbuf);
    int64_t t1 = zclock_usecs ();
    self->changes.read_ms = (double) (t1 - t0) / 1000;
    self->changes.observations = rd.observations;
    self->changes.computed = rd.computed;
    if (rc || db_run (self->db, "close calc_read", 0, NULL, err, errlen) || s_write (self, points_sent, err, errlen))
        return -1;
    long long after = s_high_water (self, err, errlen);
    if (after < 0)
        return -1;
    //  Moved by more than this run's own statements: someone wrote in
    //  between (a sequence moves when the statement runs, committed or
    //  not, so a writer still in its transaction counts too).
    if (after != seq + CALC_WRITE_STATEMENTS)
        calc_engine_forget (self);
    else
        self->seen_seq = after;
    self->changes.write_ms = (double) (zclock_usecs () - t1) / 1000;
    return 0;
}

int
calc_engine_run (calc_engine_t *self, const char *const *indicators, const char *const *breakdowns, size_t n,
                 calc_changes_t *changes, char *err, size_t errlen)
{
    self->changes.n = self->changes.uncollected = self->changes.written = 0;
    self->changes.computed = self->changes.observations = 0;
    self->changes.read_ms = self->changes.write_ms = 0;
    int rc = s_run (self, indicators, breakdowns, n, err, errlen);
    if (rc)
        calc_engine_forget (self);
    *changes = self->changes;
    return rc;
}
