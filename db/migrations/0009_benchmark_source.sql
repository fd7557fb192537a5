-- 0009: where a benchmark verdict comes from, beside the verdict. calc
-- computes it by the Fingertips method (the area's 95% interval against
-- England's value) when it has both; otherwise it carries the verdict the
-- publisher printed (kept as it came in `assessment`). Readers get both,
-- and a flag where carewatch's own verdict and the published one differ.
CREATE OR REPLACE VIEW indicator_values AS
SELECT p.indicator, p.org_unit, p.period, p.breakdown, p.period_type, p.period_start, p.period_end,
       p.numerator, p.denominator, p.value, p.ci_low, p.ci_high, p.status, p.achievement,
       p.short_trend, p.annual_trend, p.benchmark, p.england_value, p.spc_variation,
       s.assurance AS spc_assurance, p.spc_rule, s.mean AS spc_mean, s.lcl AS spc_lcl, s.ucl AS spc_ucl,
       s.trial AS spc_trial, p.spc_segment, p.assessment, p.note, p.change_seq, p.computed_at,
       CASE WHEN p.ci_low IS NOT NULL AND p.england_value IS NOT NULL THEN 'computed'
            WHEN p.assessment IN ('better', 'similar', 'worse', 'higher', 'lower') THEN 'published'
       END AS benchmark_source,
       CASE WHEN p.assessment IN ('better', 'similar', 'worse', 'higher', 'lower') THEN p.assessment
       END AS benchmark_published,
       (p.ci_low IS NOT NULL AND p.england_value IS NOT NULL
        AND p.assessment IN ('better', 'similar', 'worse', 'higher', 'lower')
        AND p.assessment IS DISTINCT FROM p.benchmark) AS benchmark_differs
  FROM indicator_points p
  LEFT JOIN indicator_spc s
    ON s.indicator = p.indicator AND s.org_unit = p.org_unit AND s.breakdown = p.breakdown
   AND s.segment_start = p.spc_segment;
