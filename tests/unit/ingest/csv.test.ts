// The CSV splitter (ingest/csv.ts) against csv-parse as the oracle: the same records for tricky
// files, however the text is cut into chunks, and the same refusals.
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { CsvSplitter, CsvSyntaxError } from "../../../ingest/csv";

/** Records of `text` fed in pieces cut at `cuts`. */
function split(text: string, cuts: number[] = [], delimiter = ","): string[][] {
  const splitter = new CsvSplitter(delimiter);
  const out: string[][] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    splitter.push(text.slice(from, cut), cut === text.length, out);
    from = cut;
  }
  return out;
}

const oracle = (text: string, delimiter = ",") =>
  parse(text, { delimiter, record_delimiter: ["\r\n", "\n", "\r"], relax_column_count: true, skip_empty_lines: false }) as string[][];

const TEXTS: [string, string][] = [
  ["plain LF", "a,b,c\n1,2,3\n4,5,6\n"],
  ["CRLF, no final line end", "a,b\r\n1,2\r\n3,4"],
  ["lone CR and mixed line ends", "a,b\r1,2\n3,4\r\n5,6\r"],
  ["quoted delimiter, doubled quotes, line breaks", 'id,text\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4,"cr\r\nlf",x\n'],
  ["empty fields and quoted empties", 'a,b,c\n,,\n"",x,""\n,\n'],
  ["blank lines", "a,b\n\n1,2\n\r\n\n3,4\n\n\n"],
  ["a quoted field last, then EOF", 'a,b\n1,"x"'],
  ["a trailing delimiter", "a,b,\n1,2,\n"],
  ["non-ASCII", "naam,waarde\nRésumé,£5\n“quoted”,–\n"],
];

describe("CsvSplitter", () => {
  it.each(TEXTS)("%s: the same records as csv-parse, however the text is chunked", (_name, text) => {
    const expected = oracle(text);
    expect(split(text)).toEqual(expected);
    for (let i = 0; i <= text.length; i++) expect(split(text, [i])).toEqual(expected);
    for (let i = 0; i <= text.length; i += 3) for (let j = i; j <= text.length; j += 2) expect(split(text, [i, j])).toEqual(expected);
  });

  it("splits on semicolons and tabs too", () => {
    expect(split('a;b\n"x;y";2\n', [], ";")).toEqual(oracle('a;b\n"x;y";2\n', ";"));
    expect(split("a\tb\n1\t2\n", [5], "\t")).toEqual([["a", "b"], ["1", "2"]]);
  });

  it.each([
    ["a quote never closed", 'a,b\n1,"open\n2,3\n', "CSV_QUOTE_NOT_CLOSED"],
    ["text after a closing quote", 'a,b\n"x"y,2\n', "CSV_INVALID_CLOSING_QUOTE"],
    ["a quote inside an unquoted field", 'a,b\n1,2"x,3\n', "CSV_INVALID_OPENING_QUOTE"],
  ])("refuses %s, after handing over the records before it", (_name, text, code) => {
    const out: string[][] = [];
    const splitter = new CsvSplitter(",");
    let error: unknown;
    try {
      splitter.push(text, true, out);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect((error as CsvSyntaxError).code).toBe(code);
    expect(out).toEqual([["a", "b"]]);
  });

  it("refuses a record longer than the limit, whole or still growing", () => {
    expect(() => new CsvSplitter(",", 10).push("a,b\n0123456789abc\n", true, [])).toThrow(CsvSyntaxError);
    const growing = new CsvSplitter(",", 10);
    expect(() => growing.push('a,"0123456789abcdef', false, [])).toThrow(CsvSyntaxError);
  });
});
