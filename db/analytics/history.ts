// Ingest history: the loaded files (batches) with each organisation's submission and where it sits
// in the supersession chain, and the rejected attempts. Scoped like every other read: a region, ICB
// or organisation sees only the submissions of its organisations (membership at each wave's
// reference date), and rejected attempts only nationally, since they name no organisation.
import type { Sql } from "../client";
import type { Scope } from "./scope";

export interface BatchLink {
  batchId: number;
  fileName: string;
}

export interface SubmissionHistory {
  organisationCode: string;
  organisationName: string | null;
  status: "current" | "superseded" | "withdrawn";
  rows: number;
  respondents: number;
  /** The batch that replaced it (status superseded). */
  supersededBy: BatchLink | null;
  /** When it stopped being current (superseded or withdrawn), ISO instant. */
  endedAt: string | null;
  /** The earlier submission of the same organisation and wave this one replaced. */
  replaces: BatchLink | null;
}

export interface BatchHistory {
  id: number;
  fileName: string;
  wave: string;
  loadedAt: string;
  rows: number;
  respondents: number;
  synthetic: boolean;
  seconds: number;
  submissions: SubmissionHistory[];
}

export interface AttemptHistory {
  id: number;
  fileName: string;
  wave: string | null;
  attemptedAt: string;
  problemCount: number;
  problems: { row?: number; column?: string; message: string }[];
}

export interface IngestHistory {
  batches: BatchHistory[];
  /** Batches in scope in all, of which `batches` are the newest. */
  batchCount: number;
  attempts: AttemptHistory[];
  attemptCount: number;
}

const ISO = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/** SQL condition on submission alias `s` (joined to its wave `w`) for the scope, its code as parameter $n. */
function submissionInScope(scope: Scope, n: number): { condition: string; params: unknown[] } {
  if (scope.kind === "national") return { condition: "true", params: [] };
  if (scope.kind === "organisation") return { condition: `s.organisation_code = $${n}`, params: [scope.code] };
  const column = scope.kind === "region" ? "m.region_code" : "m.icb_code";
  return {
    condition: `exists (select 1 from organisation_memberships m where m.organisation_code = s.organisation_code
                  and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date) and ${column} = $${n})`,
    params: [scope.code],
  };
}

export async function ingestHistory(db: Sql, scope: Scope, limits: { batches?: number; attempts?: number } = {}): Promise<IngestHistory> {
  const { condition, params } = submissionInScope(scope, 2);
  const inScope = (c: string) => `exists (select 1 from submissions s join waves w on w.id = s.wave_id where s.batch_id = b.id and ${c})`;
  const batches = await db.query<Omit<BatchHistory, "submissions">>(
    `select b.id, b.file_name as "fileName", w.label as wave, ${ISO("b.loaded_at")} as "loadedAt", b.rows,
            b.respondents, b.synthetic, b.seconds
     from batches b join waves w on w.id = b.wave_id
     where ${inScope(condition)}
     order by b.loaded_at desc, b.id desc limit $1`,
    [limits.batches ?? 100, ...params],
  );
  const counted = submissionInScope(scope, 1);
  const [{ n: batchCount }] = await db.query<{ n: number }>(
    `select count(*)::int as n from batches b where ${inScope(counted.condition)}`,
    counted.params,
  );
  const ids = batches.map((b) => b.id);
  const submissions = ids.length
    ? await db.query<SubmissionHistory & { batchId: number; supersededById: number | null; supersededByFile: string | null }>(
        `select s.batch_id as "batchId", s.organisation_code as "organisationCode", o.name as "organisationName", s.status,
                s.rows, s.respondents, s.superseded_by_batch_id as "supersededById", nb.file_name as "supersededByFile",
                ${ISO("s.ended_at")} as "endedAt"
         from submissions s join waves w on w.id = s.wave_id
         left join organisations o on o.code = s.organisation_code
         left join batches nb on nb.id = s.superseded_by_batch_id
         where s.batch_id = any($1::int[]) and ${condition}
         order by s.organisation_code`,
        [ids, ...params],
      )
    : [];
  // What each batch replaced: the submissions it superseded, organisation by organisation.
  const replaced = ids.length
    ? await db.query<{ batchId: number; organisationCode: string; replacedId: number; replacedFile: string }>(
        `select s.superseded_by_batch_id as "batchId", s.organisation_code as "organisationCode",
                s.batch_id as "replacedId", ob.file_name as "replacedFile"
         from submissions s join batches ob on ob.id = s.batch_id
         where s.superseded_by_batch_id = any($1::int[])`,
        [ids],
      )
    : [];
  const replacedKey = (batchId: number, org: string) => `${batchId}\x1f${org}`;
  const replaces = new Map(replaced.map((r) => [replacedKey(r.batchId, r.organisationCode), { batchId: r.replacedId, fileName: r.replacedFile }]));

  const national = scope.kind === "national";
  const attempts = national
    ? await db.query<AttemptHistory>(
        `select id, file_name as "fileName", wave_label as wave, ${ISO("attempted_at")} as "attemptedAt",
                problem_count as "problemCount", problems
         from ingest_attempts order by attempted_at desc, id desc limit $1`,
        [limits.attempts ?? 50],
      )
    : [];
  const [{ n: attemptCount }] = national
    ? await db.query<{ n: number }>("select count(*)::int as n from ingest_attempts")
    : [{ n: 0 }];

  return {
    batches: batches.map((b) => ({
      ...b,
      submissions: submissions
        .filter((s) => s.batchId === b.id)
        .map((s) => ({
          organisationCode: s.organisationCode,
          organisationName: s.organisationName,
          status: s.status,
          rows: s.rows,
          respondents: s.respondents,
          supersededBy: s.supersededById ? { batchId: s.supersededById, fileName: s.supersededByFile ?? "" } : null,
          endedAt: s.endedAt,
          replaces: replaces.get(replacedKey(b.id, s.organisationCode)) ?? null,
        })),
    })),
    batchCount,
    attempts,
    attemptCount,
  };
}
