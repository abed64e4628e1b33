// Shaping the framework's rows into the explorer's tree (app/lib/framework.server.ts).
import { describe, expect, it } from "vitest";
import {
  allStatements, archetypeBadges, type CapabilityRow, frameworkCounts, frameworkTree, type NodeRow, selectStatements,
} from "~/lib/framework.server";
import { statementHref } from "~/lib/framework-links";

const names = new Map([
  ["S", "Shapers"],
  ["D", "Drivers"],
  ["C", "Creators"],
  ["E", "Embedders"],
  ["U", "Users"],
]);

// Domain 4 holds a statement of its own, a sub-domain with one of its own, and two sections.
const nodes: NodeRow[] = [
  { code: "1", parent_code: null, node_type: "domain", title: "Digital implementation" },
  { code: "4", parent_code: null, node_type: "domain", title: "Human factors" },
  { code: "4.1", parent_code: "4", node_type: "sub_domain", title: "Management, leadership and planning" },
  { code: "4.1.1", parent_code: "4.1", node_type: "section", title: "Management" },
  { code: "4.1.2", parent_code: "4.1", node_type: "section", title: "Leadership" },
];
const capability = (code: string, node: string, level: number, archetypes: string, illustrative = true): CapabilityRow => ({
  code, node_code: node, domain_code: node.split(".")[0], level, archetypes, title: `Statement ${code}`, illustrative,
});
const capabilities: CapabilityRow[] = [
  capability("1-01", "1", 1, "DU"),
  capability("4-01", "4", 1, "SDCEU", false),
  capability("4.1-01", "4.1", 2, "U"),
  capability("4.1.1-01", "4.1.1", 3, "DE"),
  capability("4.1.1-02", "4.1.1", 4, "S"),
  capability("4.1.2-01", "4.1.2", 3, "SD"),
  // Its node is not in the version: left out rather than failing the page.
  capability("9-01", "9", 1, "U"),
];

describe("frameworkTree", () => {
  const tree = frameworkTree(nodes, capabilities, names);

  it("nests sub-domains and sections under their parents, in framework order", () => {
    expect(tree.map((d) => d.code)).toEqual(["1", "4"]);
    expect(tree[1].children.map((s) => s.code)).toEqual(["4.1"]);
    expect(tree[1].children[0].children.map((s) => s.code)).toEqual(["4.1.1", "4.1.2"]);
  });

  it("places statements in their own node and counts every statement below a node", () => {
    expect(tree[1].capabilities.map((c) => c.code)).toEqual(["4-01"]);
    expect(tree[1].children[0].capabilities.map((c) => c.code)).toEqual(["4.1-01"]);
    expect([tree[0].total, tree[1].total, tree[1].children[0].total, tree[1].children[0].children[0].total]).toEqual([1, 5, 4, 2]);
  });

  it("lists all statements a node's own first, then its children's", () => {
    expect(allStatements(tree).map((c) => c.code)).toEqual(["1-01", "4-01", "4.1-01", "4.1.1-01", "4.1.1-02", "4.1.2-01"]);
  });

  it("counts domains, sub-domains, sections, statements and illustrative ones", () => {
    expect(frameworkCounts(tree)).toEqual({ domains: 2, subDomains: 1, sections: 2, statements: 6, illustrative: 5 });
  });

  it("names the archetype badges in the framework's order", () => {
    expect(tree[1].capabilities[0].archetypes.map((a) => a.name)).toEqual(["Shapers", "Drivers", "Creators", "Embedders", "Users"]);
    expect(archetypeBadges("DX", names)).toEqual([{ code: "D", name: "Drivers" }, { code: "X", name: "X" }]);
  });
});

describe("selectStatements", () => {
  const tree = frameworkTree(nodes, capabilities, names);
  const codes = (t: ReturnType<typeof selectStatements>) => allStatements(t).map((c) => c.code);

  it("keeps the statements badged for an archetype, recounting totals and dropping empty nodes", () => {
    const drivers = selectStatements(tree, { archetype: "D" });
    expect(codes(drivers)).toEqual(["1-01", "4-01", "4.1.1-01", "4.1.2-01"]);
    // 4.1 keeps no statement of its own but both sections; 4.1.1 keeps one of two.
    expect(drivers[1].children[0].capabilities).toEqual([]);
    expect([drivers[1].total, drivers[1].children[0].total, drivers[1].children[0].children[0].total]).toEqual([3, 2, 1]);
  });

  it("combines archetype, level and domain, and selects nothing for an unknown archetype", () => {
    expect(codes(selectStatements(tree, { archetype: "S", level: "4" }))).toEqual(["4.1.1-02"]);
    expect(codes(selectStatements(tree, { level: "1", domain: "4" }))).toEqual(["4-01"]);
    const shapersLevel1 = selectStatements(tree, { archetype: "S", level: "1" });
    expect(shapersLevel1.map((d) => d.code)).toEqual(["4"]);
    expect(shapersLevel1[0].children).toEqual([]);
    expect(selectStatements(tree, { archetype: "X" })).toEqual([]);
    expect(selectStatements(tree, {})).toEqual(tree);
  });
});

describe("statementHref", () => {
  it("keeps the filters on a statement's address", () => {
    expect(statementHref("5.1.1-01", "?wave=2026-summer&archetype=U")).toBe("/framework/capabilities/5.1.1-01?wave=2026-summer&archetype=U");
    expect(statementHref("1-01", "")).toBe("/framework/capabilities/1-01");
  });
});
