/*  export_store: the statements export runs, named and prepared once per
    connection (db.h, db_exec_stmt).  */
#ifndef CAREWATCH_EXPORT_STORE_H
#define CAREWATCH_EXPORT_STORE_H

#include "db.h"

extern const db_stmt_t export_sql_org_name;
extern const db_stmt_t export_sql_scorecard_rows;

//  export_sql_scorecard_rows' columns, by name.
enum {
    CARD_CODE, CARD_NAME, CARD_DOMAIN, CARD_OWNER, CARD_UNIT, CARD_POLARITY,
    CARD_VALUE, CARD_NUMERATOR, CARD_DENOMINATOR, CARD_CI_LOW, CARD_CI_HIGH,
    CARD_STATUS, CARD_SHORT_TREND, CARD_ANNUAL_TREND, CARD_BENCHMARK, CARD_ENGLAND,
    CARD_VARIATION, CARD_ASSURANCE, CARD_NOTE, CARD_PREVIOUS, CARD_LAST_YEAR,
    CARD_TARGET,                //  kind, value, lower, upper, text (s_target reads the five)
    CARD_PUBLISHED_ENGLAND = CARD_TARGET + 5,   //  "value|period" of a published comparator
    CARD_EXPECTED,              //  indicator_expected: counted in the dashboard
    CARD_COLUMNS
};
extern const db_stmt_t export_sql_sparklines;
extern const db_stmt_t export_sql_progress_latest_year;
extern const db_stmt_t export_sql_progress_rows;
extern const db_stmt_t export_sql_exception_rows;
extern const db_stmt_t export_sql_indicator_definition;
extern const db_stmt_t export_sql_indicator_series;
extern const db_stmt_t export_sql_indicator_peers;
extern const db_stmt_t export_sql_indicator_breakdowns;

#endif
