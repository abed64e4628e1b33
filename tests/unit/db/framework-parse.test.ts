// Framework parsing and validation (db/framework-parse.ts), on small hand-written files and on the
// version bundled in db/framework/ai-dht-2023-illustrative.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseFramework } from "../../../db/framework-parse";
import type { Problem } from "../../../db/problems";

const NODES_HEADER = "code,parent_code,node_type,title";
const NODES = [
  NODES_HEADER, // row 1
  "1,,domain,Digital implementation", // row 2
  "1.1,1,sub_domain,Providing care", // row 3
  "1.1.1,1.1,section,Management", // row 4
  "2,,domain,Health data", // row 5
];
const CAPS_HEADER = "code,node_code,level,archetypes,title,illustrative";
const CAPS = [
  CAPS_HEADER, // row 1
  "1-01,1,1,U,At a domain,true", // row 2
  "1.1-01,1.1,2,U;S,At a sub-domain,false", // row 3
  '1.1.1-01,1.1.1,3,"E, c",At a section,', // row 4
  "2-01,2,4,sdceu,Lower-case letters,TRUE", // row 5
];

const csv = (lines: string[]) => `${lines.join("\n")}\n`;

function parse(nodes: string[] = NODES, caps: string[] = CAPS) {
  return parseFramework(csv(nodes), csv(caps), { nodes: "n.csv", capabilities: "c.csv" });
}

/** Parses, asserts nothing was returned, and returns the problems. */
function problemsOf(nodes: string[] = NODES, caps: string[] = CAPS): Problem[] {
  const result = parse(nodes, caps);
  expect(result.framework).toBeNull();
  expect(result.problems.length).toBeGreaterThan(0);
  return result.problems;
}

/** Asserts exactly one problem, at file/row/column, and returns its message. */
function onlyProblem(nodes: string[], caps: string[], where: { file: string; row: number; column: string }): string {
  const problems = problemsOf(nodes, caps);
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatchObject(where);
  return problems[0].message;
}

describe("parseFramework on a small valid framework", () => {
  it("returns every node with its domain and path, nearest first", () => {
    const result = parse();
    expect(result.problems).toEqual([]);
    expect(result.framework!.nodes).toEqual([
      { code: "1", parentCode: null, nodeType: "domain", title: "Digital implementation", domainCode: "1", path: ["1"] },
      { code: "1.1", parentCode: "1", nodeType: "sub_domain", title: "Providing care", domainCode: "1", path: ["1.1", "1"] },
      { code: "1.1.1", parentCode: "1.1", nodeType: "section", title: "Management", domainCode: "1", path: ["1.1.1", "1.1", "1"] },
      { code: "2", parentCode: null, nodeType: "domain", title: "Health data", domainCode: "2", path: ["2"] },
    ]);
  });

  it("returns capabilities at each depth with their domain, level, ordered archetypes and flag", () => {
    expect(parse().framework!.capabilities).toEqual([
      { code: "1-01", nodeCode: "1", domainCode: "1", level: 1, archetypes: "U", title: "At a domain", illustrative: true },
      { code: "1.1-01", nodeCode: "1.1", domainCode: "1", level: 2, archetypes: "SU", title: "At a sub-domain", illustrative: false },
      { code: "1.1.1-01", nodeCode: "1.1.1", domainCode: "1", level: 3, archetypes: "CE", title: "At a section", illustrative: false },
      { code: "2-01", nodeCode: "2", domainCode: "2", level: 4, archetypes: "SDCEU", title: "Lower-case letters", illustrative: true },
    ]);
  });

  it("accepts a child before its parent, header case, a BOM and no illustrative column", () => {
    const result = parseFramework(
      `\uFEFFCode,Parent_Code,Node_Type,Title\n1.1,1,sub_domain,Child first\n1,,domain,Parent\n`,
      "code,node_code,level,archetypes,title\n1.1-01,1.1,1,UU,Twice U\n",
    );
    expect(result.problems).toEqual([]);
    expect(result.framework!.nodes[0]).toMatchObject({ code: "1.1", domainCode: "1", path: ["1.1", "1"] });
    expect(result.framework!.capabilities[0]).toMatchObject({ archetypes: "U", illustrative: false, domainCode: "1" });
  });
});

describe("parseFramework refuses a bad nodes file", () => {
  it("names an unknown parent", () => {
    const message = onlyProblem([...NODES, "2.1,9,sub_domain,Orphan"], CAPS, { file: "n.csv", row: 6, column: "parent_code" });
    expect(message).toContain("unknown parent 9");
  });

  it("refuses a sub_domain whose parent is a section", () => {
    const message = onlyProblem([...NODES, "1.2,1.1.1,sub_domain,Too deep"], CAPS, { file: "n.csv", row: 6, column: "parent_code" });
    expect(message).toBe("parent 1.1.1 is a section; a sub_domain's parent must be a domain");
  });

  it("refuses a section whose parent is a domain", () => {
    const message = onlyProblem([...NODES, "2.0.1,2,section,Skips a level"], CAPS, { file: "n.csv", row: 6, column: "parent_code" });
    expect(message).toContain("a section's parent must be a sub_domain");
  });

  it("refuses a domain with a parent", () => {
    const message = onlyProblem([...NODES, "3,1,domain,Nested domain"], CAPS, { file: "n.csv", row: 6, column: "parent_code" });
    expect(message).toContain("a domain has no parent");
  });

  it("refuses a sub_domain with no parent", () => {
    const message = onlyProblem([...NODES, "3.1,,sub_domain,Lost"], CAPS, { file: "n.csv", row: 6, column: "parent_code" });
    expect(message).toContain("needs a parent domain");
  });

  it("refuses an unknown node_type", () => {
    const message = onlyProblem([...NODES, "3,,chapter,A chapter"], CAPS, { file: "n.csv", row: 6, column: "node_type" });
    expect(message).toContain('"chapter" is not a node type');
  });

  it("refuses a duplicate node code, naming the first row", () => {
    const message = onlyProblem([...NODES, "1.1,1,sub_domain,Again"], CAPS, { file: "n.csv", row: 6, column: "code" });
    expect(message).toBe("duplicate code 1.1 (first on row 3)");
  });

  it("refuses an empty code or title", () => {
    expect(onlyProblem([...NODES, ",,domain,No code"], CAPS, { file: "n.csv", row: 6, column: "code" })).toMatch(/^empty/);
    expect(onlyProblem([...NODES, "3,,domain,"], CAPS, { file: "n.csv", row: 6, column: "title" })).toMatch(/^empty/);
  });

  it("refuses a missing column", () => {
    const nodes = ["code,parent_code,node_type", "1,,domain"];
    const message = onlyProblem(nodes, CAPS, { file: "n.csv", row: 1, column: "title" });
    expect(message).toContain("missing column");
  });

  it("refuses an unexpected column", () => {
    const nodes = [`${NODES_HEADER},notes`, "1,,domain,Title,hello"];
    const message = onlyProblem(nodes, ["code,node_code,level,archetypes,title", "1-01,1,1,U,T"], {
      file: "n.csv",
      row: 1,
      column: "notes",
    });
    expect(message).toContain("unexpected column");
  });
});

describe("parseFramework refuses a bad capabilities file", () => {
  it("refuses a duplicate capability code, naming the first row", () => {
    const message = onlyProblem(NODES, [...CAPS, "1-01,2,1,U,Same code"], { file: "c.csv", row: 6, column: "code" });
    expect(message).toBe("duplicate code 1-01 (first on row 2)");
  });

  it("refuses an unknown node_code", () => {
    const message = onlyProblem(NODES, [...CAPS, "9-01,9,1,U,Nowhere"], { file: "c.csv", row: 6, column: "node_code" });
    expect(message).toContain("unknown node 9");
    expect(message).toContain("n.csv");
  });

  it.each(["0", "5", "x", "1.0", ""])("refuses level %j", (level) => {
    const message = onlyProblem(NODES, [...CAPS, `2-02,2,${level},U,Bad level`], { file: "c.csv", row: 6, column: "level" });
    expect(message).toBe(`"${level}" is not a level; expected a whole number from 1 to 4`);
  });

  it("refuses an unknown archetype letter", () => {
    const message = onlyProblem(NODES, [...CAPS, "2-02,2,1,UX,Bad letter"], { file: "c.csv", row: 6, column: "archetypes" });
    expect(message).toContain("unknown archetype letter X");
  });

  it("refuses empty archetypes, including separators only", () => {
    for (const archetypes of ["", '" ; "']) {
      const message = onlyProblem(NODES, [...CAPS, `2-02,2,1,${archetypes},No letters`], { file: "c.csv", row: 6, column: "archetypes" });
      expect(message).toMatch(/^empty/);
    }
  });

  it("refuses a missing column", () => {
    const caps = ["code,node_code,level,title", "1-01,1,1,T"];
    const message = onlyProblem(NODES, caps, { file: "c.csv", row: 1, column: "archetypes" });
    expect(message).toContain("missing column");
  });

  it("refuses an unexpected column", () => {
    const caps = [`${CAPS_HEADER},source`, "1-01,1,1,U,T,,HEE"];
    const message = onlyProblem(NODES, caps, { file: "c.csv", row: 1, column: "source" });
    expect(message).toContain("unexpected column");
  });

  it.each(["yes", "1", "n"])("refuses illustrative %j", (value) => {
    const message = onlyProblem(NODES, [...CAPS, `2-02,2,1,U,Flag,${value}`], { file: "c.csv", row: 6, column: "illustrative" });
    expect(message).toBe(`"${value}" is not true or false`);
  });

  it("refuses an empty title", () => {
    expect(onlyProblem(NODES, [...CAPS, "2-02,2,1,U,"], { file: "c.csv", row: 6, column: "title" })).toMatch(/^empty/);
  });
});

describe("parseFramework with several problems", () => {
  it("reports problems from both files and returns no framework at all", () => {
    const problems = problemsOf(
      [...NODES, "3,,chapter,Bad type"], // n.csv row 6
      [...CAPS, "2-02,2,7,U,Bad level", "2-03,2,1,Q,Bad letter"], // c.csv rows 6 and 7
    );
    expect(problems.map((p) => [p.file, p.row, p.column])).toEqual([
      ["n.csv", 6, "node_type"],
      ["c.csv", 6, "level"],
      ["c.csv", 7, "archetypes"],
    ]);
  });

  it("checks both headers before any row", () => {
    const problems = problemsOf(["code,parent,node_type,title", "1,,domain,T"], ["code,node_code,level,title", "1-01,1,9,T"]);
    expect(problems.map((p) => [p.file, p.row, p.column])).toEqual([
      ["n.csv", 1, "parent_code"],
      ["n.csv", 1, "parent"],
      ["c.csv", 1, "archetypes"],
    ]);
  });
});

describe("the bundled framework ai-dht-2023-illustrative", () => {
  const folder = "../../../db/framework/ai-dht-2023-illustrative/";
  const read = (file: string) => readFileSync(fileURLToPath(new URL(folder + file, import.meta.url)), "utf8");
  const result = parseFramework(read("nodes.csv"), read("capabilities.csv"));
  const framework = result.framework!;
  const count = (type: string) => framework.nodes.filter((n) => n.nodeType === type).length;

  it("parses without problems", () => {
    expect(result.problems).toEqual([]);
    expect(framework).not.toBeNull();
  });

  it("has the framework's structure: 6 domains, 11 sub-domains and 7 sections", () => {
    expect(count("domain")).toBe(6);
    expect(count("sub_domain")).toBe(11);
    expect(count("section")).toBe(7);
    expect(framework.nodes).toHaveLength(24);
    expect(new Set(framework.nodes.map((n) => n.domainCode))).toEqual(new Set(["1", "2", "3", "4", "5", "6"]));
  });

  it("has 195 capabilities, with unique codes, at all four levels", () => {
    expect(framework.capabilities).toHaveLength(195);
    expect(new Set(framework.capabilities.map((c) => c.code)).size).toBe(195);
    expect(new Set(framework.capabilities.map((c) => c.level))).toEqual(new Set([1, 2, 3, 4]));
  });

  it("marks the 15 recovered statements illustrative=false and the rest true", () => {
    const recovered = framework.capabilities.filter((c) => !c.illustrative).map((c) => c.code);
    expect(recovered).toEqual([
      "2-01", "2-02", "2-03", "2-04", "2-05", "2-06",
      "5.1.1-01", "5.1.1-02",
      "6-01", "6-02", "6-03", "6-04", "6-05", "6-06", "6.1-01",
    ]);
    expect(framework.capabilities.filter((c) => c.illustrative)).toHaveLength(180);
  });

  it("carries the README's notes on the recovered statements", () => {
    const byCode = new Map(framework.capabilities.map((c) => [c.code, c]));
    // D2-07 was cut off in the source: rewritten, badges DCEU, illustrative.
    expect(byCode.get("2-07")).toMatchObject({ archetypes: "DCEU", illustrative: true });
    // D6-07's badges were cut off: SDCE assumed.
    expect(byCode.get("6.1-01")).toMatchObject({ archetypes: "SDCE", illustrative: false });
    // The recovered statements' levels are all set to 1.
    for (const c of framework.capabilities.filter((x) => !x.illustrative)) expect(c.level, c.code).toBe(1);
    expect(byCode.get("2-07")!.level).toBe(1);
  });
});
