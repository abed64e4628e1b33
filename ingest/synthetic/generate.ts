/**
 * Pure generator of realistic synthetic trust self-assessment exports
 * ("long" layout v1: one row per respondent × capability). No file or DB
 * access: inputs come in, rows come out, fully determined by (seed, inputs).
 *
 * Each trust and each (wave, trust) export draws from its own derived seed,
 * so one trust's data does not shift when another trust is added or removed.
 */
import { createRng, type Rng } from "./random";

export interface SyntheticOrganisation { code: string; regionCode: string; type: string; openedOn: string /* ISO */; closedOn: string | null /* ISO */ }
export interface SyntheticCapability { code: string; domainCode: string; level: number; archetypes: string }
export interface SyntheticStaffGroup { name: string; longName: string; weight: number }
export interface SyntheticWave { label: string; start: string; end: string } // ISO dates, the assessment window
export interface SyntheticInputs { organisations: SyntheticOrganisation[]; capabilities: SyntheticCapability[]; staffGroups: SyntheticStaffGroup[]; bands: string[] }
export interface LongRow { respondent_id: string; organisation_code: string; staff_group: string; archetype: string; assessed_on: string; capability_code: string; rating: number; band?: string }
/** Staff in post of one staff group (ESR name) at the trust: the denominator of its response rate. */
export interface SyntheticHeadcount { staffGroup: string; headcount: number }
export interface GeneratedExport { organisationCode: string; waveLabel: string; fileName: string; hasBand: boolean; rows: LongRow[]; headcount: SyntheticHeadcount[] }
export interface GenerateOptions { seed: number; trusts: number; respondentsPerWave: number; waves: SyntheticWave[]; inputs: SyntheticInputs }

export const ARCHETYPES = ["S", "D", "C", "E", "U"] as const;
export type Archetype = (typeof ARCHETYPES)[number];
const ARCHETYPE_LABELS: Record<"code" | "plural" | "singular", readonly string[]> = {
  code: ARCHETYPES,
  plural: ["Shapers", "Drivers", "Creators", "Embedders", "Users"],
  singular: ["shaper", "driver", "creator", "embedder", "user"],
};

/** Tunable constants of the latent rating model, on the 0–4 rating scale. */
export const MODEL = {
  minRespondents: 25,
  levelBase: [2.65, 2.15, 1.45, 0.95], // latent mean by capability level 1..4
  abilitySd: 0.55, trustSd: 0.15, regionSd: 0.15, domainSd: 0.15, itemSd: 0.55,
  waveGain: 0.3, waveGainSd: 0.07, // latent improvement per wave step
  archetypeEffect: [0.15, 0.15, 0.3, 0.25, 0] as readonly number[], // S D C E U: specialists rate higher
  optionalEffect: -0.3, // people answering non-badged questions know less about them
  optionalShare: 0.05, reuseRate: 0.55, bandStepUp: 0.1,
  responseRate: 0.3, // typical share of a staff group that completes the self-assessment
};

interface GroupProfile { mix: readonly number[] /* S D C E U */; bands: string /* "AfC suffix:weight" */; blank: number; effect: number }
/** Why these mixes: informatics/IT sit in Admin & Clerical, scientists build and embed tech; leaders are few. */
const PROFILES: Record<string, GroupProfile> = {
  "Nursing and Midwifery Registered": { mix: [2, 7, 4, 9, 78], bands: "5:35 6:35 7:20 8a:7 8b:2 8c:1", blank: 0, effect: 0 },
  "Additional Clinical Services": { mix: [0.5, 2.5, 3, 8, 86], bands: "2:30 3:45 4:22 5:3", blank: 0, effect: -0.25 },
  "Administrative and Clerical": { mix: [5, 12, 11, 20, 52], bands: "2:10 3:25 4:22 5:13 6:10 7:8 8a:6 8b:3 8c:2 8d:0.7 9:0.3", blank: 0, effect: 0.05 },
  // Doctors are not on Agenda for Change; the few banded ones are e.g. physician associates.
  "Medical and Dental": { mix: [6, 10, 10, 8, 66], bands: "7:60 8a:40", blank: 0.85, effect: 0.15 },
  "Add Prof Scientific and Technic": { mix: [2, 6, 14, 18, 60], bands: "3:5 4:12 5:15 6:25 7:25 8a:12 8b:4 8c:2", blank: 0, effect: 0.1 },
  "Allied Health Professionals": { mix: [2, 7, 6, 11, 74], bands: "5:20 6:38 7:30 8a:9 8b:3", blank: 0, effect: 0.05 },
  "Estates and Ancillary": { mix: [1, 3, 2, 9, 85], bands: "1:2 2:55 3:25 4:10 5:5 6:2 7:1", blank: 0, effect: -0.35 },
  "Healthcare Scientists": { mix: [2, 5, 23, 25, 45], bands: "3:8 4:10 5:12 6:20 7:28 8a:13 8b:6 8c:3", blank: 0, effect: 0.3 },
  Students: { mix: [0, 0, 4, 6, 90], bands: "", blank: 1, effect: -0.1 },
};
const DEFAULT_PROFILE: GroupProfile = { mix: [2, 6, 6, 10, 76], bands: "3:10 4:15 5:25 6:25 7:15 8a:10", blank: 0, effect: 0 };

/** Relative trust size (acute largest) and staff-mix multipliers by trust type. */
const TYPE_SIZE: Record<string, number> = { acute: 1, acute_specialist: 0.45, mental_health: 0.55, community: 0.5, ambulance: 0.4 };
const TYPE_MIX: Record<string, Record<string, number>> = {
  ambulance: { "Allied Health Professionals": 5, "Additional Clinical Services": 1.6, "Nursing and Midwifery Registered": 0.25, "Medical and Dental": 0.05, "Healthcare Scientists": 0.05, "Add Prof Scientific and Technic": 0.2 },
  mental_health: { "Add Prof Scientific and Technic": 2, "Nursing and Midwifery Registered": 1.2, "Medical and Dental": 0.7, "Healthcare Scientists": 0.1 },
  community: { "Allied Health Professionals": 1.8, "Nursing and Midwifery Registered": 1.2, "Medical and Dental": 0.4, "Healthcare Scientists": 0.3 },
  acute_specialist: { "Healthcare Scientists": 2.5, "Add Prof Scientific and Technic": 1.5, "Medical and Dental": 1.3 },
};

const WAVE_CALENDAR: SyntheticWave[] = [
  { label: "2025-autumn", start: "2025-10-01", end: "2025-12-12" },
  { label: "2026-summer", start: "2026-06-01", end: "2026-07-31" },
  { label: "2027-spring", start: "2027-02-01", end: "2027-03-31" },
  { label: "2027-autumn", start: "2027-10-01", end: "2027-12-10" },
];

/** Waves either side of 1 April 2026 (trust mergers), then later ones. */
export function defaultWaves(count: number): SyntheticWave[] {
  if (!Number.isInteger(count) || count < 1 || count > WAVE_CALENDAR.length) throw new Error(`defaultWaves: count must be 1..${WAVE_CALENDAR.length}, got ${count}`);
  return WAVE_CALENDAR.slice(0, count).map((w) => ({ ...w }));
}

export const DEMO_OPTIONS: Readonly<Omit<GenerateOptions, "inputs">> = Object.freeze({ seed: 20260401, trusts: 60, respondentsPerWave: 10000, waves: defaultWaves(2) });

const DAY_MS = 86_400_000;
export function isoToDay(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || dayToIso(ms / DAY_MS) !== iso) throw new Error(`not an ISO date: "${iso}"`);
  return ms / DAY_MS;
}
export const dayToIso = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

export function selectOrganisations(all: SyntheticOrganisation[], n: number, waves: SyntheticWave[], seed: number): SyntheticOrganisation[] {
  // ISO strings compare correctly as text.
  const eligible = all.filter((o) => waves.every((w) => o.openedOn <= w.start && (o.closedOn === null || o.closedOn >= w.end)));
  const rng = createRng(seed, "select-organisations");
  const byRegion = new Map<string, SyntheticOrganisation[]>();
  for (const o of [...eligible].sort(byCode)) byRegion.set(o.regionCode, [...(byRegion.get(o.regionCode) ?? []), o]);
  const regions = [...byRegion.keys()].sort();
  const pools = regions.map((r) => rng.shuffle(byRegion.get(r)!));
  const target = Math.max(0, Math.min(Math.floor(n), eligible.length));
  const alloc = regions.map((): number => (target >= regions.length ? 1 : 0));
  const tieOrder = rng.shuffle(regions.map((_, i) => i)); // random but reproducible tie-breaks
  for (let total = alloc.reduce((s, a) => s + a, 0); total < target; total++) {
    // Give the next trust to the region furthest below its proportional share.
    let best = -1;
    let bestGap = -Infinity;
    for (const i of tieOrder) {
      const gap = (target * pools[i]!.length) / eligible.length - alloc[i]!;
      if (alloc[i]! < pools[i]!.length && gap > bestGap) { best = i; bestGap = gap; }
    }
    alloc[best]!++;
  }
  return pools.flatMap((p, i) => p.slice(0, alloc[i])).sort(byCode);
}

/** Shares of `total` proportional to weights, at least `min` each (water-filling), summing to total. */
export function allocateRespondents(total: number, weights: readonly number[], min: number): number[] {
  if (weights.length === 0) return [];
  if (total <= min * weights.length) return weights.map(() => min);
  const fixed = weights.map(() => false);
  let shares: number[] = [];
  for (let changed = true; changed; ) {
    let free = 0;
    let nFixed = 0;
    weights.forEach((w, i) => (fixed[i] ? nFixed++ : (free += w)));
    const remaining = total - min * nFixed;
    shares = weights.map((w, i) => (fixed[i] ? min : (remaining * w) / free));
    changed = false;
    shares.forEach((s, i) => { if (!fixed[i] && s < min) { fixed[i] = changed = true; } });
  }
  const counts = shares.map(Math.floor);
  const order = shares.map((_, i) => i).sort((a, b) => shares[b]! - counts[b]! - (shares[a]! - counts[a]!) || a - b);
  for (let k = 0, left = total - counts.reduce((s, c) => s + c, 0); k < left; k++) counts[order[k % order.length]!]!++;
  return counts;
}

interface Person { id: string; group: number; archetype: number; band: string; ability: number }
interface Group { name: string; weight: number; labels: Record<"esr" | "long" | "upper" | "lower", string>; mix: number[]; bandWeights: number[]; blank: number; effect: number }
interface Context { groups: Group[]; bands: string[]; capBase: number[]; badged: number[][]; notBadged: number[][]; caps: SyntheticCapability[] }
interface Trust {
  org: SyntheticOrganisation; size: number; groupWeights: number[]; effect: number; gain: number; hasBand: boolean;
  /** The share of each staff group that answers: uneven by trust and group, as real response rates are. */
  responseRates: number[];
  groupStyle: "esr" | "long" | "upper" | "lower"; archetypeStyle: "code" | "plural" | "singular"; idStyle: "seq" | "code";
  nextSeq: number; usedIds: Set<string>; previous: Person[];
}

function buildContext(opts: GenerateOptions): Context {
  const { inputs, seed } = opts;
  const caps = inputs.capabilities;
  const badged = ARCHETYPES.map((a) => caps.flatMap((c, i) => (c.archetypes.includes(a) ? [i] : [])));
  const notBadged = ARCHETYPES.map((a) => caps.flatMap((c, i) => (c.archetypes.includes(a) ? [] : [i])));
  if (badged.every((b) => b.length === 0)) throw new Error("no capability is badged with any archetype");
  const domainEffect = new Map<string, number>();
  const capBase = caps.map((c) => {
    if (!domainEffect.has(c.domainCode)) domainEffect.set(c.domainCode, createRng(seed, "domain", c.domainCode).normal(0, MODEL.domainSd));
    const base = MODEL.levelBase[Math.min(Math.max(c.level, 1), 4) - 1]!;
    return base + domainEffect.get(c.domainCode)!;
  });
  const groups = inputs.staffGroups.map((g): Group => {
    const p = PROFILES[g.name] ?? DEFAULT_PROFILE;
    // An archetype with no badged capability would give empty respondents: never assign it.
    let mix = p.mix.map((w, a) => (badged[a]!.length > 0 ? w : 0));
    if (mix.every((w) => w === 0)) mix = badged.map((b) => (b.length > 0 ? 1 : 0));
    const bandMix = new Map(p.bands.split(" ").filter(Boolean).map((t) => [`Band ${t.split(":")[0]}`, Number(t.split(":")[1])]));
    const bandWeights = inputs.bands.map((b) => bandMix.get(b) ?? 0);
    const labels = { esr: g.name, long: g.longName, upper: g.name.toUpperCase(), lower: g.name.toLowerCase() };
    return { name: g.name, weight: Math.max(0, g.weight), labels, mix, bandWeights, blank: bandWeights.some((w) => w > 0) ? p.blank : 1, effect: p.effect };
  });
  return { groups, bands: inputs.bands, capBase, badged, notBadged, caps };
}

function initTrust(org: SyntheticOrganisation, ctx: Context, seed: number): Trust {
  const rng = createRng(seed, "trust", org.code);
  const mix = TYPE_MIX[org.type] ?? {};
  // A stream of its own, so adding headcount left every rating the generator wrote unchanged.
  const response = createRng(seed, "response", org.code);
  const trustRate = Math.exp(response.normal(Math.log(MODEL.responseRate), 0.45));
  const responseRates = ctx.groups.map(() => Math.min(0.85, Math.max(0.04, trustRate * Math.exp(response.normal(0, 0.35)))));
  return {
    responseRates,
    org,
    size: (TYPE_SIZE[org.type] ?? 0.6) * Math.exp(rng.normal(0, 0.35)),
    groupWeights: ctx.groups.map((g) => g.weight * (mix[g.name] ?? 1) * Math.exp(rng.normal(0, 0.15))),
    effect: rng.normal(0, MODEL.trustSd) + createRng(seed, "region", org.regionCode).normal(0, MODEL.regionSd),
    gain: Math.max(0.05, rng.normal(MODEL.waveGain, MODEL.waveGainSd)),
    hasBand: rng.chance(0.75),
    groupStyle: rng.weightedPick(["esr", "long", "upper", "lower"] as const, [65, 20, 8, 7]),
    archetypeStyle: rng.weightedPick(["code", "plural", "singular"] as const, [45, 35, 20]),
    idStyle: rng.chance(0.6) ? "seq" : "code",
    nextSeq: rng.int(1, 400),
    usedIds: new Set(),
    previous: [],
  };
}

const ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O/1/I, as survey tools avoid them
function newId(t: Trust, rng: Rng): string {
  for (;;) {
    let id = "";
    if (t.idStyle === "seq") id = `${t.org.code}-${String((t.nextSeq += rng.int(1, 4))).padStart(6, "0")}`;
    else for (let k = 0; k < 6; k++) id += ID_ALPHABET[rng.int(0, ID_ALPHABET.length - 1)];
    if (!t.usedIds.has(id)) { t.usedIds.add(id); return id; }
  }
}

function newPerson(t: Trust, ctx: Context, rng: Rng): Person {
  const group = rng.weightedIndex(t.groupWeights);
  const g = ctx.groups[group]!;
  const archetype = rng.weightedIndex(g.mix);
  let band = "";
  if (!rng.chance(g.blank)) {
    // Shapers and Drivers are senior: best of 3 (S) or 2 (D) band draws.
    const draws = archetype === 0 ? 3 : archetype === 1 ? 2 : 1;
    let idx = -1;
    for (let k = 0; k < draws; k++) idx = Math.max(idx, rng.weightedIndex(g.bandWeights));
    band = ctx.bands[idx]!;
  }
  return { id: newId(t, rng), group, archetype, band, ability: rng.normal(0, MODEL.abilitySd) };
}

function reassess(p: Person, ctx: Context, rng: Rng): Person {
  const i = ctx.bands.indexOf(p.band);
  const promoted = p.band !== "" && i >= 0 && i < ctx.bands.length - 1 && rng.chance(MODEL.bandStepUp);
  return { ...p, band: promoted ? ctx.bands[i + 1]! : p.band, ability: p.ability + rng.normal(0, 0.2) };
}

function buildExport(t: Trust, wave: SyntheticWave, waveIndex: number, n: number, ctx: Context, seed: number): GeneratedExport {
  const rng = createRng(seed, "export", wave.label, t.org.code);
  const windowStart = isoToDay(wave.start);
  const windowDays = isoToDay(wave.end) - windowStart;
  const duration = Math.min(windowDays, rng.int(21, 42)); // each trust surveys for 3–6 weeks
  const surveyStart = windowStart + rng.int(0, windowDays - duration);
  const reuseRate = Math.min(0.7, Math.max(0.4, rng.normal(MODEL.reuseRate, 0.04)));
  const reused = rng.shuffle(t.previous).slice(0, Math.round(n * reuseRate));
  const people = reused.map((p) => reassess(p, ctx, rng));
  while (people.length < n) people.push(newPerson(t, ctx, rng));
  people.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)); // exports come sorted by id
  t.previous = people;

  const rows: LongRow[] = [];
  for (const p of people) {
    const g = ctx.groups[p.group]!;
    // Responses bunch up after the launch email, so skew towards the start.
    const assessedOn = dayToIso(surveyStart + Math.floor((duration + 1) * rng.next() ** 1.6));
    const base = p.ability + t.effect + g.effect + MODEL.archetypeEffect[p.archetype]! + waveIndex * t.gain;
    let caps = ctx.badged[p.archetype]!;
    let optional: Set<number> | null = null;
    const pool = ctx.notBadged[p.archetype]!;
    if (pool.length > 0 && rng.chance(MODEL.optionalShare)) {
      optional = new Set(rng.shuffle(pool).slice(0, rng.int(1, 3)));
      caps = [...caps, ...optional].sort((a, b) => a - b); // keep framework order
    }
    const staffGroup = g.labels[t.groupStyle];
    const archetype = ARCHETYPE_LABELS[t.archetypeStyle][p.archetype]!;
    for (const ci of caps) {
      const latent = ctx.capBase[ci]! + base + rng.normal(0, MODEL.itemSd) + (optional?.has(ci) ? MODEL.optionalEffect : 0);
      const row: LongRow = {
        respondent_id: p.id, organisation_code: t.org.code, staff_group: staffGroup, archetype,
        assessed_on: assessedOn, capability_code: ctx.caps[ci]!.code, rating: Math.min(4, Math.max(0, Math.round(latent))),
      };
      if (t.hasBand) row.band = p.band;
      rows.push(row);
    }
  }
  return { organisationCode: t.org.code, waveLabel: wave.label, fileName: `${wave.label}_${t.org.code}.csv`, hasBand: t.hasBand, rows, headcount: headcountOf(t, people, n, ctx) };
}

/**
 * Staff in post per staff group: the respondents the trust's staff mix leads one to expect, over
 * the group's response rate, never fewer than actually answered. Groups nobody answered for still
 * have staff, so the weighting's empty post-strata occur as they do in real data.
 */
function headcountOf(t: Trust, people: Person[], n: number, ctx: Context): SyntheticHeadcount[] {
  const answered = ctx.groups.map(() => 0);
  for (const p of people) answered[p.group]!++;
  const total = t.groupWeights.reduce((s, w) => s + w, 0);
  return ctx.groups.flatMap((g, i) => {
    if (t.groupWeights[i]! <= 0) return [];
    const expected = (n * t.groupWeights[i]!) / total;
    const headcount = Math.max(answered[i]!, Math.round(expected / t.responseRates[i]!));
    return headcount > 0 ? [{ staffGroup: g.name, headcount }] : [];
  });
}

function validate(opts: GenerateOptions): void {
  const { waves, inputs } = opts;
  if (waves.length === 0) throw new Error("at least one wave is needed");
  if (new Set(waves.map((w) => w.label)).size !== waves.length) throw new Error("wave labels must be unique");
  for (const w of waves) if (isoToDay(w.start) > isoToDay(w.end)) throw new Error(`wave ${w.label}: start is after end`);
  if (!Number.isInteger(opts.trusts) || opts.trusts < 1) throw new Error("trusts must be a positive integer");
  if (!Number.isInteger(opts.respondentsPerWave) || opts.respondentsPerWave < 0) throw new Error("respondentsPerWave must be a non-negative integer");
  if (!inputs.staffGroups.some((g) => g.weight > 0)) throw new Error("no staff group with a positive weight");
}

/**
 * Lazily yields exports in wave then organisation order, so a CLI can write
 * each file and drop its rows before the next is built. Must be consumed in
 * order: wave k reuses respondents planned in wave k-1.
 */
export function* generateExportRows(opts: GenerateOptions): Generator<GeneratedExport> {
  validate(opts);
  const orgs = selectOrganisations(opts.inputs.organisations, opts.trusts, opts.waves, opts.seed);
  if (orgs.length === 0) throw new Error("no organisation is open for every wave window");
  const ctx = buildContext(opts);
  const trusts = orgs.map((o) => initTrust(o, ctx, opts.seed));
  for (const [w, wave] of opts.waves.entries()) {
    // Turnout varies a little per wave around each trust's size.
    const weights = trusts.map((t) => t.size * Math.exp(createRng(opts.seed, "turnout", wave.label, t.org.code).normal(0, 0.1)));
    const counts = allocateRespondents(opts.respondentsPerWave, weights, MODEL.minRespondents);
    for (const [i, t] of trusts.entries()) yield buildExport(t, wave, w, counts[i]!, ctx, opts.seed);
  }
}

/** All exports at once, ordered by wave then organisation code. */
export function generateExports(opts: GenerateOptions): GeneratedExport[] {
  return Array.from(generateExportRows(opts));
}
