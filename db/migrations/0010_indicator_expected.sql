-- 0010: one rule for "is this indicator's data expected every period?",
-- read by the scorecard (what is due and missing) and by alert (what is
-- data_missing): not when the catalogue says {"alert": {"data_due": false}}
-- (a figure from a one-off publication, with no recurring feed).
CREATE FUNCTION indicator_expected (definition jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce (definition -> 'alert' ->> 'data_due', 'true') <> 'false'
$$;
