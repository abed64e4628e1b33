// A Scope is whose figures a caller may see. Every analytics function takes one first; until
// sign-in exists every caller is national, but the parameter is there so no query can forget it.
export type Scope =
  | { kind: "national" }
  | { kind: "region"; code: string }
  | { kind: "icb"; code: string }
  | { kind: "organisation"; code: string };

export const NATIONAL: Scope = { kind: "national" };

export function describeScope(scope: Scope): string {
  return scope.kind === "national" ? "national" : `${scope.kind}:${scope.code}`;
}
