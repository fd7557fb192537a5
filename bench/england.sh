#!/bin/sh
# bench/england.sh (`make bench-england`): a scaled measurement towards
# England (6,300 practices, ~100M values), for docs/performance.md
# ("England scale").
#
# Synthetic observations in the shape carewatch stores them (the
# `observations` columns and indexes of db/migrations), at
# BENCH_ENGLAND_PRACTICES (630 1260: a tenth and a fifth of England's
# practices) x 34 monthly data elements x 13 breakdowns x 36 months
# (April 2022 - March 2025), loaded server-side with generate_series (not
# timed), in two layouts in the same cluster:
#   plain        one table, as today;
#   yearly       range-partitioned by financial year on period_start;
#   partitioned  the same, each year hash-partitioned by data_element into
#                8; both with the same indexes on every partition (the
#                current-row key carries period_start, which its period
#                determines).
# BENCH_ENGLAND_LAYOUTS picks some of them.
# Then, on each, the median of BENCH_ENGLAND_REPS (5) runs of what the
# services do with it:
#   batch      intake's write: 10,000 rows of a new month for one data
#              element, inserted and committed;
#   pass_read  calc's read for one (data element, breakdown) group: every
#              org unit's 36 months, in series order;
#   card       export's probe: one practice's latest value of each data
#              element (a short backward index scan each); card_year the
#              same bounded to the latest financial year;
#   year_sum   a dashboard's sum over the latest financial year;
#   group_by   the recompute baseline: sums over every current row;
# and the bytes on disk. Last, retiring the oldest year: DELETE on the
# plain table, DETACH + DROP of its partitions.
# Results: bench/england.json and a table; about 10 minutes on 2 cores.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
name=${BENCH_PG_NAME:-bench-england}
reps=${BENCH_ENGLAND_REPS:-5}
sizes=${BENCH_ENGLAND_PRACTICES:-630 1260}
url=$(scripts/pg.sh start "$name")
trap '[ "${BENCH_PG_KEEP:-0}" = 1 ] || scripts/pg.sh stop "$name" || true' EXIT INT TERM
out=$(mktemp)
trap 'rm -f "$out"; [ "${BENCH_PG_KEEP:-0}" = 1 ] || scripts/pg.sh stop "$name" || true' EXIT INT TERM

psql_q() { psql "$url" -X -q -v ON_ERROR_STOP=1 "$@"; }

# ms COMMAND: runs one SQL text, prints its wall time in milliseconds.
ms() {
    t=$(psql_q -At -c '\timing on' -c "$1") || { echo "england.sh: failed: $1" >&2; exit 1; }
    echo "$t" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1
}

# The table for layout $1 at $2 practices.
create() {
    layout=$1
    psql_q <<SQL
drop table if exists obs cascade;
create table obs (
    id bigint not null, batch_id bigint not null, data_element text not null, org_unit text not null,
    period text not null, period_type text not null, period_start date not null, period_end date not null,
    breakdown text not null default 'total', numerator double precision, denominator double precision,
    value double precision, ci_low double precision, ci_high double precision,
    status text not null default 'final', snapshot_date date, assessment text, note text,
    current boolean not null default true, received_at timestamptz not null default now ()
) $( [ "$layout" != plain ] && echo "partition by range (period_start)" );
SQL
    if [ "$layout" = yearly ]; then
        for y in 2021 2022 2023 2024 2025; do
            psql_q -c "create table obs_fy$y partition of obs for values from ('$y-04-01') to ('$((y + 1))-04-01')"
        done
    elif [ "$layout" = partitioned ]; then
        for y in 2021 2022 2023 2024 2025; do
            psql_q -c "create table obs_fy$y partition of obs for values from ('$y-04-01') to ('$((y + 1))-04-01')
                       partition by hash (data_element)"
            for h in 0 1 2 3 4 5 6 7; do
                psql_q -c "create table obs_fy${y}_$h partition of obs_fy$y for values with (modulus 8, remainder $h)"
            done
        done
    fi
}

load() {
    practices=$1
    # 34 data elements x practices x 13 breakdowns x 36 months.
    psql_q <<SQL
insert into obs (id, batch_id, data_element, org_unit, period, period_type, period_start, period_end,
                 breakdown, numerator, denominator, value)
select row_number () over (), m, 'de-' || lpad (d::text, 2, '0'), 'p-' || lpad (p::text, 5, '0'),
       to_char (s, 'YYYY-MM'), 'month', s::date, (s + interval '1 month' - interval '1 day')::date,
       case when b = 0 then 'total' else 'b-' || b end,
       (p * 7 + m * 3 + b) % 100, 100, ((p * 7 + m * 3 + b) % 100)::double precision
  from generate_series (0, 35) m, lateral (select date '2022-04-01' + make_interval (months => m) as s) t,
       generate_series (1, 34) d, generate_series (1, $practices) p, generate_series (0, 12) b;
SQL
    psql_q <<SQL
create index obs_batch on obs (batch_id);
create unique index obs_current_key on obs (data_element, breakdown, org_unit, period, period_start) where current;
create index obs_series on obs (data_element, org_unit, breakdown, period_type, period_end) where current;
create index obs_id on obs (id);
vacuum analyze obs;
SQL
}

# card_sql R BOUND: practice R's latest value of each data element.
card_sql() {
    echo "select d.code, x.period, x.value
            from (select 'de-' || lpad (g::text, 2, '0') as code from generate_series (1, 34) g) d
            cross join lateral (select period, value from obs where current and data_element = d.code
              and org_unit = 'p-$(printf %05d $(($1 * 17)))' and breakdown = 'total' and period_type = 'month'
              $2 order by period_end desc limit 1) x"
}

measure() {
    layout=$1 practices=$2
    rows=$(psql_q -At -c "select count(*) from obs")
    bytes=$(psql_q -At -c "select sum (pg_total_relation_size (c.oid)) from pg_class c
                           where c.relkind = 'r' and (c.relname = 'obs' or c.relname like 'obs\_fy%')")
    # batch: a new month (from April 2025, one per repetition) of data element de-01, 10,000 rows.
    per_batch=$((10000 / 13))
    t=$(for r in $(seq 1 "$reps"); do
        ms "insert into obs (id, batch_id, data_element, org_unit, period, period_type, period_start, period_end,
                             breakdown, numerator, denominator, value)
            select 100000000 + $r * 100000 + p * 13 + b, 1000 + $r, 'de-01', 'p-' || lpad (p::text, 5, '0'),
                   to_char (date '2025-03-01' + make_interval (months => $r), 'YYYY-MM'), 'month',
                   date '2025-03-01' + make_interval (months => $r),
                   (date '2025-03-01' + make_interval (months => $r + 1) - interval '1 day')::date,
                   case when b = 0 then 'total' else 'b-' || b end, 50, 100, 50
              from generate_series (1, $per_batch) p, generate_series (0, 12) b"
    done)
    echo "$t" | s_median batch
    t=$(for r in $(seq 1 "$reps"); do
        ms "select org_unit, period, numerator, denominator, value from obs
             where current and data_element = 'de-$(printf %02d $((r + 1)))' and breakdown = 'b-3'
               and period_type = 'month' order by org_unit, period_end"
    done)
    echo "$t" | s_median pass_read
    t=$(for r in $(seq 1 "$reps"); do ms "$(card_sql "$r" "")"; done)
    echo "$t" | s_median card
    #  The same, told the financial year it needs (the form a partitioned
    #  store would want, so only that year's partitions are probed).
    t=$(for r in $(seq 1 "$reps"); do ms "$(card_sql "$r" "and period_start >= '2024-04-01'")"; done)
    echo "$t" | s_median card_year
    t=$(for r in $(seq 1 "$reps"); do
        ms "select data_element, breakdown, sum (numerator), sum (denominator) from obs
             where current and period_start >= '2024-04-01' and period_start < '2025-04-01' group by 1, 2"
    done)
    echo "$t" | s_median year_sum
    t=$(for r in $(seq 1 "$reps"); do
        ms "select data_element, period, breakdown, sum (numerator), sum (denominator) from obs
             where current group by 1, 2, 3"
    done)
    echo "$t" | s_median group_by
    if [ "$layout" != plain ]; then
        retire=$(ms "alter table obs detach partition obs_fy2022; drop table obs_fy2022")
    else
        retire=$(ms "delete from obs where period_start < '2023-04-01'")
    fi
    echo "$layout $practices $rows $bytes retire=$retire" >>"$out"
}

# s_median NAME: the median of the numbers on stdin, appended as NAME=median.
s_median() {
    sort -n | awk -v n="$1" '{ v[NR] = $1 } END { printf "%s=%s\n", n, v[int((NR + 1) / 2)] }' >>"$out"
}

for p in $sizes; do
    for layout in ${BENCH_ENGLAND_LAYOUTS:-plain yearly partitioned}; do
        echo "== $layout, $p practices: load"
        create "$layout"
        load "$p"
        echo "== $layout, $p practices: measure"
        measure "$layout" "$p"
    done
done
psql_q -c "drop table if exists obs cascade"

python3 - "$out" <<'PY'
import json, sys
runs, cur = [], {}
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    if "=" in line.split()[0]:
        k, v = line.split("=")
        cur[k] = float(v)
    else:
        layout, practices, rows, size, retire = line.split()
        cur.update(layout=layout, practices=int(practices), rows=int(rows), bytes=int(size),
                   retire=float(retire.split("=")[1]))
        runs.append(cur)
        cur = {}
json.dump({"runs": runs}, open("bench/england.json", "w"), indent=2)
cols = ["batch", "pass_read", "card", "card_year", "year_sum", "group_by", "retire"]
print("%-12s %9s %11s %8s" % ("layout", "practices", "rows", "GB") + "".join("%11s" % c for c in cols) + "   (ms)")
for r in runs:
    print("%-12s %9d %11d %8.2f" % (r["layout"], r["practices"], r["rows"], r["bytes"] / 1e9)
          + "".join("%11.1f" % r.get(c, float("nan")) for c in cols))
PY
