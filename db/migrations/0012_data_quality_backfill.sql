-- Existing submissions: data quality (docs/metrics.md, "Data quality"; decision 021) worked out
-- from the stored ratings, as the load tallies it per respondent. Only current submissions keep
-- their respondents and ratings, so superseded and withdrawn ones stay null ("not recorded").
WITH badged AS (
  -- Capabilities of each framework version badged for each archetype.
  SELECT c.framework_id, a.code AS archetype_code, count(*) AS n
  FROM capabilities c JOIN archetypes a ON strpos(c.archetypes, a.code) > 0
  GROUP BY c.framework_id, a.code
), per_respondent AS (
  SELECT r.submission_id, coalesce(b.n, 0) AS badged, count(t.rating) AS rated,
         count(t.rating) FILTER (WHERE strpos(c.archetypes, r.archetype_code) > 0) AS required_rated,
         min(t.rating) AS lowest, max(t.rating) AS highest
  FROM respondents r
  JOIN waves w ON w.id = r.wave_id
  LEFT JOIN badged b ON b.framework_id = w.framework_id AND b.archetype_code = r.archetype_code
  LEFT JOIN ratings t ON t.respondent_id = r.id
  LEFT JOIN capabilities c ON c.id = t.capability_id
  GROUP BY r.id, r.submission_id, b.n
), per_submission AS (
  SELECT submission_id, sum(badged)::int AS required_capabilities, sum(required_rated)::int AS required_answered,
         (count(*) FILTER (WHERE rated >= 2 AND lowest = highest))::int AS straight_lining,
         (count(*) FILTER (WHERE required_rated = 0))::int AS no_required
  FROM per_respondent GROUP BY submission_id
)
UPDATE "submissions" s
SET required_capabilities = q.required_capabilities, required_answered = q.required_answered,
    straight_lining = q.straight_lining, no_required = q.no_required
FROM per_submission q
WHERE q.submission_id = s.id AND s.status = 'current';
