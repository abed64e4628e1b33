// Data quality of each Submission (docs/metrics.md, "Data quality"; decision 021): how much of what
// was required of its respondents they answered, how many gave the same rating to everything, and
// how many answered nothing required of them. The load tallies them per respondent (tallyRespondent)
// and stores the sums with the submission; publishDataQuality applies the small-count rule before
// anything leaves the query layer.
import type { Sql } from "../client";
import { ALL, cellKey, frameworkKey, geographyKey } from "./cube";
import { hiddenCells } from "./disclosure";
import type { Scope } from "./scope";
import { publishedCount, publishedRate } from "./suppression";

/** One respondent's answers, as the load sees them. */
export interface RespondentAnswers {
  /** Ratings given, of any capability. */
  rated: number;
  /** Ratings given for capabilities badged for the respondent's archetype. */
  requiredRated: number;
  /** Capabilities of the wave's framework badged for the respondent's archetype. */
  requiredCapabilities: number;
  /** Every rating given has the same value (true when none or one was given). */
  allSame: boolean;
}

/** A submission's stored sums. */
export interface DataQualityCounts {
  respondents: number;
  requiredCapabilities: number;
  requiredAnswered: number;
  straightLining: number;
  noRequired: number;
}

export function emptyDataQuality(): DataQualityCounts {
  return { respondents: 0, requiredCapabilities: 0, requiredAnswered: 0, straightLining: 0, noRequired: 0 };
}

/** Straight-lining needs at least two ratings: one answer is no pattern. */
export function isStraightLining(a: Pick<RespondentAnswers, "rated" | "allSame">): boolean {
  return a.rated >= 2 && a.allSame;
}

/** Adds one respondent to a submission's sums. */
export function tallyRespondent(counts: DataQualityCounts, a: RespondentAnswers): void {
  counts.respondents++;
  counts.requiredCapabilities += a.requiredCapabilities;
  counts.requiredAnswered += a.requiredRated;
  if (isStraightLining(a)) counts.straightLining++;
  if (a.requiredRated === 0) counts.noRequired++;
}

/** Why a figure is not published. */
export type Withheld =
  /** The submission has fewer than k respondents. */
  | "fewer than k respondents"
  /** The organisation's figures are suppressed (under k respondents with a required rating, or hidden to protect another cell). */
  | "suppressed"
  /** The count, or the respondents outside it, are fewer than k. */
  | "small count"
  /** The submission was superseded or withdrawn before these were recorded. */
  | "not recorded";

export interface PublishedCount {
  /** To the nearest 5; null when withheld. */
  count: number | null;
  /** Rounded count ÷ rounded respondents, to 0.1 percentage points; null when withheld. */
  share: number | null;
  withheld: Withheld | null;
}

export interface PublishedDataQuality {
  /** Set when nothing of the submission is published. */
  withheld: Withheld | null;
  /** Required ratings given ÷ required, to 0.1 percentage points. */
  answeredShare: number | null;
  straightLining: PublishedCount;
  noRequired: PublishedCount;
}

const withheldCount = (withheld: Withheld): PublishedCount => ({ count: null, share: null, withheld });

/**
 * The small-count rule for a submission's data quality. Nothing is published for a submission of
 * fewer than k respondents, or whose organisation's figures are suppressed (the shares would give
 * its respondents back). A count is published only when it and the respondents outside it are both
 * at least k (either side below k would be a small group of identifiable staff), to the nearest 5,
 * with its share worked out from the rounded figures as response rates are.
 */
export function publishDataQuality(counts: DataQualityCounts | null, k: number, suppressed: boolean): PublishedDataQuality {
  const none = (withheld: Withheld): PublishedDataQuality => ({ withheld, answeredShare: null, straightLining: withheldCount(withheld), noRequired: withheldCount(withheld) });
  if (counts === null) return none("not recorded");
  const n = counts.respondents;
  if (n < k) return none("fewer than k respondents");
  // The organisation's gap figures count respondents with a required rating: under k, they are suppressed.
  if (suppressed || n - counts.noRequired < k) return none("suppressed");
  const count = (x: number): PublishedCount => {
    if (x < k || n - x < k) return withheldCount("small count");
    const rounded = publishedCount(x);
    return { count: rounded, share: publishedRate(rounded / publishedCount(n)), withheld: null };
  };
  return {
    withheld: null,
    answeredShare: counts.requiredCapabilities > 0 ? publishedRate(counts.requiredAnswered / counts.requiredCapabilities) : null,
    straightLining: count(counts.straightLining),
    noRequired: count(counts.noRequired),
  };
}

export interface SubmissionQuality extends PublishedDataQuality {
  organisation: string;
  organisationName: string;
  /** The loaded file (batch) the submission came from. */
  batchId: number;
  fileName: string;
}

/**
 * The published data quality of a wave's current submissions within the scope (membership at the
 * wave's reference date), by organisation name. Reads one stored row per submission and the wave's
 * stored disclosure pattern.
 */
export async function queryDataQuality(db: Sql, scope: Scope, waveLabel: string, k: number): Promise<SubmissionQuality[]> {
  const params: unknown[] = [waveLabel];
  let condition = "";
  if (scope.kind === "organisation") {
    params.push(scope.code);
    condition = "and s.organisation_code = $2";
  } else if (scope.kind !== "national") {
    params.push(scope.code);
    condition = `and exists (select 1 from organisation_memberships m where m.organisation_code = s.organisation_code
                  and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)
                  and ${scope.kind === "region" ? "m.region_code" : "m.icb_code"} = $2)`;
  }
  const rows = await db.query<{
    wave_id: number; organisation: string; name: string; batch_id: number; file_name: string; respondents: number;
    required_capabilities: number | null; required_answered: number | null; straight_lining: number | null; no_required: number | null;
  }>(
    `select s.wave_id, s.organisation_code as organisation, coalesce(o.name, s.organisation_code) as name, s.batch_id, b.file_name,
            s.respondents, s.required_capabilities, s.required_answered, s.straight_lining, s.no_required
     from submissions s join waves w on w.id = s.wave_id join batches b on b.id = s.batch_id
     left join organisations o on o.code = s.organisation_code
     where w.label = $1 and s.status = 'current' ${condition}
     order by 3, 2`,
    params,
  );
  if (rows.length === 0) return [];
  const waveId = rows[0].wave_id;
  const hidden = (await hiddenCells(db, [waveId], k)).get(waveId)!;
  return rows.map((r) => {
    const counts =
      r.required_capabilities === null || r.required_answered === null || r.straight_lining === null || r.no_required === null
        ? null
        : { respondents: r.respondents, requiredCapabilities: r.required_capabilities, requiredAnswered: r.required_answered, straightLining: r.straight_lining, noRequired: r.no_required };
    const organisationCell = cellKey(geographyKey("organisation", r.organisation), [ALL, ALL, ALL], frameworkKey("all", ""));
    return {
      organisation: r.organisation,
      organisationName: r.name,
      batchId: r.batch_id,
      fileName: r.file_name,
      ...publishDataQuality(counts, k, hidden.has(organisationCell)),
    };
  });
}
