// Data for the Data page: the waves with their status, and for one wave which organisations have
// submitted, when, and their response rates (published figures from queryGaps), and each
// submission's data quality (published by queryDataQuality from figures stored at load).
import type { AppLoadContext } from "@remix-run/node";
import { queryDataQuality, type SubmissionQuality } from "~db/analytics/data-quality";
import { queryGaps } from "~db/analytics/gaps";
import type { Scope } from "~db/analytics/scope";
import { suppressionThreshold } from "~db/analytics/suppression";
import { listWaves, type WaveStatus } from "~db/waves";
import { getDatabase } from "./db.server";
import { ingestAvailable } from "./ingest-access.server";
import { waveName } from "./format";
import { chooseWave, type WaveOption } from "./waves.server";

export interface WaveSummary {
  label: string;
  name: string;
  status: WaveStatus;
  referenceDate: string;
  windowStart: string;
  windowEnd: string;
  frameworkVersion: string;
  /** When the wave was published and when its respondent-level rows were deleted (ISO), or null. */
  publishedAt: string | null;
  respondentsPurgedAt: string | null;
}

export interface CoverageRow {
  organisation: string;
  name: string;
  submittedAt: string | null;
  suppressed: boolean;
  respondents: number | null;
  headcount: number | null;
  responseRate: number | null;
  lowResponse: boolean | null;
}

export interface DataPage {
  waves: WaveSummary[];
  wave: WaveOption | null;
  options: WaveOption[];
  coverage: CoverageRow[];
  quality: SubmissionQuality[];
  /** Whether the viewer administers (the ingest pages are theirs), so submissions can link to their file's record. */
  ingestHistory: boolean;
  hasHeadcount: boolean;
  lowResponseThreshold: number | null;
  k: number;
}

export async function dataPage(url: URL, context: AppLoadContext, scope: Scope): Promise<DataPage> {
  const db = getDatabase();
  const { wave, options } = await chooseWave(db, url.searchParams.get("wave"));
  const waves = (await listWaves(db)).map((w) => ({
    label: w.label,
    name: waveName(w.label),
    status: w.status,
    referenceDate: w.referenceDate,
    windowStart: w.windowStart,
    windowEnd: w.windowEnd,
    frameworkVersion: w.frameworkVersion,
    publishedAt: w.publishedAt,
    respondentsPurgedAt: w.respondentsPurgedAt,
  }));
  const k = suppressionThreshold();
  const ingestHistory = ingestAvailable(context);
  if (!wave) return { waves, wave: null, options, coverage: [], quality: [], ingestHistory, hasHeadcount: false, lowResponseThreshold: null, k };
  // Coverage and data quality of the organisations in the viewer's Scope only.
  const table = await queryGaps(db, scope, { by: ["organisation"], filters: { wave: wave.label }, weighted: true });
  const loaded = new Map(
    (
      await db.query<{ organisation: string; loaded_at: string }>(
        `select s.organisation_code as organisation, to_char(max(b.loaded_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as loaded_at
         from submissions s join batches b on b.id = s.batch_id where s.wave_id = $1 and s.status = 'current' group by 1`,
        [wave.id],
      )
    ).map((r) => [r.organisation, r.loaded_at]),
  );
  return {
    waves,
    wave: { label: wave.label, name: waveName(wave.label) },
    options,
    coverage: table.rows.map((r) => ({
      organisation: String(r.organisation),
      name: String(r.organisation_name),
      submittedAt: loaded.get(String(r.organisation)) ?? null,
      suppressed: r.suppressed === true,
      respondents: r.respondents as number | null,
      headcount: r.headcount as number | null,
      responseRate: r.response_rate as number | null,
      lowResponse: r.low_response as boolean | null,
    })),
    quality: await queryDataQuality(db, scope, wave.label, k),
    ingestHistory,
    hasHeadcount: (table.meta.coverage?.headcount_waves.length ?? 0) > 0,
    lowResponseThreshold: table.meta.coverage?.low_response_threshold ?? null,
    k,
  };
}
