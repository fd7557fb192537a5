-- 0012: the hot tables without per-row checks the writers already make
-- (issue 16). Every observation intake writes has been validated against
-- the reference data it holds in memory (data element, org unit,
-- breakdown, partner grant and scope), in the same transaction as its
-- batch row; every value calc writes is for an indicator of the catalogue
-- and an org unit of the tree it loaded. Reference rows are added and
-- updated, never deleted (migrate.c), so the foreign keys only cost a
-- trigger and an index probe per row. They go, and so does the history
-- index, which repeated the current-key index with the id: history is
-- read through observations_series.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
             WHERE contype = 'f' AND conrelid IN ('observations'::regclass, 'indicator_points'::regclass)
    LOOP
        EXECUTE format ('ALTER TABLE %s DROP CONSTRAINT %I', c.t, c.conname);
    END LOOP;
END $$;
DROP INDEX IF EXISTS observations_history;
