// Why a whole file cannot be read, worded for the trust analyst who will fix the export.

export class SourceError extends Error {
  /** The spreadsheet row the reader had reached, when the problem is in one place; the message names it too. */
  readonly row?: number;

  constructor(message: string, row?: number) {
    super(message);
    this.name = "SourceError";
    if (row !== undefined) this.row = row;
  }
}

/** What every "not a CSV file" message ends with: the one export that always works. */
export const SAVE_AS_CSV = "save it as CSV UTF-8 (comma delimited), then load that file";
