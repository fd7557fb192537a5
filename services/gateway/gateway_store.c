/*  gateway_store: every statement the gateway (its API routes and web
    pages) runs with fixed text, by name: each is prepared once per worker
    connection (db_exec_stmt) and run by name after.  */
#include "gateway_store.h"

// ---------------------------------------------------------------------
//  gateway_routes.c

const db_stmt_t gateway_get_batch_sql = { "gateway_get_batch",
    "select receipt::text, partner, received_at::text from batches where id = $1::bigint"
    " and ($2::text is null or partner = $2)", 2 };

const db_stmt_t gateway_indicator_known_sql = { "gateway_indicator_known",
    "select 1 from indicators where code = $1", 1 };

const db_stmt_t gateway_values_sql = { "gateway_values",
    "select row_to_json (v)::text from (select indicator, org_unit, period, breakdown, numerator,"
    " denominator, value, ci_low, ci_high, status, achievement, short_trend, annual_trend, benchmark,"
    " benchmark_source, benchmark_published, benchmark_differs,"
    " england_value, spc_variation, spc_assurance, spc_rule, spc_mean, spc_lcl, spc_ucl, note,"
    " change_seq from indicator_values where indicator = $1 and ($2::text is null or org_unit = $2)"
    " and ($3::date is null or period_end >= $3::date) and ($4::date is null or period_end <= $4::date)"
    " and ($5::text is null or breakdown = $5) order by org_unit, breakdown, period_end) v", 5 };

//  A subscription ends (the API's DELETE and the alerts page): a key ends
//  its own; $2 NULL (an admin) any.
const db_stmt_t gateway_delete_subscription_sql = { "gateway_delete_subscription",
    "update subscriptions set active = false where id = $1::bigint and active"
    " and ($2::bigint is null or owner_key = $2::bigint) returning id", 2 };

const db_stmt_t gateway_indicators_sql = { "gateway_indicators",
    "select json_build_object ('code', code, 'name', name, 'domain', domain, 'owner', owner,"
    " 'unit', unit, 'polarity', polarity, 'frequency', frequency)::text from indicators"
    " where ($1::text is null or domain = $1) and ($2::text is null or owner_within (owner, $2)) order by code", 2 };

const db_stmt_t gateway_indicator_sql = { "gateway_indicator",
    "select (definition || jsonb_build_object ('targets', coalesce ((select jsonb_agg ("
    " jsonb_build_object ('from', from_period, 'kind', kind, 'value', value, 'lower', lower,"
    " 'upper', upper, 'text', text) order by from_date) from indicator_targets"
    " where indicator = code), '[]')))::text from indicators where code = $1", 1 };

const db_stmt_t gateway_alerts_sql = { "gateway_alerts",
    "select json_build_object ('id', id, 'rule', rule, 'severity', severity,"
    " 'indicator', indicator, 'org_unit', org_unit, 'breakdown', breakdown, 'state', state,"
    " 'period', period, 'fired_at', fired_at, 'resolved_at', resolved_at, 'payload', payload)::text"
    " from alerts where $1::text is null or state = $1 order by fired_at desc, id", 1 };

const db_stmt_t gateway_subscriptions_sql = { "gateway_subscriptions",
    "select json_build_object ('id', id, 'subscriber', subscriber, 'filter', filter,"
    " 'channel', channel, 'url', url, 'created_at', created_at)::text from subscriptions"
    " where active and ($1::bigint is null or owner_key = $1::bigint) order by id", 1 };

// ---------------------------------------------------------------------
//  gateway_http.c

const db_stmt_t gateway_metrics_sql = { "gateway_metrics",
    "select (select count(*) from batches), (select coalesce (sum (accepted), 0) from batches),"
    " (select coalesce (sum (rejected), 0) from batches), (select coalesce (max (change_seq), 0) from indicator_values),"
    " (select count(*) from alert_transitions where kind = 'fired'),"
    " (select count(*) from alert_transitions where kind = 'resolved'),"
    " (select count(*) from alerts where state = 'firing'),"
    " (select count(*) from notifications where state = 'delivered'),"
    " (select count(*) from notifications where state = 'pending' and attempts > 0),"
    " (select count(*) from notifications where state = 'dead'),"
    " (select count(*) from notifications where state = 'pending')", 0 };

// ---------------------------------------------------------------------
//  web_page.c

const db_stmt_t web_as_at_sql = { "web_as_at",
    "select extract (year from d)::int, extract (month from d)::int,"
    " extract (day from d)::int from (select max (period_end) d from indicator_points"
    " where org_unit = 'dudley' and period_type in ('quarter', 'month')) m", 0 };

// ---------------------------------------------------------------------
//  web_overview.c

const db_stmt_t web_rug_columns_sql = { "web_rug_columns",
    "select code, name from org_units where code in ('england', 'west-midlands', 'dudley')"
    " or (parent = 'dudley' and level = 'pcn') order by case level when 'england' then 0"
    " when 'region' then 1 when 'place' then 2 else 3 end, name", 0 };

const db_stmt_t web_rug_rows_sql = { "web_rug_rows",
    "with cols as (select code from org_units where code in ('england', 'west-midlands', 'dudley')"
    "   or (parent = 'dudley' and level = 'pcn')),"
    " cells as (select distinct on (v.indicator, v.org_unit) v.indicator, v.org_unit, v.period, v.value,"
    "   v.status, v.benchmark from indicator_points v join cols c on c.code = v.org_unit"
    "   where v.breakdown = 'total' and v.period_end <= $1::date"
    "   order by v.indicator, v.org_unit, v.period_end desc)"
    " select i.domain, i.code, i.name, i.unit, jsonb_object_agg (c.org_unit, jsonb_build_array (c.period, c.value,"
    "   c.status, c.benchmark))::text from indicators i join cells c on c.indicator = i.code"
    " where ($2::text is null or i.domain = $2) and ($3::text is null or owner_within (i.owner, $3))"
    " group by i.domain, i.code, i.name, i.unit"
    " having $4::text is null or bool_or (c.org_unit = 'dudley' and c.status = $4)"
    " order by i.domain, i.code", 4 };

const db_stmt_t web_domains_sql = { "web_domains",
    "select distinct domain from indicators order by 1", 0 };

// ---------------------------------------------------------------------
//  web_indicator.c

const db_stmt_t web_series_sql = { "web_series",
    "select v.period, v.value, v.ci_low, v.ci_high, v.numerator, v.denominator, v.status, v.benchmark,"
    " coalesce (v.england_value, e.value),"
    " (select t.value from indicator_targets t where t.indicator = v.indicator and t.from_date <= v.period_start"
    "   and t.kind in ('min', 'max') order by t.from_date desc limit 1),"
    " v.spc_variation, v.spc_assurance, v.spc_mean, v.spc_lcl, v.spc_ucl, v.note, v.benchmark_differs,"
    " v.benchmark_published, v.short_trend"
    " from indicator_values v left join indicator_points e on e.indicator = v.indicator and e.org_unit = 'england'"
    "   and e.period = v.period and e.breakdown = 'total'"
    " where v.indicator = $1 and v.org_unit = $2 and v.breakdown = $3 order by v.period_end", 3 };

const db_stmt_t web_area_lookup_sql = { "web_area_lookup",
    "select code, name, level, coalesce (parent, '') from org_units where code = $1", 1 };

const db_stmt_t web_definition_sql = { "web_definition",
    "select code, name, domain, owner, unit, polarity, frequency, calculation, multiplier,"
    " coalesce (definition ->> 'notes', ''), definition -> 'source' ->> 'seed', definition -> 'source' ->> 'line',"
    " definition -> 'source' ->> 'ref', (select string_agg (coalesce (t.text, t.kind) || ' from ' || t.from_period,"
    "   '; ' order by t.from_date) from indicator_targets t where t.indicator = code), data_element,"
    " coalesce (definition ->> 'benchmark_element', '')"
    " from indicators where code = $1", 1 };

const db_stmt_t web_compare_sql = { "web_compare",
    "select o.code, o.name, v.value, v.ci_low, v.ci_high, v.numerator, v.denominator from org_units o"
    " left join indicator_points v on v.org_unit = o.code and v.indicator = $1 and v.period = $2 and v.breakdown = 'total'"
    " where ((o.parent = $3 and $4::text is null) or ($4 = 'all' and o.level = 'practice'"
    "   and o.parent in (select code from org_units where parent = $3))) and o.level in ('pcn', 'practice')"
    " order by v.value desc nulls last, o.name", 4 };

const db_stmt_t web_inequalities_sql = { "web_inequalities",
    "with latest as (select max (period_end) d from indicator_points where indicator = $1 and org_unit = $2"
    "   and breakdown <> 'total')"
    " select b.dimension, b.name, v.value, v.ci_low, v.ci_high, v.period from indicator_points v"
    " join breakdowns b on b.code = v.breakdown, latest"
    " where v.indicator = $1 and v.org_unit = $2 and v.breakdown <> 'total' and v.period_end = latest.d"
    " order by b.dimension, b.rank nulls last, b.name", 2 };

const db_stmt_t web_warnings_sql = { "web_warnings",
    "with wb as (select b.id, b.batch_key, b.rejected = 0 and b.unchanged_count = 0 whole, w from batches b"
    "   cross join jsonb_array_elements (b.receipt -> 'warnings') w),"
    " r as (select o.batch_id, o.data_element, row_number () over (partition by o.batch_id order by o.id) n"
    "   from observations o where o.batch_id in (select id from wb where whole))"
    " select distinct wb.batch_key, wb.w ->> 'message' from wb left join r on wb.whole and r.batch_id = wb.id"
    "   and r.n = (wb.w ->> 'row')::int"
    " where wb.w ->> 'message' ~ $3 or r.data_element = $1 or (r.data_element = $2 and $2 <> '')"
    " order by 1, 2", 3 };

// ---------------------------------------------------------------------
//  web_area.c

const db_stmt_t web_tree_sql = { "web_tree",
    "with recursive up (code, name, level, parent, depth) as (select code, name, level, parent, 0 from org_units"
    "   where code = $1 union all select o.code, o.name, o.level, o.parent, u.depth + 1 from org_units o"
    "   join up u on o.code = u.parent where u.level not in ('place', 'england'))"
    " select code, name, level, 'up' from up union all"
    " select * from (select code, name, level, 'down' from org_units where parent = $1 and level in ('pcn', 'practice')"
    "   order by name) c", 1 };

const db_stmt_t web_spine_rows_sql = { "web_spine_rows",
    "with mine as (select distinct on (v.indicator) v.indicator, v.period, v.value, v.status, v.benchmark,"
    "   coalesce (v.spc_variation, 'not_assessed') spc_variation, coalesce (v.spc_assurance, 'none') spc_assurance"
    "   from indicator_values v where v.org_unit = $1 and v.breakdown = 'total'"
    "   and v.period_end <= $2::date order by v.indicator, v.period_end desc),"
    " peers as (select p.indicator, min (p.value) lo, percentile_cont (0.25) within group (order by p.value) q1,"
    "   percentile_cont (0.75) within group (order by p.value) q3, max (p.value) hi, count (*) n"
    "   from indicator_points p join org_units o on o.code = p.org_unit and o.level = $3"
    "   join mine m on m.indicator = p.indicator and m.period = p.period where p.breakdown = 'total'"
    "   and p.value is not null group by p.indicator)"
    " select i.domain, i.code, i.name, i.unit, i.polarity, m.period, m.value, m.status, m.benchmark,"
    "   m.spc_variation, m.spc_assurance, d.value, e.value, pe.lo, pe.q1, pe.q3, pe.hi, pe.n"
    " from mine m join indicators i on i.code = m.indicator"
    " left join indicator_points d on d.indicator = m.indicator and d.org_unit = 'dudley' and d.period = m.period"
    "   and d.breakdown = 'total'"
    " left join indicator_points e on e.indicator = m.indicator and e.org_unit = 'england' and e.period = m.period"
    "   and e.breakdown = 'total'"
    " left join peers pe on pe.indicator = m.indicator"
    " order by i.domain, i.code", 3 };

const db_stmt_t web_alerts_sql = { "web_alerts",
    "select a.rule, a.indicator, i.name, a.period, a.severity, to_char (a.fired_at, 'YYYY-MM-DD HH24:MI')"
    " from alerts a left join indicators i on i.code = a.indicator where a.state = 'firing'"
    " and a.org_unit = $1 order by a.fired_at desc, a.id limit 200", 1 };

// ---------------------------------------------------------------------
//  web_manage.c

const db_stmt_t web_firing_sql = { "web_firing",
    "select a.indicator, coalesce (i.name, a.indicator), a.rule, count (*),"
    " array_to_string ((array_agg (coalesce (o.name, a.org_unit) order by o.name)) [1:5], ', '),"
    " to_char (max (a.fired_at), 'YYYY-MM-DD HH24:MI'),"
    " array_to_string ((array_agg (coalesce (o.name, a.org_unit) order by o.name)) [6:], ', ')"
    " from alerts a left join indicators i on i.code = a.indicator left join org_units o on o.code = a.org_unit"
    " where a.state = 'firing' group by 1, 2, 3 order by 4 desc, 1, 3 limit 500", 0 };

const db_stmt_t web_resolved_sql = { "web_resolved",
    "select a.rule, coalesce (i.name, a.indicator), coalesce (o.name, a.org_unit), a.period,"
    " to_char (a.resolved_at, 'YYYY-MM-DD HH24:MI') from alerts a left join indicators i on i.code = a.indicator"
    " left join org_units o on o.code = a.org_unit where a.state = 'resolved'"
    " and a.resolved_at > now () - interval '30 days' order by a.resolved_at desc limit 100", 0 };

const db_stmt_t web_silences_active_sql = { "web_silences_active",
    "select matcher, reason, to_char (until, 'YYYY-MM-DD HH24:MI'), created_by, id from silences"
    " where until > now () order by until", 0 };

const db_stmt_t web_subscriptions_listed_sql = { "web_subscriptions_listed",
    "select id, subscriber, coalesce (url, channel), filter::text from subscriptions"
    " where active and ($1::bigint is null or owner_key = $1::bigint) order by id", 1 };

const db_stmt_t web_silence_end_sql = { "web_silence_end",
    "update silences set until = now () where id = $1::bigint and until > now ()"
    " and ($2::text is null or created_by = $2) returning id", 2 };


const db_stmt_t web_batches_sql = { "web_batches",
    "select id, partner, batch_key, to_char (received_at, 'YYYY-MM-DD HH24:MI'), format, accepted, rejected,"
    " coalesce ((select string_agg ('row ' || (e ->> 'row') || ', ' || coalesce (e ->> 'field', '-') || ': '"
    "   || (e ->> 'message'), E'\\n') from (select e from jsonb_array_elements (receipt -> 'errors') e limit 20) x), '')"
    " from batches where ($1::text is null or partner = $1) order by id desc limit 50", 1 };

const db_stmt_t web_keys_listed_sql = { "web_keys_listed",
    "select id, prefix, role, coalesce (partner, ''), coalesce (label, ''),"
    " to_char (created_at, 'YYYY-MM-DD'), coalesce (to_char (revoked_at, 'YYYY-MM-DD'), '')"
    " from api_keys order by id", 0 };

//  The feeds page's completeness: the same rule as alert's data_missing
//  (an indicator whose data is expected, of a recurring cadence).
#define S_EXPECTED \
    " from indicators i join data_elements d on d.code = i.data_element" \
    " where indicator_expected (i.definition) and coalesce (i.definition -> 'alert' ->> 'data_missing', 'true') <> 'false'" \
    " and i.frequency in ('month', 'quarter', 'year', 'calendar_year', 'calendar_quarter', 'rolling_12')"

//  The feeds due: partner, cadence and lag.
const db_stmt_t web_feeds_due_sql = { "web_feeds_due",
    "select distinct coalesce (d.partner, ''), i.frequency, i.due_lag_days" S_EXPECTED
    " and ($1::text is null or d.partner = $1) order by 1, 2, 3", 1 };

//  One feed's series due for its due period ($4, ending $5), and how many
//  have a figure: count due, count reported.
const db_stmt_t web_feed_completeness_sql = { "web_feed_completeness",
    "select count (*), count (v.indicator) from (select i.code, i.data_element" S_EXPECTED
    " and coalesce (d.partner, '') = $1 and i.frequency = $2 and i.due_lag_days = $3::int) e"
    " join lateral (select org_unit, min (period_end) first_end from observations where current"
    "   and data_element = e.data_element and breakdown = 'total' group by org_unit) o on o.first_end <= $5::date"
    " join org_units u on u.code = o.org_unit and u.level not in ('england', 'region')"
    " left join indicator_points v on v.indicator = e.code and v.org_unit = o.org_unit and v.period = $4"
    "   and v.breakdown = 'total'", 5 };
