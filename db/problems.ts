// A problem found in a user's file. Messages name where and what was expected; they never carry
// values from columns that could identify a person.
export interface Problem {
  file: string;
  /** 1-based line number in the file, counting the header as line 1. */
  row?: number;
  column?: string;
  message: string;
}

export function formatProblem(p: Problem): string {
  const where = [p.file, p.row !== undefined ? `row ${p.row}` : null, p.column ? `column ${p.column}` : null]
    .filter(Boolean)
    .join(", ");
  return `${where}: ${p.message}`;
}

/** First `limit` problems, then a count of the rest. */
export function formatProblems(problems: Problem[], total = problems.length, limit = 20): string {
  const lines = problems.slice(0, limit).map((p) => `  - ${formatProblem(p)}`);
  if (total > limit) lines.push(`  … and ${total - limit} more problem(s)`);
  return lines.join("\n");
}

/** A user's input was wrong: the CLI exits 1 and prints the problems. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(problems.length ? `${message}\n${formatProblems(problems)}` : message);
  }
}
