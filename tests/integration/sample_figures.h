/*  sample_figures: it_sample's checks of what carewatch makes of the
    Dudley sample against the seeds, in a file of their own: the corporate
    KPI scorecard and the directorate dashboards (seed 001), the "Our
    progress" table and the childhood vaccination statuses (seed 000), and
    the health inequalities tables (seed 003).  it_sample.c sets up the
    services, loads the sample and calls these; each returns how many seed
    figures it checked.  */
#ifndef IT_SAMPLE_FIGURES_H
#define IT_SAMPLE_FIGURES_H

#include <jansson.h>
#include "apikey.h"

//  A reader key for the gateway (it_sample.c makes it).
extern char sample_reader [APIKEY_LEN + 1];

//  GETs path from the gateway with key as JSON (a new reference),
//  counting a failed check unless it answers 200 with JSON; NULL then.
json_t *sample_get_json (const char *path, const char *key);

//  A string member ("(none)" when absent) and a number member of o.
const char *sample_str (json_t *o, const char *key);
double sample_num (json_t *o, const char *key);

//  seed 001: the Q2 2022/23 scorecard, its KPIs and the directorate
//  dashboards (seed is tests/data/seed001_corporate_kpis.json).
int sample_scorecard (json_t *expected, json_t *seed);

//  seed 000: the "Our progress" table, and the 2024/25 vaccination statuses.
int sample_progress (json_t *expected);
int sample_vaccination_statuses (json_t *expected);

//  seed 003: the health inequalities tables.
int sample_inequalities (json_t *expected);

#endif
