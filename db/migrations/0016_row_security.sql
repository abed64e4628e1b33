-- Row-level security on the respondent-level tables, as defence in depth behind the query layer's
-- Scope (decision 026). A role these policies apply to (the app's own role: not the owner, not a
-- superuser) sees a respondent only when the transaction has set capgap.scope to a Scope that
-- covers the respondent's organisation at its wave's reference date: 'national', 'region:<code>',
-- 'icb:<code>' or 'organisation:<code>' (db/access/row-security.ts). No setting, or any other
-- value, sees nothing. The owner, who migrates and loads, is not subject to them.
CREATE FUNCTION capgap_scope_sees(organisation text, wave integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    CASE
      WHEN s = 'national' THEN true
      WHEN s LIKE 'organisation:%' THEN organisation = substr(s, 14)
      WHEN s LIKE 'icb:%' THEN EXISTS (
        SELECT 1 FROM organisation_memberships m JOIN waves w ON w.id = wave
        WHERE m.organisation_code = organisation AND m.icb_code = substr(s, 5)
          AND w.reference_date BETWEEN m.valid_from AND coalesce(m.valid_to, 'infinity'::date))
      WHEN s LIKE 'region:%' THEN EXISTS (
        SELECT 1 FROM organisation_memberships m JOIN waves w ON w.id = wave
        WHERE m.organisation_code = organisation AND m.region_code = substr(s, 8)
          AND w.reference_date BETWEEN m.valid_from AND coalesce(m.valid_to, 'infinity'::date))
    END,
    false)
  FROM (SELECT current_setting('capgap.scope', true) AS s) setting
$$;
--> statement-breakpoint
ALTER TABLE respondents ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY respondents_in_scope ON respondents USING (capgap_scope_sees(organisation_code, wave_id));
--> statement-breakpoint
ALTER TABLE ratings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
-- A rating is seen with its respondent (the subquery is itself under respondents' policy); a
-- national Scope skips the lookup.
CREATE POLICY ratings_in_scope ON ratings USING (
  current_setting('capgap.scope', true) = 'national'
  OR EXISTS (SELECT 1 FROM respondents r WHERE r.id = ratings.respondent_id)
);
