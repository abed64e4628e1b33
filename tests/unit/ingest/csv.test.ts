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

/**
 * Records of `text` read in varying mode, each run of repeating lines expanded back into records,
 * the caller emptying out and runs after every piece (as ingest/read.ts does).
 */
function splitVarying(text: string, varying: number[], cuts: number[] = []): { records: string[][]; runs: number } {
  const splitter = new CsvSplitter(",");
  splitter.varying = varying;
  const records: string[][] = [];
  let runs = 0;
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    const out: string[][] = [];
    const repeats: (string[] | null)[] = [];
    splitter.push(text.slice(from, cut), cut === text.length, out, repeats);
    expect(repeats).toHaveLength(out.length);
    out.forEach((cells, i) => {
      records.push(cells);
      const run = repeats[i];
      if (run === null) return;
      runs++;
      for (let r = 0; r < run.length; r += varying.length) {
        const copy = cells.slice();
        varying.forEach((field, v) => (copy[field] = run[r + v]));
        records.push(copy);
      }
    });
    from = cut;
  }
  return { records, runs };
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
  // A quoted record's text, delimiter or line break and all, then the same text unquoted: more fields, not a repeat.
  ["a quoted field's text again unquoted", 'id,v\n"x,y",1\nx,y,2\n"a\nb",3\na\nb,4\n"p",5\np,6\n'],
];

describe("CsvSplitter", () => {
  it("varying mode: lines repeating the record before but for the varying fields are its run, values in the varying order", () => {
    const splitter = new CsvSplitter(",");
    splitter.varying = [3, 2];
    const out: string[][] = [];
    const runs: (string[] | null)[] = [];
    splitter.push('a,b,1,x\na,b,2,y\na,b,3,z\nc,b,4,w\nc,b,5\nc,"b",6,v\nc,b,7,u\n', false, out, runs);
    expect(out).toEqual([
      ["a", "b", "1", "x"],
      ["c", "b", "4", "w"],
      ["c", "b", "5"], // one field fewer: a record of its own
      ["c", "b", "6", "v"], // quoted: a record of its own
    ]);
    expect(runs).toEqual([["y", "2", "z", "3"], null, null, ["u", "7"]]);
    // Out and runs emptied by the caller: a repeat of the record given out before starts a new one.
    out.length = 0;
    runs.length = 0;
    splitter.push("c,b,8,t\nc,b,9,s\nd,b,9,s\n", true, out, runs);
    expect(out).toEqual([
      ["c", "b", "8", "t"],
      ["d", "b", "9", "s"],
    ]);
    expect(runs).toEqual([["s", "9"], null]);
  });

  it.each(TEXTS)("varying mode, %s: the same records as csv-parse once runs are expanded, however chunked", (_name, text) => {
    const expected = oracle(text);
    expect(splitVarying(text, [1]).records).toEqual(expected);
    for (let i = 0; i <= text.length; i++) expect(splitVarying(text, [1], [i]).records).toEqual(expected);
  });

  it("varying mode on a long export: every respondent's rows after the first are a run, however chunked", () => {
    const lines = ["respondent_id,organisation_code,capability_code,rating,band"];
    for (let r = 0; r < 30; r++) for (let c = 1; c <= 7; c++) lines.push(`R${r},RAL,1-0${c},${(r + c) % 5},${r % 3 ? "Band 5" : ""}`);
    const text = `${lines.join("\r\n")}\r\n`;
    const expected = oracle(text);
    const whole = splitVarying(text, [2, 3]);
    expect(whole.records).toEqual(expected);
    expect(whole.runs).toBe(30);
    for (let i = 0; i <= text.length; i += 7) expect(splitVarying(text, [2, 3], [i]).records).toEqual(expected);
  });


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
