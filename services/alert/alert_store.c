/*  alert_store: every statement alert runs with fixed text, by name: each is
    prepared once per connection (db_exec_stmt) and run by name after.
    What a statement returns is read where it is used.  */
#include "alert_store.h"

// ---------------------------------------------------------------------
//  alert_engine.c

const db_stmt_t alert_rules_load_sql = { "alert_rules_load",
    "select code, severity, coalesce ((params ->> 'worsening_periods')::int, 3)"
    " from alert_rules", 0 };

const db_stmt_t alert_subscriptions_active_sql = { "alert_subscriptions_active",
    "select id, filter, channel, partner from subscriptions where active", 0 };

const db_stmt_t alert_series_overdue_sql = { "alert_series_overdue",
    "select i.frequency, i.due_lag_days, (select max (v.period_end)::text"
    " from indicator_values v where v.indicator = i.code and v.org_unit = $2"
    " and v.breakdown = $3) from indicators i where i.code = $1", 3 };

const db_stmt_t alert_parent_firing_sql = { "alert_parent_firing",
    "select count(*) from alerts where rule = $1 and indicator = $2 and breakdown = $3"
    " and state = 'firing' and org_unit = any ($4::text[])", 4 };

const db_stmt_t alert_notification_add_sql = { "alert_notification_add",
    "insert into notifications (transition_id, subscription_id, state, delivered_at, attempts,"
    " next_attempt_at) select $1, $2, case when $3 then 'delivered' else 'pending' end,"
    " case when $3 then now () end, case when $3 then 1 else 0 end,"
    " case s.filter ->> 'digest'"
    "  when 'daily' then date_trunc ('day', now () at time zone 'UTC' - interval '7 hours')"
    "   at time zone 'UTC' + interval '31 hours'"
    "  when 'weekly' then date_trunc ('week', now () at time zone 'UTC' - interval '7 hours')"
    "   at time zone 'UTC' + interval '7 days 7 hours'"
    "  else now () + coalesce ((s.filter ->> 'group_wait')::int, 0) * interval '1 second' end"
    " from subscriptions s where s.id = $2::bigint"
    " on conflict do nothing", 3 };

const db_stmt_t alert_upsert_sql = { "alert_upsert",
    "insert into alerts (rule, indicator, org_unit, breakdown, state, period, payload, severity)"
    " values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)"
    " on conflict (rule, indicator, org_unit, breakdown) do update set state = excluded.state,"
    " period = excluded.period, payload = excluded.payload, severity = excluded.severity,"
    " fired_at = case when excluded.state = 'firing' and alerts.state <> 'firing' then now () else alerts.fired_at end,"
    " last_notified = now (),"
    " resolved_at = case when excluded.state = 'resolved' then now () else null end"
    " returning id", 8 };

const db_stmt_t alert_transition_add_sql = { "alert_transition_add",
    "insert into alert_transitions (alert_id, kind, payload, silenced_by)"
    " values ($1, $2, $3::jsonb, $4) returning id, silenced_by", 4 };

const db_stmt_t alert_series_latest_sql = { "alert_series_latest",
    "select v.period, v.value, v.status, v.short_trend, v.annual_trend, v.benchmark, v.england_value,"
    " v.spc_variation, v.spc_assurance, v.ci_low, v.ci_high, i.name, i.domain, i.owner, i.unit, i.polarity,"
    " (select t.kind from indicator_targets t where t.indicator = v.indicator and t.from_date <= v.period_start"
    "   order by t.from_date desc limit 1),"
    " (select coalesce (t.text, coalesce (t.value, t.lower)::text) from indicator_targets t"
    "   where t.indicator = v.indicator and t.from_date <= v.period_start order by t.from_date desc limit 1),"
    " v.note, coalesce (i.definition -> 'alert', '{}')::text"
    " from indicator_values v join indicators i on i.code = v.indicator"
    " where v.indicator = $1 and v.org_unit = $2 and v.breakdown = $3"
    " order by v.period_end desc, v.period_start asc limit 6", 3 };

const db_stmt_t alert_series_states_sql = { "alert_series_states",
    "select rule, state from alerts where indicator = $1 and org_unit = $2"
    " and breakdown = $3", 3 };

const db_stmt_t alert_lock_sql = { "alert_lock",
    "select pg_advisory_xact_lock ($1::bigint)", 1 };

const db_stmt_t alert_silences_active_sql = { "alert_silences_active",
    "select id || E'\\t' || matcher from silences where until > now () order by id", 0 };

const db_stmt_t alert_changes_since_sql = { "alert_changes_since",
    "with o as (insert into consumer_offsets (consumer) values ('alert') on conflict (consumer)"
    "   do update set consumer = excluded.consumer returning position)"
    " select v.indicator, v.org_unit, v.breakdown, max (v.change_seq) from indicator_values v, o"
    " where v.change_seq > o.position group by 1, 2, 3 order by 4 limit 5000", 0 };

const db_stmt_t alert_offset_set_sql = { "alert_offset_set",
    "update consumer_offsets set position = $1, updated_at = now ()"
    " where consumer = 'alert'", 1 };

const db_stmt_t alert_expected_series_sql = { "alert_expected_series",
    "select i.code, i.frequency, i.due_lag_days, coalesce (d.partner, ''), o.org_unit, o.first_end::text"
    " from indicators i join data_elements d on d.code = i.data_element"
    " join lateral (select org_unit, min (period_end) as first_end from observations"
    "   where current and data_element = i.data_element and breakdown = 'total' group by org_unit) o on true"
    " join org_units u on u.code = o.org_unit and u.level not in ('england', 'region')"
    " where indicator_expected (i.definition)"
    " and coalesce (i.definition -> 'alert' ->> 'data_missing', 'true') <> 'false'"
    " and i.frequency in ('month', 'quarter', 'year', 'calendar_year', 'calendar_quarter', 'rolling_12')"
    " order by 1, 5", 0 };

const db_stmt_t alert_reported_units_sql = { "alert_reported_units",
    "select org_unit from indicator_values where indicator = $1 and period = $2"
    " and breakdown = 'total'", 2 };

const db_stmt_t alert_unit_missing_resolve_sql = { "alert_unit_missing_resolve",
    "update alerts set state = 'resolved', resolved_at = now ()"
    " where rule = 'data_missing' and state = 'firing' and indicator not like 'feed:%'", 0 };

const db_stmt_t alert_feed_missing_firing_sql = { "alert_feed_missing_firing",
    "select indicator from alerts where rule = 'data_missing' and state = 'firing'"
    " and indicator like 'feed:%'", 0 };

const db_stmt_t alert_feed_state_sql = { "alert_feed_state",
    "select (select state from alerts where rule = 'data_missing' and indicator = $1 and breakdown = 'total'),"
    " (select org_unit from partner_scopes where partner = $2 order by descendants desc, org_unit limit 1)", 2 };

const db_stmt_t alert_batches_since_sql = { "alert_batches_since",
    "with o as (insert into consumer_offsets (consumer) values ('alert-batches') on conflict (consumer)"
    "   do update set consumer = excluded.consumer returning position)"
    " select b.id, b.partner, b.batch_key, b.rejected, b.accepted, b.receipt -> 'errors'"
    " from batches b, o where b.id > o.position order by b.id limit 1000", 0 };

const db_stmt_t alert_batches_offset_set_sql = { "alert_batches_offset_set",
    "update consumer_offsets set position = $1, updated_at = now ()"
    " where consumer = 'alert-batches'", 1 };

const db_stmt_t alert_repeats_due_sql = { "alert_repeats_due",
    "select a.rule, a.indicator, a.org_unit, a.breakdown, coalesce (a.period, ''), a.payload::text,"
    " coalesce (i.domain, ''), coalesce (i.owner, '')"
    " from alerts a join alert_rules r on r.code = a.rule left join indicators i on i.code = a.indicator"
    " where a.state = 'firing' and r.repeat_interval is not null"
    " and coalesce (a.last_notified, a.fired_at) + r.repeat_interval * case i.frequency when 'quarter' then 3"
    "   when 'year' then 12 when 'calendar_year' then 12 else 1 end < now ()"
    " order by a.id limit 500", 0 };

// ---------------------------------------------------------------------
//  alert_deliver.c

const db_stmt_t alert_notifications_delivered_sql = { "alert_notifications_delivered",
    "update notifications set state = 'delivered', delivered_at = now (),"
    " attempts = $2, last_error = null where id = any ($1::bigint[])", 2 };

const db_stmt_t alert_notifications_retry_sql = { "alert_notifications_retry",
    "update notifications set attempts = $2, last_error = $3, state = $5,"
    " next_attempt_at = now () + $4::interval where id = any ($1::bigint[])", 5 };
