// The published cube of one wave and complementary suppression over it (docs/metrics.md,
// "Disclosure control"; decision 017). Pure: the wave's structure and cell counts in, the cells to
// hide out.
//
// A cell is one geography (England, a region, an ICB or an organisation) × at most two of staff
// group, archetype and band × one framework cell (all, a domain, sub-domain, level, domain × level
// or capability). Cells are numbered densely, (geography × person + person) × framework +
// framework, so the whole cube is two typed arrays: respondents and hidden.

/** A cell's key, as stored and as looked up for a published row: geography|person|framework. */
export function cellKey(geography: string, person: [string, string, string], framework: string): string {
  return `${geography}|${person.join("|")}|${framework}`;
}

/** Any value of a staff dimension: the dimension is not part of the cell. */
export const ALL = "*";

export const geographyKey = (level: "england" | "region" | "icb" | "organisation", code = "") => `${level}|${code}`;
export const frameworkKey = (grain: string, key: string) => `${grain}|${key}`;

export interface CubeStructure {
  organisations: { code: string; icb: string; region: string }[];
  staffGroups: string[];
  archetypes: string[];
  /** Band codes present; "" for respondents whose band was not recorded. */
  bands: string[];
  domains: string[];
  subDomains: { code: string; domain: string }[];
  capabilities: { code: string; domain: string; subDomain: string | null; level: number }[];
}

/** A parent and its children along one hierarchy (positions along that dimension). */
interface Relation {
  parent: number;
  children: number[];
}

export class Cube {
  readonly geographies: string[] = [];
  readonly persons: [string, string, string][] = [];
  readonly frameworks: string[] = [];
  private readonly geographyIndex = new Map<string, number>();
  private readonly personIndex = new Map<string, number>();
  private readonly frameworkIndex = new Map<string, number>();
  readonly geographyRelations: Relation[] = [];
  readonly personRelations: Relation[] = [];
  readonly frameworkRelations: Relation[] = [];
  readonly respondents: Int32Array;
  /** Where each organisation sits: its own, its ICB's and its region's geography positions. */
  private readonly organisationGeographies = new Map<string, [number, number, number]>();

  constructor(structure: CubeStructure) {
    // Geography: England, regions, ICBs, organisations; England ⊃ region ⊃ ICB ⊃ organisation, and region ⊃ organisation.
    const geo = (key: string) => this.geographyIndex.get(key) ?? this.add(this.geographies, this.geographyIndex, key);
    const england = geo(geographyKey("england"));
    const regions = new Map<string, Set<number>>();
    const icbs = new Map<string, Set<number>>();
    const regionOrganisations = new Map<string, Set<number>>();
    for (const o of structure.organisations) {
      const [r, i, g] = [geo(geographyKey("region", o.region)), geo(geographyKey("icb", o.icb)), geo(geographyKey("organisation", o.code))];
      this.organisationGeographies.set(o.code, [g, i, r]);
      (regions.get(o.region) ?? regions.set(o.region, new Set()).get(o.region)!).add(i);
      (icbs.get(o.icb) ?? icbs.set(o.icb, new Set()).get(o.icb)!).add(g);
      (regionOrganisations.get(o.region) ?? regionOrganisations.set(o.region, new Set()).get(o.region)!).add(g);
    }
    this.geographyRelations.push({ parent: england, children: [...regions.keys()].map((r) => geo(geographyKey("region", r))) });
    for (const [region, children] of regions) this.geographyRelations.push({ parent: geo(geographyKey("region", region)), children: [...children] });
    for (const [region, children] of regionOrganisations) this.geographyRelations.push({ parent: geo(geographyKey("region", region)), children: [...children] });
    for (const [icb, children] of icbs) this.geographyRelations.push({ parent: geo(geographyKey("icb", icb)), children: [...children] });

    // Person: every combination of at most two of staff group, archetype and band; each "all" ⊃ its values.
    const values = [structure.staffGroups, structure.archetypes, structure.bands];
    const combos: [string, string, string][] = [];
    for (const s of [ALL, ...values[0]]) for (const a of [ALL, ...values[1]]) for (const b of [ALL, ...values[2]]) {
      if ([s, a, b].filter((v) => v !== ALL).length <= 2) combos.push([s, a, b]);
    }
    for (const c of combos) this.add(this.persons, this.personIndex, c.join("|"), c);
    for (const c of combos) {
      for (let d = 0; d < 3; d++) {
        if (c[d] !== ALL) continue;
        const children = values[d].map((v) => this.personIndex.get(c.map((x, i) => (i === d ? v : x)).join("|")));
        if (children.every((x) => x !== undefined)) this.personRelations.push({ parent: this.personIndex.get(c.join("|"))!, children: children as number[] });
      }
    }

    // Framework: all ⊃ domain ⊃ sub-domains and the capabilities in no sub-domain; sub-domain ⊃
    // capability; all ⊃ level ⊃ domain × level; domain ⊃ domain × level ⊃ capability.
    const fw = (grain: string, key: string) => this.frameworkIndex.get(frameworkKey(grain, key)) ?? this.add(this.frameworks, this.frameworkIndex, frameworkKey(grain, key));
    const levels = [...new Set(structure.capabilities.map((c) => c.level))].sort();
    const all = fw("all", "");
    this.frameworkRelations.push({ parent: all, children: structure.domains.map((d) => fw("domain", d)) });
    this.frameworkRelations.push({ parent: all, children: levels.map((l) => fw("level", String(l))) });
    for (const d of structure.domains) {
      const direct = structure.capabilities.filter((c) => c.domain === d && c.subDomain === null).map((c) => fw("capability", c.code));
      this.frameworkRelations.push({ parent: fw("domain", d), children: [...structure.subDomains.filter((s) => s.domain === d).map((s) => fw("sub_domain", s.code)), ...direct] });
      this.frameworkRelations.push({ parent: fw("domain", d), children: levels.map((l) => fw("domain_level", `${d}:${l}`)) });
    }
    for (const s of structure.subDomains) {
      this.frameworkRelations.push({ parent: fw("sub_domain", s.code), children: structure.capabilities.filter((c) => c.subDomain === s.code).map((c) => fw("capability", c.code)) });
    }
    for (const l of levels) {
      this.frameworkRelations.push({ parent: fw("level", String(l)), children: structure.domains.map((d) => fw("domain_level", `${d}:${l}`)) });
      for (const d of structure.domains) {
        this.frameworkRelations.push({
          parent: fw("domain_level", `${d}:${l}`),
          children: structure.capabilities.filter((c) => c.domain === d && c.level === l).map((c) => fw("capability", c.code)),
        });
      }
    }
    this.respondents = new Int32Array(this.geographies.length * this.persons.length * this.frameworks.length);
  }

  private add<T>(list: T[], index: Map<string, number>, key: string, value?: T): number {
    index.set(key, list.length);
    list.push((value ?? key) as T);
    return list.length - 1;
  }

  private at(g: number, q: number, f: number): number {
    return (g * this.persons.length + q) * this.frameworks.length + f;
  }

  /**
   * Adds a rollup cell (one organisation × staff group × archetype × band, one framework cell) to
   * every cube cell containing it: its organisation, ICB, region and England, each × the
   * combinations of its staff group, archetype and band. Respondents add up along all of these.
   */
  addRollup(organisation: string, person: [string, string, string], grain: string, key: string, respondents: number): void {
    const f = this.frameworkIndex.get(frameworkKey(grain, key));
    const geographies = this.organisationGeographies.get(organisation);
    if (f === undefined || geographies === undefined) return;
    for (const q of this.personCells(person)) {
      for (const g of geographies) this.respondents[this.at(g, q, f)] += respondents;
      this.respondents[this.at(0, q, f)] += respondents; // England
    }
  }

  private readonly personCellsOf = new Map<string, number[]>();

  /** The person cells containing a staff group × archetype × band: all, each one, each pair. */
  private personCells(person: [string, string, string]): number[] {
    const key = person.join("|");
    let cells = this.personCellsOf.get(key);
    if (!cells) {
      const [s, a, b] = person;
      const combos: [string, string, string][] = [[ALL, ALL, ALL], [s, ALL, ALL], [ALL, a, ALL], [ALL, ALL, b], [s, a, ALL], [s, ALL, b], [ALL, a, b]];
      cells = combos.map((c) => this.personIndex.get(c.join("|"))).filter((q): q is number => q !== undefined);
      this.personCellsOf.set(key, cells);
    }
    return cells;
  }

  keyOf(cell: number): string {
    const f = cell % this.frameworks.length;
    const q = Math.floor(cell / this.frameworks.length) % this.persons.length;
    const g = Math.floor(cell / (this.frameworks.length * this.persons.length));
    return cellKey(this.geographies[g], this.persons[q], this.frameworks[f]);
  }

  /**
   * Complementary suppression: cells with 1 to k − 1 respondents are hidden, then, along every
   * relation, until nothing changes:
   * - a parent with a single contributing child equals it: the two are hidden together or not at all;
   * - a visible parent with exactly one hidden child would give it away by subtraction: its
   *   smallest visible child is hidden too;
   * - a hidden parent whose children are all visible would be given away by addition: its
   *   smallest child is hidden.
   * Returns the cells hidden beyond those under k.
   */
  complementary(k: number): number[] {
    const n = this.respondents.length;
    const resp = this.respondents;
    const hidden = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (resp[i] > 0 && resp[i] < k) hidden[i] = 1;
    const G = this.geographies.length;
    const Q = this.persons.length;
    const F = this.frameworks.length;
    // Each dimension: its relations, its stride, and the strides and sizes of the other two.
    const dimensions: [Relation[], number, [number, number], [number, number]][] = [
      [this.geographyRelations, Q * F, [F, 1], [Q, F]],
      [this.personRelations, F, [Q * F, 1], [G, F]],
      [this.frameworkRelations, 1, [Q * F, F], [G, Q]],
    ];
    // Slices still to visit, per dimension (indexed x × n2 + y): all at first, then only those
    // holding a cell hidden since, so later sweeps touch only what changed.
    const dirty = dimensions.map(([, , , [n1, n2]]) => new Uint8Array(n1 * n2).fill(1));
    let changed = true;
    const hide = (i: number) => {
      hidden[i] = 1;
      changed = true;
      const [g, q, f] = [Math.floor(i / (Q * F)), Math.floor(i / F) % Q, i % F];
      dirty[0][q * F + f] = 1;
      dirty[1][g * F + f] = 1;
      dirty[2][g * Q + q] = 1;
    };
    while (changed) {
      changed = false;
      dimensions.forEach(([relations, stride, [s1, s2], [n1, n2]], d) => {
        const todo = dirty[d];
        for (let x = 0; x < n1; x++) {
          for (let y = 0; y < n2; y++) {
            if (!todo[x * n2 + y]) continue;
            todo[x * n2 + y] = 0;
            const base = x * s1 + y * s2;
            // Position 0 of every dimension is its "all" (England, all staff, the all grain): a
            // slice whose "all" cell is empty holds no data and is skipped.
            if (resp[base] === 0) continue;
            for (const { parent, children } of relations) {
              const p = base + parent * stride;
              if (resp[p] === 0) continue;
              let contributing = 0;
              let only = -1;
              let hiddenChildren = 0;
              let smallestVisible = -1;
              let smallest = -1;
              for (const child of children) {
                const c = base + child * stride;
                if (resp[c] === 0) continue;
                contributing++;
                only = c;
                if (smallest < 0 || resp[c] < resp[smallest]) smallest = c;
                if (hidden[c]) hiddenChildren++;
                else if (smallestVisible < 0 || resp[c] < resp[smallestVisible]) smallestVisible = c;
              }
              if (contributing === 0) continue;
              if (contributing === 1) {
                if (hidden[p] !== hidden[only]) hide(hidden[p] ? only : p);
              } else if (!hidden[p] && hiddenChildren === 1) {
                hide(smallestVisible);
              } else if (hidden[p] && hiddenChildren === 0) {
                hide(smallest);
              }
            }
          }
        }
      });
    }
    const out: number[] = [];
    for (let i = 0; i < n; i++) if (hidden[i] && resp[i] >= k) out.push(i);
    return out;
  }
}
