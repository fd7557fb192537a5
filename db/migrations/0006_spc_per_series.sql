-- 0006: SPC limits per series segment instead of per point, so adding a
-- month no longer rewrites (and re-announces) every earlier point of the
-- series (docs/performance.md, "latency").
--
-- indicator_points holds what belongs to one period; indicator_spc holds
-- the centre line and limits of each segment of a series (a segment runs
-- from a stated process change to the next) and the series' assurance,
-- which also moves for every point when one is added. The view indicator_values
-- joins them into the shape every reader already uses.
--
-- The foreign keys of the computed values go: calc writes only codes it
-- loaded from indicators and org_units, and the two row-by-row checks
-- were a third of a full recompute. Upgrading an existing database: run
-- `carewatch recompute` once to fill indicator_spc.

ALTER TABLE indicator_values RENAME TO indicator_points;
ALTER TABLE indicator_points DROP CONSTRAINT indicator_values_indicator_fkey;
ALTER TABLE indicator_points DROP CONSTRAINT indicator_values_org_unit_fkey;
ALTER TABLE indicator_points DROP COLUMN spc_mean, DROP COLUMN spc_lcl, DROP COLUMN spc_ucl,
    DROP COLUMN spc_trial, DROP COLUMN spc_assurance;
ALTER TABLE indicator_points ADD COLUMN spc_segment date;
-- The status an update replaced: calc's events carry old and new status
-- without joining the old rows.
ALTER TABLE indicator_points ADD COLUMN prev_status text;

CREATE TABLE indicator_spc (
    indicator      text NOT NULL,
    org_unit       text NOT NULL,
    breakdown      text NOT NULL,
    segment_start  date NOT NULL,       -- period_start of the segment's first point
    points         integer NOT NULL,    -- charted points in the segment
    mean           double precision NOT NULL,
    lcl            double precision NOT NULL,
    ucl            double precision NOT NULL,
    trial          boolean NOT NULL,    -- fewer than 13 points behind the limits
    assurance      text NOT NULL,       -- the series' latest limits against its target
    change_seq     bigint NOT NULL DEFAULT nextval('indicator_change_seq'),
    computed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (indicator, org_unit, breakdown, segment_start)
);
CREATE INDEX indicator_spc_change ON indicator_spc (change_seq);

CREATE VIEW indicator_values AS
SELECT p.indicator, p.org_unit, p.period, p.breakdown, p.period_type, p.period_start, p.period_end,
       p.numerator, p.denominator, p.value, p.ci_low, p.ci_high, p.status, p.achievement,
       p.short_trend, p.annual_trend, p.benchmark, p.england_value, p.spc_variation,
       s.assurance AS spc_assurance, p.spc_rule, s.mean AS spc_mean, s.lcl AS spc_lcl, s.ucl AS spc_ucl,
       s.trial AS spc_trial, p.spc_segment, p.assessment, p.note, p.change_seq, p.computed_at
  FROM indicator_points p
  LEFT JOIN indicator_spc s
    ON s.indicator = p.indicator AND s.org_unit = p.org_unit AND s.breakdown = p.breakdown
   AND s.segment_start = p.spc_segment;

-- Every statement that writes the computed tables, whoever runs it,
-- takes a number from one sequence. calc remembers what it wrote
-- (fingerprints, see services/calc/calc_seen.h) only while the sequence
-- moved by its own statements alone; a hand edit, a restore or another
-- calc worker makes it forget and send everything again. A sequence,
-- not a counter row: several calc workers write at once, and a row
-- would queue every write statement behind the other worker's commit.
CREATE SEQUENCE computed_generation;

CREATE FUNCTION computed_generation_bump () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('computed_generation');
    RETURN NULL;
END $$;

CREATE TRIGGER indicator_points_generation
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON indicator_points
    FOR EACH STATEMENT EXECUTE FUNCTION computed_generation_bump ();
CREATE TRIGGER indicator_spc_generation
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON indicator_spc
    FOR EACH STATEMENT EXECUTE FUNCTION computed_generation_bump ();

-- calc reads one (data element, breakdown) at a time, in org unit order:
-- the same key, reordered, serves that and intake's lookups alike.
DROP INDEX observations_current_key;
CREATE UNIQUE INDEX observations_current_key
    ON observations (data_element, breakdown, org_unit, period) WHERE current;
