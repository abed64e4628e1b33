// Rollups computed while a file streams by, so the database never has to sort a file's ratings
// to aggregate them. Pure and in memory: its size grows with the number of cells (person axis ×
// grain value), not with the number of ratings. It needs each respondent's ratings together (one
// row in the wide layout; consecutive rows in the long), which the stage checks; otherwise the
// rollups are built in SQL instead (ingest/rollups.ts, the reference this must equal).
import { attainedLevel, expectedLevel, INCOMPLETE } from "../db/analytics/attained-level";

/** What the rollups need to know about a capability of the wave's framework. */
export interface CapabilityFacts {
  id: number;
  code: string;
  /** Its sort_order in the framework (1, 2, …): its element in the capability rollup arrays. */
  position: number;
  domainCode: string;
  level: number;
  /** Badge letters, e.g. "SDU". */
  archetypes: string;
  /** Nodes below domain level it belongs to: sub_domain and section. */
  nodes: { type: string; code: string }[];
}

export interface RollupRow {
  organisationCode: string;
  staffGroupCode: string;
  archetypeCode: string;
  bandCode: string | null;
  grain: string;
  grainKey: string;
  respondents: number;
  required: number;
  met: number;
  sumR2: number;
  sumU2: number;
  sumRu: number;
}

/** One person-axis cell's capability grain: element i is the capability at position i + 1. */
export interface CapabilityRollupRow {
  organisationCode: string;
  staffGroupCode: string;
  archetypeCode: string;
  bandCode: string | null;
  required: Int32Array;
  met: Int32Array;
}

/** One person-axis cell × domain: respondents by attained level (docs/metrics.md, "Attained level"). */
export interface AttainmentRollupRow {
  organisationCode: string;
  staffGroupCode: string;
  archetypeCode: string;
  bandCode: string | null;
  domainCode: string;
  /** The archetype's expected level in the domain (the same for every respondent of the row). */
  expectedLevel: number;
  /** Respondents placed at attained level 0, 1, 2, 3 and 4. */
  attained: number[];
  incomplete: number;
  belowExpected: number;
}

/** Levels of the framework: 1..4. */
const LEVELS = 4;
/** Per attainment cell: respondents at attained levels 0..4, incomplete, below expected, expected level. */
const ATTAINMENT_FIELDS = 8;

interface Slot {
  grain: string;
  key: string;
}

export class RollupBuilder {
  private readonly slots: Slot[] = [];
  /**
   * By capability id: the slots one of its ratings counts in, its badge letters and its element
   * (0-based) in the capability arrays. An array, not a Map: it is read for every rating.
   */
  private readonly capabilities: ({ slots: Int32Array; archetypes: string; element: number } | undefined)[] = [];
  private readonly capabilityCount: number;
  /** Per person-axis cell: required ratings per capability, then met ratings per capability. */
  private readonly capabilitySums: Int32Array[] = [];
  /** What a cell's capability arrays cost against maxCells (a cell of sums is about 130 bytes). */
  private readonly capabilityCellCost: number;
  // The current respondent's required (r) and met (m) ratings per slot.
  private readonly r: Int32Array;
  private readonly m: Int32Array;
  private touched: number[] = [];
  private person = -1;
  /** The current respondent's archetype code. */
  private archetype = "";
  // Person-axis cells (organisation, staff group, archetype, band) and the accumulated sums.
  private readonly persons = new Map<string, number>();
  private readonly personKeys: [string, string, string, string | null][] = [];
  private readonly cells = new Map<number, number>();
  private sums: Float64Array = new Float64Array(6 * 1024);
  private cellCount = 0;
  private readonly cellIds: number[] = [];

  // Attained level: the domains, each one's slot and its domain × level slots (-1 where the
  // framework has no capability at that level), and per archetype the capabilities badged for it
  // per domain and level (built on first use: five archetypes, not one per respondent).
  private readonly domains: string[] = [];
  private readonly domainSlots: Int32Array;
  private readonly domainLevelSlots: Int32Array;
  private readonly domainLevelsOf: { domain: number; level: number; archetypes: string }[] = [];
  private readonly badgedByArchetype = new Map<string, { badged: Int32Array[]; expected: Int32Array }>();
  private badged: Int32Array[] = [];
  private expected: Int32Array = new Int32Array(0);
  private readonly ratedScratch = new Int32Array(LEVELS);
  private readonly metScratch = new Int32Array(LEVELS);
  /** By person-axis cell: its first attainment cell (one per domain, consecutive), or undefined. */
  private readonly attainmentBase: number[] = [];
  private attainmentCellCount = 0;
  private attainment: Int32Array = new Int32Array(ATTAINMENT_FIELDS * 256);

  /** More cells than maxCells: the builder stopped, and the rollups must come from SQL. */
  overflowed = false;

  /**
   * `maxCells` bounds memory (about 130 bytes a cell): a file with more cells — a national file in
   * one piece — is rolled up in SQL instead.
   */
  constructor(
    capabilities: CapabilityFacts[],
    private readonly metThreshold: number,
    private readonly maxCells = 400_000,
  ) {
    const slotIndex = new Map<string, number>();
    const slot = (grain: string, key: string) => {
      const k = `${grain}\x1f${key}`;
      let i = slotIndex.get(k);
      if (i === undefined) {
        i = this.slots.length;
        this.slots.push({ grain, key });
        slotIndex.set(k, i);
      }
      return i;
    };
    const domainIndex = new Map<string, number>();
    for (const c of capabilities) {
      if (!domainIndex.has(c.domainCode)) domainIndex.set(c.domainCode, this.domains.push(c.domainCode) - 1);
      this.domainLevelsOf.push({ domain: domainIndex.get(c.domainCode)!, level: c.level, archetypes: c.archetypes });
    }
    this.domainSlots = Int32Array.from(this.domains, (d) => slot("domain", d));
    this.domainLevelSlots = new Int32Array(this.domains.length * LEVELS).fill(-1);
    for (const c of capabilities) this.domainLevelSlots[domainIndex.get(c.domainCode)! * LEVELS + c.level - 1] = slot("domain_level", `${c.domainCode}:${c.level}`);
    for (const c of capabilities) {
      const ids = [
        slot("all", ""),
        slot("domain", c.domainCode),
        slot("level", String(c.level)),
        slot("domain_level", `${c.domainCode}:${c.level}`),
        ...c.nodes.filter((n) => n.type !== "domain").map((n) => slot(n.type, n.code)),
      ];
      this.capabilities[c.id] = { slots: Int32Array.from(ids), archetypes: c.archetypes, element: c.position - 1 };
    }
    this.capabilityCount = Math.max(0, ...capabilities.map((c) => c.position));
    this.capabilityCellCost = Math.ceil((8 * this.capabilityCount) / 130);
    this.r = new Int32Array(this.slots.length);
    this.m = new Int32Array(this.slots.length);
  }

  /** Starts the next respondent; the previous one's sums are folded into the cells. */
  respondent(organisationCode: string, staffGroupCode: string, archetypeCode: string, bandCode: string | null): void {
    if (this.overflowed) return;
    this.fold();
    const key = `${organisationCode}\x1f${staffGroupCode}\x1f${archetypeCode}\x1f${bandCode ?? ""}`;
    let person = this.persons.get(key);
    if (person === undefined) {
      person = this.personKeys.length;
      this.persons.set(key, person);
      this.personKeys.push([organisationCode, staffGroupCode, archetypeCode, bandCode]);
    }
    this.person = person;
    this.archetype = archetypeCode;
    const badged = this.badgedByArchetype.get(archetypeCode) ?? this.badgedFor(archetypeCode);
    this.badged = badged.badged;
    this.expected = badged.expected;
  }

  /** Per domain, the capabilities badged for an archetype at each level. */
  private badgedFor(archetypeCode: string): { badged: Int32Array[]; expected: Int32Array } {
    const badged = this.domains.map(() => new Int32Array(LEVELS));
    for (const c of this.domainLevelsOf) if (c.archetypes.includes(archetypeCode)) badged[c.domain][c.level - 1]++;
    const entry = { badged, expected: Int32Array.from(badged, expectedLevel) };
    this.badgedByArchetype.set(archetypeCode, entry);
    return entry;
  }

  /** One rating of the current respondent; it counts only where the capability is badged for their archetype. */
  rating(capabilityId: number, rating: number): void {
    if (this.overflowed) return;
    const capability = this.capabilities[capabilityId]!;
    if (!capability.archetypes.includes(this.archetype)) return;
    const met = rating >= this.metThreshold ? 1 : 0;
    // A respondent rates a capability at most once (repeats are refused), so its sums need no fold.
    let sums = this.capabilitySums[this.person];
    if (sums === undefined) {
      if (!this.reserve(this.capabilityCellCost)) return;
      sums = this.capabilitySums[this.person] = new Int32Array(2 * this.capabilityCount);
    }
    const { element, slots } = capability;
    sums[element]++;
    sums[this.capabilityCount + element] += met;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (this.r[s] === 0) this.touched.push(s);
      this.r[s]++;
      this.m[s] += met;
    }
  }

  /** Counts `cost` more cells against the limit; false (and overflowed) beyond it. */
  private reserve(cost: number): boolean {
    if (this.cellCount + cost > this.maxCells) {
      this.overflowed = true;
      this.touched = [];
      return false;
    }
    this.cellCount += cost;
    return true;
  }

  private fold(): void {
    if (this.person < 0) return;
    if (!this.foldAttainment()) return;
    const nSlots = this.slots.length;
    for (const s of this.touched) {
      const r = this.r[s];
      const m = this.m[s];
      const u = r - m;
      const cellKey = this.person * nSlots + s;
      let cell = this.cells.get(cellKey);
      if (cell === undefined) {
        if (!this.reserve(1)) return;
        cell = this.cellIds.length;
        this.cells.set(cellKey, cell);
        this.cellIds.push(cellKey);
        if ((cell + 1) * 6 > this.sums.length) {
          const grown = new Float64Array(this.sums.length * 2);
          grown.set(this.sums);
          this.sums = grown;
        }
      }
      const o = cell * 6;
      this.sums[o] += 1;
      this.sums[o + 1] += r;
      this.sums[o + 2] += m;
      this.sums[o + 3] += r * r;
      this.sums[o + 4] += u * u;
      this.sums[o + 5] += r * u;
      this.r[s] = 0;
      this.m[s] = 0;
    }
    this.touched = [];
  }

  /**
   * The current respondent's attained level in each domain where they have a required rating,
   * from the per-level counts already summed for the domain × level slots (so nothing per rating).
   * False when the cells overflowed.
   */
  private foldAttainment(): boolean {
    const nDomains = this.domains.length;
    for (let d = 0; d < nDomains; d++) {
      if (this.r[this.domainSlots[d]] === 0) continue; // not assessed in the domain: not in its cell
      for (let l = 0; l < LEVELS; l++) {
        const s = this.domainLevelSlots[d * LEVELS + l];
        this.ratedScratch[l] = s < 0 ? 0 : this.r[s];
        this.metScratch[l] = s < 0 ? 0 : this.m[s];
      }
      const attained = attainedLevel(this.badged[d], this.ratedScratch, this.metScratch);
      // A person-axis cell's attainment cells, one per domain, are made together on its first
      // respondent: an array read per respondent and domain, not a Map lookup.
      let base = this.attainmentBase[this.person];
      if (base === undefined) {
        if (!this.reserve(nDomains)) return false;
        base = this.attainmentBase[this.person] = this.attainmentCellCount;
        this.attainmentCellCount += nDomains;
        if (this.attainmentCellCount * ATTAINMENT_FIELDS > this.attainment.length) {
          const grown = new Int32Array(Math.max(this.attainment.length * 2, this.attainmentCellCount * ATTAINMENT_FIELDS));
          grown.set(this.attainment);
          this.attainment = grown;
        }
      }
      const o = (base + d) * ATTAINMENT_FIELDS;
      const expected = this.expected[d];
      this.attainment[o + 7] = expected;
      if (attained === INCOMPLETE) {
        this.attainment[o + 5]++;
      } else {
        this.attainment[o + attained]++;
        if (attained < expected) this.attainment[o + 6]++;
      }
    }
    return true;
  }

  /**
   * Folds the last respondent in. Call after the last rating and before reading `overflowed`:
   * the last respondent's cells count against the limit too.
   */
  finish(): void {
    if (this.overflowed) return;
    this.fold();
    this.person = -1;
  }

  /** Every person-axis cell × domain's attained levels; call after finish(). */
  *attainmentRows(): Generator<AttainmentRollupRow> {
    this.finish();
    const nDomains = this.domains.length;
    const a = this.attainment;
    for (let person = 0; person < this.personKeys.length; person++) {
      const base = this.attainmentBase[person];
      if (base === undefined) continue;
      const [organisationCode, staffGroupCode, archetypeCode, bandCode] = this.personKeys[person];
      for (let d = 0; d < nDomains; d++) {
        const o = (base + d) * ATTAINMENT_FIELDS;
        if (a[o] + a[o + 1] + a[o + 2] + a[o + 3] + a[o + 4] + a[o + 5] === 0) continue; // nobody assessed in the domain
        yield {
          organisationCode,
          staffGroupCode,
          archetypeCode,
          bandCode,
          domainCode: this.domains[d],
          expectedLevel: a[o + 7],
          attained: [a[o], a[o + 1], a[o + 2], a[o + 3], a[o + 4]],
          incomplete: a[o + 5],
          belowExpected: a[o + 6],
        };
      }
    }
  }

  /** Every rollup row at the node grains; call after finish(). */
  *rows(): Generator<RollupRow> {
    this.finish();
    const nSlots = this.slots.length;
    for (let cell = 0; cell < this.cellIds.length; cell++) {
      const cellKey = this.cellIds[cell];
      const [organisationCode, staffGroupCode, archetypeCode, bandCode] = this.personKeys[Math.floor(cellKey / nSlots)];
      const { grain, key } = this.slots[cellKey % nSlots];
      const o = cell * 6;
      yield {
        organisationCode,
        staffGroupCode,
        archetypeCode,
        bandCode,
        grain,
        grainKey: key,
        respondents: this.sums[o],
        required: this.sums[o + 1],
        met: this.sums[o + 2],
        sumR2: this.sums[o + 3],
        sumU2: this.sums[o + 4],
        sumRu: this.sums[o + 5],
      };
    }
  }

  /** Every person-axis cell's capability grain; call after the last rating. */
  *capabilityRows(): Generator<CapabilityRollupRow> {
    const n = this.capabilityCount;
    for (let person = 0; person < this.personKeys.length; person++) {
      const sums = this.capabilitySums[person];
      if (sums === undefined) continue;
      const [organisationCode, staffGroupCode, archetypeCode, bandCode] = this.personKeys[person];
      yield { organisationCode, staffGroupCode, archetypeCode, bandCode, required: sums.subarray(0, n), met: sums.subarray(n) };
    }
  }
}
