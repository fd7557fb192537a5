/*  export_store: every statement export runs, by name (db_exec_stmt
    prepares each once per connection).  What each returns, column by
    column, is said at its use in export_query.c.  */
#include "export_store.h"

const db_stmt_t export_sql_org_name = { "export_org_name",
    "select name from org_units where code = $1", 1 };

const db_stmt_t export_sql_scorecard_rows = { "export_scorecard_rows",
    "select i.code, i.name, i.domain, i.owner, i.unit, i.polarity,"
    " c.value, c.numerator, c.denominator, c.ci_low, c.ci_high, coalesce (c.status, case when t.kind is null"
    "   then 'no_target' else 'missing' end), coalesce (c.short_trend, 'cannot_compare'),"
    " coalesce (c.annual_trend, 'cannot_compare'), coalesce (c.benchmark, 'not_compared'), c.england_value,"
    " c.spc_variation, c.spc_assurance, c.note, pv.value, ly.value,"
    " t.kind, t.value, t.lower, t.upper, t.text,"
    " (select o.value::text || '|' || o.period from observations o where o.current and o.org_unit = 'england'"
    "   and o.breakdown = 'total' and o.data_element = i.definition ->> 'benchmark_element'"
    "   order by o.period_end desc limit 1),"
    " indicator_expected (i.definition)"
    " from indicators i"
    " left join indicator_values c on c.indicator = i.code and c.org_unit = $1 and c.period = $2 and c.breakdown = 'total'"
    " left join indicator_points pv on pv.indicator = i.code and pv.org_unit = $1 and pv.period = $3 and pv.breakdown = 'total'"
    " left join indicator_points ly on ly.indicator = i.code and ly.org_unit = $1 and ly.period = $4 and ly.breakdown = 'total'"
    //  Each indicator's target in force: one pass over the targets.
    " left join (select distinct on (indicator) * from indicator_targets where from_date <= $5::date"
    "   order by indicator, from_date desc) t on t.indicator = i.code"
    " where i.frequency = $6 and ($7::text is null or owner_within (i.owner, $7)) and ($8::text is null or i.domain = $8)"
    //  Due: it has a value now, or it has a recurring feed (the same
    //  data_due override alert's missing-data rule reads) whose series
    //  had begun by the end of the period.  An indicator is not due
    //  before it exists (the Women's Health Hub's first value is Q4
    //  2024/25), nor when it comes from a one-off publication.
    " and (c.indicator is not null or (indicator_expected (i.definition)"
    "   and exists (select 1 from indicator_values v where v.indicator = i.code"
    "   and v.org_unit = $1 and v.breakdown = 'total' and v.period_end <= $9::date)))"
    " order by i.domain, i.code", 9 };

const db_stmt_t export_sql_sparklines = { "export_sparklines",
    "select i.code, h.period, h.value from indicators i cross join lateral"
    " (select period, value, period_end from indicator_points h where h.indicator = i.code"
    "  and h.org_unit = $1 and h.breakdown = 'total' and h.period_end <= $2::date"
    "  and h.period_type = $3 order by h.period_end desc limit 8) h"
    " order by i.code, h.period_end", 3 };

const db_stmt_t export_sql_progress_latest_year = { "export_progress_latest_year",
    "select period from indicator_values where org_unit = $1 and period_type = 'year'"
    " order by period_end desc limit 1", 1 };

const db_stmt_t export_sql_progress_rows = { "export_progress_rows",
    "select i.domain, i.code, i.name, i.unit, t.kind, t.value, t.lower, t.upper, t.text, y.n, y.period,"
    " v.value, coalesce (v.status, case when t.kind is null then 'no_target' else 'missing' end),"
    " o.status, o.snapshot_date, o.note"
    " from indicators i"
    " cross join (values (0, $2, $8::date, $9::date), (1, $3, $10::date, $11::date), (2, $4, $12::date, $13::date))"
    "   as y (n, period, ys, ye)"
    " left join lateral (select * from indicator_values v where v.indicator = i.code and v.org_unit = $1"
    "   and v.breakdown = 'total' and (v.period = y.period or (i.frequency = 'snapshot'"
    "   and v.period_type = 'snapshot' and v.period_end between y.ys and y.ye))"
    "   order by v.period_end desc limit 1) v on true"
    " left join observations o on o.current and o.data_element = i.data_element and o.org_unit = $1"
    "   and o.period = coalesce (v.period, y.period) and o.breakdown = 'total'"
    " left join lateral (select * from indicator_targets t where t.indicator = i.code and t.from_date <= $5::date"
    "   order by t.from_date desc limit 1) t on true"
    " where i.frequency in ('year', 'snapshot') and ($6::text is null or owner_within (i.owner, $6))"
    " and ($7::text is null or i.domain = $7)"
    " and exists (select 1 from indicator_values x where x.indicator = i.code and x.org_unit = $1"
    "   and x.breakdown = 'total' and (x.period in ($2, $3, $4) or (i.frequency = 'snapshot'"
    "   and x.period_type = 'snapshot' and x.period_end between $8::date and $13::date)))"
    " order by i.domain, i.code, y.n", 13 };

const db_stmt_t export_sql_exception_rows = { "export_exception_rows",
    "select i.code, i.name, i.owner, i.unit, t.kind, t.value, t.lower, t.upper, t.text, v.status,"
    " v.short_trend, v.annual_trend, v.value,"
    " (select json_agg (json_build_object ('period', h.period, 'value', h.value, 'status', h.status)"
    "   order by h.period_end) from (select * from indicator_values h where h.indicator = i.code"
    "   and h.org_unit = $1 and h.breakdown = 'total' and h.period_end <= v.period_end"
    "   order by h.period_end desc limit 6) h)::text,"
    " (select json_agg (o.note order by o.id desc) from observations o where o.data_element = i.data_element"
    "   and o.org_unit = $1 and o.breakdown = 'total' and o.note is not null)::text"
    " from indicator_values v join indicators i on i.code = v.indicator"
    " left join lateral (select * from indicator_targets t where t.indicator = i.code"
    "   and t.from_date <= v.period_start order by t.from_date desc limit 1) t on true"
    " where v.org_unit = $1 and v.period = $2 and v.breakdown = 'total' and v.status = 'below_target'"
    " and ($3::text is null or owner_within (i.owner, $3)) and ($4::text is null or i.domain = $4)"
    " order by i.domain, i.code", 4 };

const db_stmt_t export_sql_indicator_definition = { "export_indicator_definition",
    "select code, name, domain, owner, unit, polarity, calculation, source::text, notes,"
    " (select json_agg (json_build_object ('from', from_period, 'kind', kind, 'value', value, 'lower', lower,"
    "   'upper', upper, 'text', text) order by from_date) from indicator_targets where indicator = code)::text"
    " from indicators where code = $1", 1 };

const db_stmt_t export_sql_indicator_series = { "export_indicator_series",
    "select period, value, ci_low, ci_high, numerator, denominator, status, spc_mean, spc_lcl,"
    " spc_ucl, spc_rule, spc_variation, spc_assurance, spc_trial from indicator_values"
    " where indicator = $1 and org_unit = $2 and breakdown = $3"
    " order by period_end, period_start desc", 3 };

const db_stmt_t export_sql_indicator_peers = { "export_indicator_peers",
    "select v.org_unit, u.name, v.value, v.ci_low, v.ci_high from indicator_values v"
    " join org_units u on u.code = v.org_unit where v.indicator = $1 and u.parent = $2"
    " and v.period = $3 and v.breakdown = 'total' order by v.value desc nulls last", 3 };

const db_stmt_t export_sql_indicator_breakdowns = { "export_indicator_breakdowns",
    "select v.breakdown, b.rank, v.value from indicator_values v join breakdowns b on b.code = v.breakdown"
    " where v.indicator = $1 and v.org_unit = $2 and v.period = $3 and b.dimension = 'deprivation'"
    " order by b.rank", 3 };
