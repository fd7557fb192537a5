-- 0013: the reads that went through observations_history, which 0012
-- dropped, without saying `current` (0012 said history was read through
-- observations_series, but that index holds current rows only). Two of
-- them, a series' first period in alert's data_missing rule and on the
-- web feeds page, need only the current rows: a superseded row always has
-- a current successor with the same key and period. Those statements now
-- say `current` and use observations_series. The exceptions report lists
-- the notes of every version of a figure, so notes get an index of their
-- own, holding only the few rows that have one: intake pays for it only
-- on those rows.
CREATE INDEX IF NOT EXISTS observations_notes ON observations (data_element, org_unit, breakdown)
    WHERE note IS NOT NULL;
