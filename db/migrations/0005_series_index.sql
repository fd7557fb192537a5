-- 0005: intake's history warnings read one key's earlier periods; this
-- makes that a short range scan instead of a walk over every period and
-- breakdown of the (data element, org unit) (docs/performance.md).
CREATE INDEX observations_series ON observations (data_element, org_unit, breakdown, period_type, period_end)
    WHERE current;
