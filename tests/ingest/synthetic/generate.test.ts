import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import {
  allocateRespondents, defaultWaves, DEMO_OPTIONS, generateExports, selectOrganisations,
  type GeneratedExport, type GenerateOptions, type LongRow, type SyntheticCapability, type SyntheticInputs, type SyntheticOrganisation,
} from "../../../ingest/synthetic/generate";
import { plainCsv, toDelimited } from "../../../ingest/synthetic/shapes";
import { loadSyntheticInputs } from "../../../ingest/synthetic/inputs";
import { createRng } from "../../../ingest/synthetic/random";

// ---- small in-code inputs (the real capabilities.csv may not exist yet) ----
const org = (code: string, regionCode: string, type: string, openedOn = "2001-04-01", closedOn: string | null = null): SyntheticOrganisation =>
  ({ code, regionCode, type, openedOn, closedOn });
const ORGS: SyntheticOrganisation[] = [
  org("RA1", "Y56", "acute"), org("RA2", "Y56", "mental_health"), org("RA3", "Y56", "acute_specialist"),
  org("RB1", "Y58", "acute"), org("RB2", "Y58", "ambulance"), org("RB3", "Y58", "community"),
  org("RC1", "Y59", "acute"), org("RC2", "Y59", "acute"), org("RC3", "Y59", "mental_health"),
  org("RD1", "Y60", "acute"), org("RD2", "Y60", "ambulance"), org("RD3", "Y60", "community"),
  org("RZ1", "Y60", "acute", "2001-04-01", "2026-03-31"), // merged away before wave 2
  org("RZ2", "Y56", "acute", "2026-01-01"), // opened after wave 1
];
// Badges per level, shaped like the framework: Users only at levels 1–2, specialists higher up.
const BADGES: Record<number, string[]> = { 1: ["SDCEU", "DU", "U", "CEU"], 2: ["U", "CEU", "DEU"], 3: ["SDCE", "CE", "D"], 4: ["SC", "CE", "E"] };
const CAPS: SyntheticCapability[] = [1, 2, 3].flatMap((d) => [1, 2, 3, 4].flatMap((level) =>
  BADGES[level]!.map((archetypes, i) => ({ code: `${d}-${level}${i}`, domainCode: String(d), level, archetypes }))));
const STAFF = [
  ["Nursing and Midwifery Registered", 26], ["Additional Clinical Services", 24], ["Administrative and Clerical", 24],
  ["Medical and Dental", 10], ["Add Prof Scientific and Technic", 7], ["Allied Health Professionals", 6],
  ["Estates and Ancillary", 2.5], ["Healthcare Scientists", 1.5], ["Students", 0.5],
] as const;
const INPUTS: SyntheticInputs = {
  organisations: ORGS,
  capabilities: CAPS,
  staffGroups: STAFF.map(([name, weight]) => ({ name, weight, longName: name.startsWith("Add Prof") ? "Additional Professional Scientific and Technical" : name })),
  bands: ["1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9"].map((b) => `Band ${b}`),
};
const WAVES = defaultWaves(2);
const OPTS: GenerateOptions = { seed: 42, trusts: 12, respondentsPerWave: 6000, waves: WAVES, inputs: INPUTS };
const EXPORTS = generateExports(OPTS);
const allCsv = (exps: GeneratedExport[]) => exps.map((e) => `${e.fileName}\n${plainCsv(e)}`).join("");

// ---- helpers: decode the per-trust label styles back to codes ----
const ARCH: Record<string, string> = {};
["S Shapers shaper", "D Drivers driver", "C Creators creator", "E Embedders embedder", "U Users user"].forEach((s) => {
  const [code, ...labels] = s.split(" ");
  for (const l of [code!, ...labels]) ARCH[l] = code!;
});
const groupOf = (label: string) => {
  const g = INPUTS.staffGroups.find((s) => [s.name, s.longName, s.name.toUpperCase(), s.name.toLowerCase()].includes(label));
  if (!g) throw new Error(`unknown staff group label ${label}`);
  return g.name;
};
interface Respondent { id: string; org: string; wave: string; group: string; archetype: string; first: LongRow; rows: LongRow[] }
function respondents(exps: GeneratedExport[]): Respondent[] {
  const out = new Map<string, Respondent>();
  for (const e of exps) for (const r of e.rows) {
    const key = `${e.waveLabel}|${r.organisation_code}|${r.respondent_id}`;
    let p = out.get(key);
    if (!p) out.set(key, (p = { id: r.respondent_id, org: r.organisation_code, wave: e.waveLabel, group: groupOf(r.staff_group), archetype: ARCH[r.archetype]!, first: r, rows: [] }));
    p.rows.push(r);
  }
  return [...out.values()];
}
const RESP = respondents(EXPORTS);
const capByCode = new Map(CAPS.map((c) => [c.code, c]));
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const wave1 = WAVES[0]!.label;
const wave2 = WAVES[1]!.label;

describe("waves and options", () => {
  it("defaultWaves straddles 1 April 2026 and allows 1..4 waves", () => {
    expect(defaultWaves(2)).toEqual([
      { label: "2025-autumn", start: "2025-10-01", end: "2025-12-12" },
      { label: "2026-summer", start: "2026-06-01", end: "2026-07-31" },
    ]);
    expect(defaultWaves(4).map((w) => w.label)).toEqual(["2025-autumn", "2026-summer", "2027-spring", "2027-autumn"]);
    expect(() => defaultWaves(0)).toThrow();
    expect(() => defaultWaves(5)).toThrow();
    expect(DEMO_OPTIONS).toMatchObject({ seed: 20260401, trusts: 60, respondentsPerWave: 10000, waves: defaultWaves(2) });
  });
});

describe("selectOrganisations", () => {
  it("covers every region, keeps only trusts open for every window, sorted by code, deterministic", () => {
    const picked = selectOrganisations(ORGS, 8, WAVES, 7);
    expect(picked).toHaveLength(8);
    expect(new Set(picked.map((o) => o.regionCode))).toEqual(new Set(["Y56", "Y58", "Y59", "Y60"]));
    expect(picked.map((o) => o.code)).toEqual([...picked.map((o) => o.code)].sort());
    expect(selectOrganisations(ORGS, 8, WAVES, 7)).toEqual(picked);
    const all = selectOrganisations(ORGS, 99, WAVES, 7).map((o) => o.code);
    expect(all).toHaveLength(12);
    expect(all).not.toContain("RZ1");
    expect(all).not.toContain("RZ2");
    // With only wave 1, the trust closing in March 2026 is still eligible.
    expect(selectOrganisations(ORGS, 99, WAVES.slice(0, 1), 7).map((o) => o.code)).toContain("RZ1");
    expect(selectOrganisations(ORGS, 2, WAVES, 7)).toHaveLength(2);
  });
});

describe("generateExports", () => {
  it("is deterministic for a seed and changes with the seed", () => {
    expect(allCsv(generateExports(OPTS))).toBe(allCsv(EXPORTS));
    expect(allCsv(generateExports({ ...OPTS, seed: 43 }))).not.toBe(allCsv(EXPORTS));
  });

  it("orders exports by wave then organisation and names files wave_org.csv", () => {
    const keys = EXPORTS.map((e) => [WAVES.findIndex((w) => w.label === e.waveLabel), e.organisationCode] as const);
    expect(keys).toEqual([...keys].sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1])));
    expect(EXPORTS).toHaveLength(24);
    for (const e of EXPORTS) expect(e.fileName).toBe(`${e.waveLabel}_${e.organisationCode}.csv`);
  });

  it("writes CSV that parses back to the same rows, with a band column only when the trust exports bands", () => {
    for (const e of EXPORTS.slice(0, 6)) {
      const parsed = parse(plainCsv(e), { columns: true }) as Record<string, string>[];
      expect(Object.keys(parsed[0]!)).toEqual(
        ["respondent_id", "organisation_code", "staff_group", "archetype", "assessed_on", "capability_code", "rating", ...(e.hasBand ? ["band"] : [])]);
      expect(parsed).toEqual(e.rows.map((r) => ({ ...r, rating: String(r.rating) })));
      expect(e.rows.filter((r) => "band" in r !== e.hasBand)).toEqual([]);
    }
    // About 75% of trusts export bands: over a few seeds both kinds must occur.
    const flags = [1, 2, 3, 4, 5].flatMap((seed) => generateExports({ ...OPTS, seed, respondentsPerWave: 300 }).map((e) => e.hasBand));
    expect(flags).toContain(true);
    expect(flags).toContain(false);
  });

  it("keeps one label style per trust for staff group and archetype", () => {
    for (const e of EXPORTS) {
      const archStyles = new Set(e.rows.map((r) => (r.archetype.length === 1 ? "code" : r.archetype.endsWith("s") ? "plural" : "singular")));
      expect(archStyles.size).toBe(1);
      expect(e.rows.filter((r) => ARCH[r.archetype] === undefined)).toEqual([]);
      const groupStyles = new Set(e.rows.map((r) => r.staff_group === r.staff_group.toUpperCase() ? "upper" : r.staff_group === r.staff_group.toLowerCase() ? "lower" : "mixed"));
      expect(groupStyles.size).toBe(1);
      const addProf = new Set(e.rows.filter((r) => /^add/i.test(r.staff_group) && /prof/i.test(r.staff_group)).map((r) => r.staff_group));
      expect(addProf.size).toBeLessThanOrEqual(1);
    }
  });

  it("gives each respondent one staff group, archetype, date and band, and no repeated capability", () => {
    const inconsistent = RESP.filter(({ first: f, rows }) => rows.some((r) =>
      r.staff_group !== f.staff_group || r.archetype !== f.archetype || r.assessed_on !== f.assessed_on || r.band !== f.band));
    expect(inconsistent.map((p) => p.id)).toEqual([]);
    const repeated = RESP.filter((p) => new Set(p.rows.map((r) => r.capability_code)).size !== p.rows.length);
    expect(repeated.map((p) => p.id)).toEqual([]);
  });

  it("answers badged capabilities, plus a few optional ones for under 10% of respondents", () => {
    let withOptional = 0;
    const wrong: string[] = [];
    for (const p of RESP) {
      const badged = CAPS.filter((c) => c.archetypes.includes(p.archetype)).map((c) => c.code);
      const answered = p.rows.map((r) => r.capability_code);
      const extra = answered.filter((c) => !badged.includes(c));
      // Every badged capability answered, in framework order, plus at most 3 extras.
      if (answered.filter((c) => badged.includes(c)).join() !== badged.join() || extra.length > 3) wrong.push(p.id);
      if (extra.length > 0) withOptional++;
    }
    expect(wrong).toEqual([]);
    expect(withOptional / RESP.length).toBeGreaterThan(0.02);
    expect(withOptional / RESP.length).toBeLessThan(0.1);
  });

  it("dates fall inside the wave window; ratings are integers 0..4; bands fit the staff group", () => {
    const bad = EXPORTS.flatMap((e) => {
      const w = WAVES.find((x) => x.label === e.waveLabel)!;
      return e.rows.filter((r) => !/^\d{4}-\d{2}-\d{2}$/.test(r.assessed_on) || r.assessed_on < w.start || r.assessed_on > w.end ||
        !Number.isInteger(r.rating) || r.rating < 0 || r.rating > 4);
    });
    expect(bad.slice(0, 3)).toEqual([]);
    const banded = RESP.filter((x) => x.first.band !== undefined);
    expect(banded.filter((p) => p.group === "Students" && p.first.band !== "")).toEqual([]);
    const needBand = banded.filter((p) => p.group !== "Students" && p.group !== "Medical and Dental");
    expect(needBand.filter((p) => !INPUTS.bands.includes(p.first.band!)).map((p) => p.first)).toEqual([]);
    // Most doctors have no AfC band.
    const doctors = banded.filter((p) => p.group === "Medical and Dental");
    expect(doctors.filter((p) => p.first.band === "").length / doctors.length).toBeGreaterThan(0.6);
  });

  it("uses opaque respondent ids: never emails or NHS-number-like, unique per trust", () => {
    const bad = RESP.filter((p) => /@/.test(p.id) || /^\d{10}$/.test(p.id) || !/^[A-Z0-9][A-Z0-9-]{5,15}$/.test(p.id));
    expect(bad.map((p) => p.id)).toEqual([]);
    // Each export lists a respondent's rows together, so one id = one contiguous block (no id shared by two people).
    for (const e of EXPORTS) {
      const blocks = e.rows.filter((r, i) => i === 0 || r.respondent_id !== e.rows[i - 1]!.respondent_id).length;
      expect(new Set(e.rows.map((r) => r.respondent_id)).size).toBe(blocks);
    }
  });

  it("gives every trust at least 25 respondents and each wave about the requested total", () => {
    for (const w of WAVES) {
      const counts = EXPORTS.filter((e) => e.waveLabel === w.label).map((e) => RESP.filter((p) => p.wave === w.label && p.org === e.organisationCode).length);
      for (const c of counts) expect(c).toBeGreaterThanOrEqual(25);
      const total = counts.reduce((s, c) => s + c, 0);
      expect(Math.abs(total - 6000) / 6000).toBeLessThanOrEqual(0.1);
    }
    const tiny = generateExports({ ...OPTS, respondentsPerWave: 100 });
    for (const e of tiny) expect(new Set(e.rows.map((r) => r.respondent_id)).size).toBe(25);
  });

  it("gives each trust a headcount per staff group of at least its respondents, at uneven response rates", () => {
    const rates: number[] = [];
    for (const e of EXPORTS) {
      const answered = new Map<string, Set<string>>();
      for (const r of e.rows) answered.set(r.staff_group, (answered.get(r.staff_group) ?? new Set()).add(r.respondent_id));
      const byName = new Map(e.headcount.map((h) => [h.staffGroup, h.headcount]));
      expect(byName.size).toBe(e.headcount.length); // one row per staff group
      for (const h of e.headcount) expect(Number.isInteger(h.headcount) && h.headcount > 0).toBe(true);
      // Every group that answered has staff in post, at least as many as answered (labels differ by trust style).
      for (const [label, ids] of answered) {
        const group = OPTS.inputs.staffGroups.find((g) => [g.name, g.longName].some((n) => n.toLowerCase() === label.toLowerCase()))!;
        expect(byName.get(group.name)).toBeGreaterThanOrEqual(ids.size);
        rates.push(ids.size / byName.get(group.name)!);
      }
    }
    // Response rates spread widely around 30%, so weighting changes the estimates.
    expect(Math.min(...rates)).toBeLessThan(0.12);
    expect(Math.max(...rates)).toBeGreaterThan(0.5);
    expect(mean(rates)).toBeGreaterThan(0.2);
    expect(mean(rates)).toBeLessThan(0.45);
  });

  it("makes acute trusts larger than ambulance and community trusts on average", () => {
    const size = (type: string) => mean(ORGS.filter((o) => o.type === type && o.code < "RZ").map((o) => RESP.filter((p) => p.org === o.code).length));
    expect(size("acute")).toBeGreaterThan(size("ambulance"));
    expect(size("acute")).toBeGreaterThan(size("community"));
  });

  it("reuses about 55% of wave-1 ids in wave 2 for the same person", () => {
    const w1 = new Map(RESP.filter((p) => p.wave === wave1).map((p) => [`${p.org}|${p.id}`, p]));
    const w2 = RESP.filter((p) => p.wave === wave2);
    const reused = w2.filter((p) => w1.has(`${p.org}|${p.id}`));
    expect(reused.length / w2.length).toBeGreaterThan(0.5);
    expect(reused.length / w2.length).toBeLessThan(0.6);
    const changed = reused.filter((p) => {
      const before = w1.get(`${p.org}|${p.id}`)!;
      const step = INPUTS.bands.indexOf(p.first.band ?? "") - INPUTS.bands.indexOf(before.first.band ?? "");
      return p.group !== before.group || p.archetype !== before.archetype || (step !== 0 && step !== 1);
    });
    expect(changed.map((p) => p.id)).toEqual([]);
  });

  it("makes Users the majority, with Creators/Embedders commoner among Healthcare Scientists", () => {
    const users = RESP.filter((p) => p.archetype === "U").length / RESP.length;
    expect(users).toBeGreaterThan(0.6);
    expect(users).toBeLessThan(0.8);
    const ceShare = (group: string) => {
      const ps = RESP.filter((p) => p.group === group);
      return ps.filter((p) => p.archetype === "C" || p.archetype === "E").length / ps.length;
    };
    expect(ceShare("Healthcare Scientists")).toBeGreaterThan(ceShare("Nursing and Midwifery Registered") + 0.1);
  });

  it("lowers ratings as capability level rises and raises them between waves", () => {
    const rows = EXPORTS.flatMap((e) => e.rows);
    const byLevel = [1, 2, 3, 4].map((l) => mean(rows.filter((r) => capByCode.get(r.capability_code)!.level === l).map((r) => r.rating)));
    for (let l = 1; l < 4; l++) expect(byLevel[l]).toBeLessThan(byLevel[l - 1]!);
    // Demo-scale targets are ~2.8 (level 1) and ~1.4 (level 4); 12 trusts leave room for trust/region effects.
    expect(byLevel[0]).toBeGreaterThan(2.2);
    expect(byLevel[3]).toBeLessThan(2);
    expect(byLevel[0]! - byLevel[3]!).toBeGreaterThan(0.8);
    const waveMean = (label: string) => mean(EXPORTS.filter((e) => e.waveLabel === label).flatMap((e) => e.rows.map((r) => r.rating)));
    const gain = waveMean(wave2) - waveMean(wave1);
    expect(gain).toBeGreaterThan(0.1);
    expect(gain).toBeLessThan(0.5);
  });
});

describe("helpers", () => {
  it("seeded PRNG repeats for a seed and has sane normal draws", () => {
    const a = createRng(1), b = createRng(1);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
    const r = createRng(9);
    const xs = Array.from({ length: 20000 }, () => r.normal(2, 0.5));
    expect(mean(xs)).toBeCloseTo(2, 1);
    expect(Math.sqrt(mean(xs.map((x) => (x - 2) ** 2)))).toBeCloseTo(0.5, 1);
    expect(r.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
    for (let i = 0; i < 200; i++) expect(r.weightedIndex([0, 3, 0, 1])).not.toBe(0);
  });

  it("allocateRespondents keeps the minimum and sums to the total", () => {
    const counts = allocateRespondents(1000, [10, 1, 1, 5, 0.1], 25);
    expect(counts.reduce((s, c) => s + c, 0)).toBe(1000);
    expect(Math.min(...counts)).toBe(25);
    expect(counts[0]).toBeGreaterThan(counts[3]!);
  });

  it("quotes CSV fields only when needed", () => {
    expect(toDelimited({ header: ["a"], rows: [["Band 5"], ["a,b"], ['say "hi"'], [" edge"]] }, ",", false)).toBe(
      'a\nBand 5\n"a,b"\n"say ""hi"""\n" edge"\n',
    );
    const row: LongRow = { respondent_id: "X1", organisation_code: "R1", staff_group: "S", archetype: "U", assessed_on: "2025-10-01", capability_code: "1-01", rating: 3 };
    expect(plainCsv({ organisationCode: "R1", waveLabel: "w", fileName: "R1.csv", hasBand: false, rows: [row], headcount: [] })).toBe(
      "respondent_id,organisation_code,staff_group,archetype,assessed_on,capability_code,rating\nX1,R1,S,U,2025-10-01,1-01,3\n",
    );
  });
});

describe("loadSyntheticInputs (real reference files)", () => {
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  const inputs = loadSyntheticInputs(root, { capabilities: false });

  it("reads trusts with ISO dates and closures, the 9 ESR staff groups and AfC bands", () => {
    expect(inputs.organisations.length).toBeGreaterThan(150);
    for (const o of inputs.organisations) expect(o.openedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(inputs.organisations.find((o) => o.code === "RNK")?.closedOn).toBe("2026-03-31");
    expect(inputs.organisations.find((o) => o.code === "R0A")).toMatchObject({ regionCode: "Y62", type: "acute", openedOn: "2017-10-01", closedOn: null });
    expect(inputs.staffGroups).toHaveLength(9);
    expect(inputs.staffGroups.find((g) => g.name === "Add Prof Scientific and Technic")?.longName).toBe("Additional Professional Scientific and Technical");
    expect(inputs.staffGroups.reduce((s, g) => s + g.weight, 0)).toBeCloseTo(101.5, 0);
    expect(inputs.bands).toContain("Band 5");
    expect(inputs.bands).toContain("Band 8a");
  });

  it("selects the demo's 60 trusts across all 7 regions, skipping trusts closed in a window", () => {
    const picked = selectOrganisations(inputs.organisations, DEMO_OPTIONS.trusts, DEMO_OPTIONS.waves, DEMO_OPTIONS.seed);
    expect(picked).toHaveLength(60);
    expect(new Set(picked.map((o) => o.regionCode)).size).toBe(new Set(inputs.organisations.map((o) => o.regionCode)).size);
    for (const o of picked) expect(o.closedOn).toBeNull();
  });
});
