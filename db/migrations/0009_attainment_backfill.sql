-- Existing waves: attained levels rebuilt from the stored ratings of current submissions (the
-- only respondents and ratings kept), by the statement a load uses when it builds rollups in SQL
-- (ingest/rollups.ts, attainmentRollupSql, with each respondent's own wave). Decision 019.
INSERT INTO "attainment_rollups" (wave_id, organisation_code, staff_group_code, archetype_code, band_code, domain_code, expected_level, attained_0, attained_1, attained_2, attained_3, attained_4, incomplete, below_expected)
with required as materialized (
  select s.wave_id as wave_id, c.framework_id, s.organisation_code, s.staff_group_code, s.archetype_code, s.band_code,
         s.pseudonym, c.domain_code, c.level, (s.rating >= f.met_threshold)::int as met
  from (select r.wave_id, r.organisation_code, r.staff_group_code, r.archetype_code, r.band_code, r.pseudonym, t.capability_id, t.rating
   from ratings t join respondents r on r.id = t.respondent_id) s
  join capabilities c on c.id = s.capability_id
  join frameworks f on f.id = c.framework_id
  where strpos(c.archetypes, s.archetype_code) > 0
), rated as materialized (
  select wave_id, framework_id, organisation_code, staff_group_code, archetype_code, band_code, pseudonym, domain_code, level, count(*) as r, sum(met) as m
  from required group by wave_id, framework_id, organisation_code, staff_group_code, archetype_code, band_code, pseudonym, domain_code, level
), badged as (
  -- Capabilities badged for each archetype per domain and level.
  select c.framework_id, a.code as archetype_code, c.domain_code, c.level, count(*) as n
  from capabilities c join archetypes a on strpos(c.archetypes, a.code) > 0
  group by c.framework_id, a.code, c.domain_code, c.level
), levels as (
  -- Each badged level of every domain a respondent was assessed in, with what they rated and
  -- met there, and how many badged levels up to it they fall short at.
  select p.wave_id, p.organisation_code, p.staff_group_code, p.archetype_code, p.band_code, p.pseudonym, p.domain_code,
         b.level, b.n, coalesce(x.r, 0) as r,
         count(*) filter (where coalesce(x.m, 0) < b.n)
           over (partition by p.wave_id, p.pseudonym, p.domain_code order by b.level) as shortfalls
  from (select distinct wave_id, framework_id, organisation_code, staff_group_code, archetype_code, band_code, pseudonym, domain_code from rated) p
  join badged b on b.framework_id = p.framework_id and b.archetype_code = p.archetype_code and b.domain_code = p.domain_code
  left join rated x on x.wave_id = p.wave_id and x.pseudonym = p.pseudonym and x.domain_code = p.domain_code and x.level = b.level
), placed as (
  select wave_id, organisation_code, staff_group_code, archetype_code, band_code, pseudonym, domain_code, max(level) as expected_level, bool_or(r < n) as incomplete,
         coalesce(max(level) filter (where shortfalls = 0), 0) as attained
  from levels group by wave_id, organisation_code, staff_group_code, archetype_code, band_code, pseudonym, domain_code
)
select wave_id, organisation_code, staff_group_code, archetype_code, band_code, domain_code, expected_level,
       (count(*) filter (where not incomplete and attained = 0))::int, (count(*) filter (where not incomplete and attained = 1))::int, (count(*) filter (where not incomplete and attained = 2))::int, (count(*) filter (where not incomplete and attained = 3))::int, (count(*) filter (where not incomplete and attained = 4))::int,
       (count(*) filter (where incomplete))::int,
       (count(*) filter (where not incomplete and attained < expected_level))::int
from placed group by wave_id, organisation_code, staff_group_code, archetype_code, band_code, domain_code, expected_level;
