/*  calc_store: every statement calc runs with fixed text, by name: each is
    prepared once per connection (db_exec_stmt) and run by name after.
    What a statement returns is read where it is used.  */
#include "calc_store.h"

// ---------------------------------------------------------------------
//  calc_engine.c

const db_stmt_t calc_indicators_load_sql = { "calc_indicators_load",
    "select code, domain, data_element, coalesce (level, 'practice'), aggregates, calculation,"
    " multiplier, polarity, benchmark is not null,"
    " (select string_agg (x, ',') from jsonb_array_elements_text (coalesce (definition -> 'spc_rebase', '[]')) x),"
    " unit, definition ->> 'decimals', definition ->> 'interval'"
    " from indicators", 0 };

const db_stmt_t calc_targets_load_sql = { "calc_targets_load",
    "select indicator, from_date - date '1970-01-01', kind, value, lower, upper, tolerance"
    " from indicator_targets order by indicator, from_date", 0 };

// ---------------------------------------------------------------------
//  calc_service.c

const db_stmt_t calc_group_lock_sql = { "calc_group_lock",
    "select pg_advisory_xact_lock ($1::bigint)", 1 };

const db_stmt_t calc_group_lock_shared_sql = { "calc_group_lock_shared",
    "select pg_advisory_xact_lock_shared ($1::bigint)", 1 };

const db_stmt_t calc_batches_pending_sql = { "calc_batches_pending",
    "select b.id from batches b where not exists"
    " (select 1 from calc_processed p where p.batch_id = b.id)"
    " order by b.commit_seq limit $1::int for update of b skip locked", 1 };

const db_stmt_t calc_batch_series_sql = { "calc_batch_series",
    "select distinct i.code, o.breakdown from observations o"
    " join indicators i on i.data_element = o.data_element"
    " where o.batch_id = any ($1::bigint[])", 1 };

const db_stmt_t calc_batches_done_sql = { "calc_batches_done",
    "insert into calc_processed (batch_id) select unnest ($1::bigint[])"
    " on conflict do nothing", 1 };

const db_stmt_t calc_recompute_lock_sql = { "calc_recompute_lock",
    "select pg_advisory_xact_lock ($1::bigint)", 1 };

// ---------------------------------------------------------------------
//  calc_engine.c: the run's temp tables, COPY targets and writes

const char *const calc_out_table_ddl =
    "create temp table if not exists calc_out (like indicator_points including defaults) on commit delete rows";

const char *const calc_spc_table_ddl =
    "create temp table if not exists calc_spc_out (like indicator_spc including defaults) on commit delete rows";

const char *const calc_out_copy =
    "copy calc_out (indicator, org_unit, period, breakdown, period_type, period_start, period_end,"
    " numerator, denominator, value, ci_low, ci_high, status, achievement, short_trend, annual_trend,"
    " benchmark, england_value, spc_variation, spc_rule, spc_segment, assessment, note)"
    " from stdin";

const char *const calc_spc_copy =
    "copy calc_spc_out (indicator, org_unit, breakdown, segment_start, points, mean, lcl, ucl, trial, assurance)"
    " from stdin";

//  Upserts the computed values; only rows that differ get a new change
//  sequence, and only those come back (s_upsert_returning) or are
//  counted (s_upsert_sql alone, for a run nobody publishes).  An update
//  keeps the status it replaced in prev_status, so the events carry the
//  transition without a join to the old rows.
#define S_UPSERT_SQL \
    "insert into indicator_points (indicator, org_unit, period, breakdown, period_type, period_start," \
    "   period_end, numerator, denominator, value, ci_low, ci_high, status, achievement, short_trend," \
    "   annual_trend, benchmark, england_value, spc_variation, spc_rule, spc_segment," \
    "   assessment, note)" \
    "  select indicator, org_unit, period, breakdown, period_type, period_start, period_end, numerator," \
    "   denominator, value, ci_low, ci_high, status, achievement, short_trend, annual_trend, benchmark," \
    "   england_value, spc_variation, spc_rule, spc_segment, assessment, note from calc_out" \
    "  on conflict (indicator, org_unit, period, breakdown) do update set" \
    "   numerator = excluded.numerator, denominator = excluded.denominator, value = excluded.value," \
    "   ci_low = excluded.ci_low, ci_high = excluded.ci_high, status = excluded.status," \
    "   achievement = excluded.achievement, short_trend = excluded.short_trend," \
    "   annual_trend = excluded.annual_trend, benchmark = excluded.benchmark," \
    "   england_value = excluded.england_value, spc_variation = excluded.spc_variation," \
    "   spc_rule = excluded.spc_rule," \
    "   spc_segment = excluded.spc_segment, assessment = excluded.assessment, note = excluded.note," \
    "   prev_status = indicator_points.status," \
    "   change_seq = nextval ('indicator_change_seq'), computed_at = now ()" \
    "  where (indicator_points.numerator, indicator_points.denominator, indicator_points.value," \
    "   indicator_points.ci_low, indicator_points.ci_high, indicator_points.status," \
    "   indicator_points.achievement, indicator_points.short_trend, indicator_points.annual_trend," \
    "   indicator_points.benchmark, indicator_points.england_value, indicator_points.spc_variation," \
    "   indicator_points.spc_rule, indicator_points.spc_segment," \
    "   indicator_points.assessment, indicator_points.note)" \
    "   is distinct from (excluded.numerator, excluded.denominator, excluded.value, excluded.ci_low," \
    "   excluded.ci_high, excluded.status, excluded.achievement, excluded.short_trend, excluded.annual_trend," \
    "   excluded.benchmark, excluded.england_value, excluded.spc_variation," \
    "   excluded.spc_rule, excluded.spc_segment, excluded.assessment, excluded.note)"

const db_stmt_t calc_points_upsert_sql = { "calc_points_upsert", S_UPSERT_SQL, 0 };

//  Rows of calc_out that equal the stored ones.
const db_stmt_t calc_unchanged_delete_sql = { "calc_unchanged_delete",
    "delete from calc_out c using indicator_points p"
    " where p.indicator = c.indicator and p.org_unit = c.org_unit and p.period = c.period"
    " and p.breakdown = c.breakdown"
    " and (p.numerator, p.denominator, p.value, p.ci_low, p.ci_high, p.status, p.achievement, p.short_trend,"
    "  p.annual_trend, p.benchmark, p.england_value, p.spc_variation, p.spc_rule, p.spc_segment, p.assessment,"
    "  p.note) is not distinct from (c.numerator, c.denominator, c.value, c.ci_low, c.ci_high, c.status,"
    "  c.achievement, c.short_trend, c.annual_trend, c.benchmark, c.england_value, c.spc_variation, c.spc_rule,"
    "  c.spc_segment, c.assessment, c.note)", 0 };


const db_stmt_t calc_points_upsert_returning_sql = { "calc_points_upsert_returning",
    "with up as (" S_UPSERT_SQL
    "  returning indicator, org_unit, period, breakdown, coalesce (prev_status, ''), status,"
    "   coalesce (spc_variation, ''), change_seq)"
    " select * from up order by change_seq", 0 };

//  Segments: a series written here replaces its segments whole.
const db_stmt_t calc_spc_delete_sql = { "calc_spc_delete",
    "delete from indicator_spc s using"
    " (select x.indicator, x.org_unit, x.breakdown, x.segment_start from indicator_spc x"
    "   join (select distinct indicator, org_unit, breakdown from calc_spc_out) t using (indicator, org_unit, breakdown)"
    "  except select indicator, org_unit, breakdown, segment_start from calc_spc_out) d"
    " where s.indicator = d.indicator and s.org_unit = d.org_unit and s.breakdown = d.breakdown"
    " and s.segment_start = d.segment_start", 0 };

const db_stmt_t calc_spc_upsert_sql = { "calc_spc_upsert",
    "insert into indicator_spc (indicator, org_unit, breakdown, segment_start, points, mean, lcl, ucl, trial,"
    "  assurance)"
    " select indicator, org_unit, breakdown, segment_start, points, mean, lcl, ucl, trial, assurance from calc_spc_out"
    " on conflict (indicator, org_unit, breakdown, segment_start) do update set points = excluded.points,"
    "  mean = excluded.mean, lcl = excluded.lcl, ucl = excluded.ucl, trial = excluded.trial,"
    "  assurance = excluded.assurance, change_seq = nextval ('indicator_change_seq'), computed_at = now ()"
    " where (indicator_spc.points, indicator_spc.mean, indicator_spc.lcl, indicator_spc.ucl, indicator_spc.trial,"
    "  indicator_spc.assurance) is distinct from (excluded.points, excluded.mean, excluded.lcl, excluded.ucl,"
    "  excluded.trial, excluded.assurance)", 0 };

//  The computed tables' write counter (migration 0006): every statement
//  that writes them takes a number from this sequence.
const db_stmt_t calc_high_water_sql = { "calc_high_water",
    "select case when is_called then last_value else 0 end from computed_generation", 0 };
