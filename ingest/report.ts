// The --report file: every problem of a run as CSV (file, row, column, problem). Problems never
// carry values from personal-data columns, so neither does the report.
import { closeSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import { csvCell } from "../db/analytics/formats";
import type { Problem } from "../db/problems";

export class ProblemReport {
  private readonly fd: number;

  constructor(file: string) {
    this.fd = openSync(file, "w");
    writeSync(this.fd, "file,row,column,problem\r\n");
  }

  add(p: Problem): void {
    const cells = [path.basename(p.file), p.row ?? null, p.column ?? null, p.message];
    writeSync(this.fd, `${cells.map(csvCell).join(",")}\r\n`);
  }

  close(): void {
    closeSync(this.fd);
  }
}
