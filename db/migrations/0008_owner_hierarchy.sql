-- 0008: owners are a hierarchy of two levels, written as the catalogue
-- writes them: a directorate ("Public Health and Wellbeing"), or one of
-- its services ("Public Health and Wellbeing (Trading Standards)"). A
-- filter by a directorate takes in its services; a filter by a service
-- takes that service alone. Every owner filter (scorecards, progress,
-- exceptions, the catalogue list) goes through this one function.
CREATE FUNCTION owner_within (owner text, filter text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT owner = filter OR left (owner, length (filter) + 2) = filter || ' ('
$$;

-- The directorate of an owner: the text before " (", or all of it.
CREATE FUNCTION owner_directorate (owner text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN strpos (owner, ' (') > 0 THEN left (owner, strpos (owner, ' (') - 1) ELSE owner END
$$;
