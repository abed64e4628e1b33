// The file reader (ingest/read.ts): every encoding and dialect trusts' tools write, Arrow IPC, the
// files it refuses and why, and row numbers as a spreadsheet shows them. Real files in a temp folder.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  compressionRegistry,
  CompressionType,
  DateDay,
  Dictionary,
  Float64,
  Int32,
  Int64,
  LargeUtf8,
  List,
  Field,
  RecordBatchFileWriter,
  Table,
  tableFromArrays,
  tableToIPC,
  TimestampMillisecond,
  Utf8,
  Bool,
  vectorFromArray,
} from "apache-arrow";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { CHUNK_BYTES, decodeWindows1252 } from "../../../ingest/decode";
import { type CsvRecord, describeFormat, openTable, type OpenOptions, readCsv, SourceError } from "../../../ingest/read";

const dir = mkdtempSync(path.join(os.tmpdir(), "capgap-read-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function write(content: string | Uint8Array, name = `file-${++files}.csv`): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

async function read(file: string, options?: OpenOptions) {
  const table = await openTable(file, options);
  const records: CsvRecord[] = [];
  for await (const batch of table.records) records.push(...batch);
  return { format: table.format, describe: describeFormat(table.format), records, table };
}

const cells = (records: CsvRecord[]) => records.map((r) => r.cells);
const rows = (records: CsvRecord[]) => records.map((r) => r.row);

async function refusal(file: string, options?: OpenOptions): Promise<SourceError> {
  try {
    await read(file, options);
  } catch (error) {
    expect(error).toBeInstanceOf(SourceError);
    return error as SourceError;
  }
  throw new Error(`${file} was read, but should have been refused`);
}

const BOM = "\ufeff";
const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
const utf16be = (text: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()]);

/** Lines of filler ("pad,xxx…") making `prefix` exactly `bytes` long, so the next byte lands where a test needs it. */
function padTo(prefix: Buffer, bytes: number, eol = "\n"): Buffer {
  const lines: string[] = [];
  let left = bytes - prefix.length;
  while (left > 200) {
    lines.push(`pad,${"x".repeat(100 - 4 - eol.length)}${eol}`);
    left -= 100;
  }
  lines.push(`pad,${"y".repeat(left - 4 - eol.length)}${eol}`);
  const out = Buffer.concat([prefix, Buffer.from(lines.join(""), "latin1")]);
  expect(out.length).toBe(bytes);
  return out;
}

describe("encodings", () => {
  it("reads UTF-8 with a BOM, semicolons and CRLF", async () => {
    const { format, describe: text, records } = await read(write(`${BOM}org;group;rating\r\nRAL;Nursing and Midwifery Registered;3\r\nRKE;Médical;4\r\n`));
    expect(format).toEqual({ kind: "csv", encoding: "utf-8", bom: true, delimiter: ";" });
    expect(text).toBe("CSV, UTF-8 with BOM, semicolon-separated");
    expect(cells(records)).toEqual([["org", "group", "rating"], ["RAL", "Nursing and Midwifery Registered", "3"], ["RKE", "Médical", "4"]]);
    expect(rows(records)).toEqual([1, 2, 3]);
  });

  it("reads UTF-8 without a BOM, a character split across read chunks included", async () => {
    const head = padTo(Buffer.from("id,value\n"), CHUNK_BYTES - 1);
    const file = write(Buffer.concat([head, Buffer.from("é-1,£5\n")]));
    const { format, records } = await read(file);
    expect(format).toEqual({ kind: "csv", encoding: "utf-8", bom: false, delimiter: "," });
    expect(records.at(-1)!.cells).toEqual(["é-1", "£5"]);
  });

  it("reads Windows-1252 when the only non-ASCII bytes come after the first megabyte", async () => {
    const head = padTo(Buffer.from("respondent_id,note\r\n"), CHUNK_BYTES + 5000, "\r\n");
    const tail = Buffer.from([...Buffer.from("R-"), 0xe9, 0x30, 0x31, 0x2c, 0xa3, 0x35, 0x20, 0x80, 0x92, 0x0d, 0x0a]);
    const file = write(Buffer.concat([head, tail]));
    const { format, describe: text, records, table } = await read(file);
    expect(format).toEqual({ kind: "csv", encoding: "windows-1252", bom: false, delimiter: "," });
    expect(text).toBe("CSV, Windows-1252, comma-separated");
    expect(records[0].cells).toEqual(["respondent_id", "note"]);
    expect(records.at(-1)!.cells).toEqual(["R-é01", "£5 €’"]);
    expect(records.at(-1)!.row).toBe(records.length);
    expect(table.bytesRead()).toBe(table.size);
  });

  it("decodes the Windows-1252 characters that differ from Latin-1", () => {
    expect(decodeWindows1252(Buffer.from([0x80, 0x85, 0x91, 0x92, 0x93, 0x94, 0x96, 0x97, 0x99, 0x9f, 0xa3, 0xe9]))).toBe("€…‘’“”–—™Ÿ£é");
  });

  it("reads Excel's Unicode text: UTF-16 LE with a BOM, tab-separated", async () => {
    const { format, describe: text, records } = await read(write(utf16le("id\tgroup\tnote\r\nR-1\tMedical and Dental\tcafé 😀\r\n"), "unicode.txt"));
    expect(format).toEqual({ kind: "csv", encoding: "utf-16le", bom: true, delimiter: "\t" });
    expect(text).toBe("CSV, UTF-16 LE, tab-separated");
    expect(cells(records)).toEqual([["id", "group", "note"], ["R-1", "Medical and Dental", "café 😀"]]);
  });

  it("keeps a UTF-16 surrogate pair whole across read chunks", async () => {
    // BOM, header and a run of x's fill the first chunk but for the pair's first half.
    const run = "x".repeat((CHUNK_BYTES - 4) / 2 - "id\tnote\r\n".length);
    const file = write(utf16le(`id\tnote\r\n${run}😀\tend\r\n`));
    expect(Buffer.from([0xff, 0xfe]).length + Buffer.byteLength(`id\tnote\r\n${run}`, "utf16le")).toBe(CHUNK_BYTES - 2);
    const { records } = await read(file);
    expect(cells(records)).toEqual([["id", "note"], [`${run}😀`, "end"]]);
  });

  it("reads UTF-16 BE with a BOM", async () => {
    const { format, records } = await read(write(utf16be("a;b\n1;é\n")));
    expect(format).toEqual({ kind: "csv", encoding: "utf-16be", bom: true, delimiter: ";" });
    expect(cells(records)).toEqual([["a", "b"], ["1", "é"]]);
  });
});

describe("dialects and row numbers", () => {
  it("reads quoted fields holding the delimiter, doubled quotes and line breaks", async () => {
    const { records } = await read(write('id,note,n\r\n"a,b","say ""hi""",1\r\n"two\r\nlines","x\ny",2\r\n"",c,3\r\n'));
    expect(cells(records)).toEqual([["id", "note", "n"], ["a,b", 'say "hi"', "1"], ["two\r\nlines", "x\ny", "2"], ["", "c", "3"]]);
    expect(rows(records)).toEqual([1, 2, 3, 4]);
  });

  it("skips blank rows anywhere but counts them, as a spreadsheet numbers its rows", async () => {
    const text = 'h1,h2\na,1\n\n"multi\nline",2\nb,3\n,\n  ,\nc,4\n\n\n,\n\n';
    const { records } = await read(write(text));
    expect(cells(records)).toEqual([["h1", "h2"], ["a", "1"], ["multi\nline", "2"], ["b", "3"], ["c", "4"]]);
    expect(rows(records)).toEqual([1, 2, 4, 5, 8]);
  });

  it("numbers the header by its row when blank lines come first", async () => {
    const { format, records } = await read(write("\r\n\r\na;b\r\n1;2\r\n"));
    expect(format.kind === "csv" && format.delimiter).toBe(";");
    expect(rows(records)).toEqual([3, 4]);
  });

  it("reads LF, CRLF, lone CR and a mix of them", async () => {
    for (const text of ["a,b\n1,2\n3,4\n", "a,b\r\n1,2\r\n3,4\r\n", "a,b\r1,2\r3,4\r", "a,b\r\n1,2\n3,4\r", "a,b\n1,2\n3,4"]) {
      const { records } = await read(write(text));
      expect(cells(records), JSON.stringify(text)).toEqual([["a", "b"], ["1", "2"], ["3", "4"]]);
      expect(rows(records)).toEqual([1, 2, 3]);
    }
  });

  it("reads a file of many pieces as csv-parse reads it whole: long lines, quoted line breaks and non-ASCII text across every boundary", async () => {
    // A seeded mix of lines, so that line ends, quoted line breaks and multi-byte characters fall
    // on and around many 64 KB piece boundaries.
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const lines = ["respondent_id,note,rating"];
    for (let i = 0; lines.join("\n").length < 6 * CHUNK_BYTES; i++) {
      const kind = random();
      const note =
        kind < 0.6 ? "x".repeat(Math.floor(random() * 40))
        : kind < 0.8 ? `"café, ${"é".repeat(Math.floor(random() * 300))}"`
        : kind < 0.95 ? `"two\nlines ""quoted"" ${"ü".repeat(Math.floor(random() * 20))}"`
        : "y".repeat(2000 + Math.floor(random() * 70_000)); // longer than a piece
      lines.push(`R-${i},${note},${i % 5}`);
    }
    const text = `${lines.join("\n")}\n`;
    const { records, describe } = await read(write(text));
    expect(describe).toBe("CSV, UTF-8, comma-separated");
    expect(cells(records)).toEqual(parse(text, { relax_column_count: true }));
  });

  it("does not split a CRLF that straddles two read chunks", async () => {
    const head = padTo(Buffer.from("a,b\r\n"), CHUNK_BYTES - 1, "\r\n");
    const file = write(Buffer.concat([head.subarray(0, -2), Buffer.from("\r\nlast,row\r\n")]));
    const { records } = await read(file);
    expect(records.at(-1)).toEqual({ row: records.length, cells: ["last", "row"] });
  });

  it("detects the delimiter from the header line, outside quotes", async () => {
    const delimiter = async (text: string) => {
      const { format } = await read(write(text));
      return format.kind === "csv" ? format.delimiter : null;
    };
    expect(await delimiter("a,b,c\n1,2,3\n")).toBe(",");
    expect(await delimiter("a;b;c\n1;2;3\n")).toBe(";");
    expect(await delimiter("a\tb\tc\n1\t2\t3\n")).toBe("\t");
    expect(await delimiter('"x,y,z";b;c\n1;2;3\n')).toBe(";");
    expect(await delimiter('"a\nb;c;d",e,f\n')).toBe(",");
    expect(await delimiter("a,b;c,d\n")).toBe(",");
    expect(await delimiter("just_one_column\n1\n")).toBe(",");
    expect(await delimiter("\n\t\na\tb\n")).toBe("\t");
  });

  it("reads an empty file, a BOM alone and blank lines alone as nothing", async () => {
    for (const content of ["", BOM, "\n\r\n\n", " \n,,\n"]) {
      const { records } = await read(write(content));
      expect(records, JSON.stringify(content)).toEqual([]);
    }
  });

  it("is also available as readCsv", async () => {
    const batches: CsvRecord[][] = [];
    for await (const batch of readCsv(write("a;b\n1;2\n"))) batches.push(batch);
    expect(batches.flat()).toEqual([{ row: 1, cells: ["a", "b"] }, { row: 2, cells: ["1", "2"] }]);
  });
});

describe("row limit", () => {
  it("allows exactly maxRows data rows, blank rows not counted", async () => {
    const { records } = await read(write("h\n1\n\n2\n3\n\n"), { maxRows: 3 });
    expect(records).toHaveLength(4);
  });

  it("refuses the row after the limit, without reading the rest of the file", async () => {
    const file = write(padTo(Buffer.from("a,b\n"), 3 * CHUNK_BYTES));
    const table = await openTable(file, { maxRows: 10 });
    await expect(async () => {
      for await (const _ of table.records);
    }).rejects.toThrow("the file has more than 10 rows; the limit is 10");
    expect(table.bytesRead()).toBeLessThanOrEqual(CHUNK_BYTES);
    const error = await refusal(write("h\n1\n2\n3\n"), { maxRows: 2 });
    expect(error.message).toBe("the file has more than 2 rows; the limit is 2 (raise it with --max-rows or INGEST_MAX_ROWS, or split the file)");
    expect(error.row).toBe(4);
  });
});

describe("repeating rows (OpenOptions.varying)", () => {
  // Rows are read as repeats once the header is known: from the second piece of the file on.
  const filler = Array.from({ length: 8000 }, (_, i) => `P${i},X,1,0\n`).join("");
  const fillerRows = 8000;
  expect(filler.length).toBeGreaterThan(CHUNK_BYTES);
  const text = `id,org,cap,rating\n${filler}A,X,1,4\nA,X,2,3\nA,X,3,2\n\nB,X,1,0\nB,X,2,1\nC,X,1\n`;
  const varying = () => [2, 3];

  it("reads a long file's rows that repeat the one before as its run, numbering every row", async () => {
    const { records } = await read(write(text), { varying });
    const at = 1 + fillerRows;
    expect(records.slice(-3).map((r) => [r.row - at, r.cells, r.repeats ?? null])).toEqual([
      [1, ["A", "X", "1", "4"], ["2", "3", "3", "2"]],
      [5, ["B", "X", "1", "0"], ["2", "1"]],
      [7, ["C", "X", "1"], null], // a field short: not a repeat, and read as it is
    ]);
  });

  it("counts a run's rows against the row limit, naming the first row past it", async () => {
    expect((await read(write(text), { varying, maxRows: fillerRows + 6 })).records.slice(-1)[0].row).toBe(1 + fillerRows + 7);
    const error = await refusal(write(text), { varying, maxRows: fillerRows + 2 });
    expect(error.message).toContain(`the file has more than ${(fillerRows + 2).toLocaleString("en-GB")} rows`);
    expect(error.row).toBe(1 + fillerRows + 3); // A,X,3,2: inside A's run
  });
});

describe("files refused", () => {
  const fixtures = fileURLToPath(new URL("../../fixtures/encodings/", import.meta.url));

  it("refuses an Excel workbook, whatever its name", async () => {
    const workbook = path.join(fixtures, "excel-workbook.xlsx");
    const renamed = path.join(dir, "export.csv");
    copyFileSync(workbook, renamed);
    for (const file of [workbook, renamed]) {
      const error = await refusal(file);
      expect(error.message).toContain("is an Excel workbook, not a CSV file");
      expect(error.message).toContain("save it as CSV UTF-8");
    }
    const zip = await refusal(write(Buffer.concat([Buffer.from("PK\x03\x04\x14\x00\x00\x00\x00\x00", "latin1"), Buffer.from("data.csv")])));
    expect(zip.message).toContain("ZIP archive");
    expect(zip.message).toContain("save it as CSV UTF-8");
  });

  it("refuses a legacy .xls workbook", async () => {
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
    const error = await refusal(write(xls, "old.xls"));
    expect(error.message).toContain("Excel 97-2003 workbook");
    expect(error.message).toContain("save it as CSV UTF-8");
  });

  it("refuses NUL bytes in a file without a UTF-16 BOM before reading any row, even far into it", async () => {
    expect((await refusal(write("a,b\n1,\u00002\n"))).message).toMatch(/contains binary data .*not a CSV text file/);
    const late = write(Buffer.concat([padTo(Buffer.from("a,b\n"), CHUNK_BYTES + 10), Buffer.from([0x31, 0x00, 0x0a])]));
    await expect(openTable(late)).rejects.toThrow(/contains binary data/);
    const fixture = await refusal(path.join(fixtures, "binary.csv"));
    expect(fixture.message).toContain("not a CSV text file");
  });

  it("refuses bytes that are not UTF-8 after a UTF-8 BOM, naming the row", async () => {
    const inRow = await refusal(write(Buffer.concat([Buffer.from(`${BOM}a,b\r\n1,2\r\n3,`), Buffer.from([0xe9, 0x0d, 0x0a, 0x34, 0x2c, 0x35])])));
    expect(inRow.message).toContain("row 3 holds bytes that are not UTF-8");
    expect(inRow.row).toBe(3);
    const startOfRow = await refusal(write(Buffer.concat([Buffer.from(`${BOM}a,b\n1,2\n`), Buffer.from([0xff, 0x2c, 0x32, 0x0a])])));
    expect(startOfRow.row).toBe(3);
    const cutShort = await refusal(write(Buffer.concat([Buffer.from(`${BOM}a,b\n1,`), Buffer.from([0xe2, 0x82])])));
    expect(cutShort.message).toContain("row 2 holds bytes that are not UTF-8");
    const nul = await refusal(write(`${BOM}a,b\n1,2\n\n3,\u0000\n`));
    expect(nul.message).toContain("row 4 contains binary data");
  });

  it("refuses UTF-16 with an odd number of bytes or half a surrogate pair", async () => {
    const odd = await refusal(write(Buffer.concat([utf16le("a\tb\r\n1\t2\r\n"), Buffer.from([0x33])])));
    expect(odd.message).toContain("odd number of bytes");
    const high = await refusal(write(Buffer.concat([utf16le("a\tb\r\n1\t2\r\n3\t"), Buffer.from([0x3d, 0xd8, 0x34, 0x00])])));
    expect(high.message).toContain("row 3 holds a broken UTF-16 LE character");
    const lowAtEnd = await refusal(write(Buffer.concat([utf16le("a\tb\r\n1\t"), Buffer.from([0x00, 0xde])])));
    expect(lowAtEnd.message).toContain("row 2 holds a broken UTF-16 LE character");
    const highAtEnd = await refusal(write(Buffer.concat([utf16le("a\tb\r\n1\t"), Buffer.from([0x3d, 0xd8])])));
    expect(highAtEnd.row).toBe(2);
  });

  it("refuses a quote that is never closed, or stray quotes, naming the row", async () => {
    const unclosed = await refusal(write('a,b\n1,2\n3,"4\n5,6\n'));
    expect(unclosed.message).toBe('a quoted field that starts on row 3 is never closed: check that row for a stray double quote (")');
    expect((await refusal(write('a,b\n1,2"x\n'))).message).toContain("row 2 has a double quote");
    expect((await refusal(write('a,b\n1,2\n\n"x"y,2\n'))).message).toContain("row 4 has text straight after the closing double quote");
  });

  it("refuses Arrow forced on a file that is not Arrow, and CSV forced on Arrow", async () => {
    expect((await refusal(write("a,b\n1,2\n"), { format: "arrow" })).message).toContain("not an Arrow IPC file");
    const arrow = write(tableToIPC(tableFromArrays({ a: Int32Array.from([1]) }), "file"), "t.arrow");
    expect((await refusal(arrow, { format: "csv" })).message).toContain("Arrow IPC format, not CSV text");
  });

  it("refuses a file that cannot be opened", async () => {
    expect((await refusal(path.join(dir, "missing.csv"))).message).toContain("cannot be opened (ENOENT)");
  });
});

describe("Arrow IPC", () => {
  const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
  const table = () =>
    new Table({
      organisation_code: vectorFromArray(["RAL", null, "RKE", "RAL"], new Dictionary(new Utf8(), new Int32())),
      respondent_id: vectorFromArray(["R-1", "R-2", null, "R-4"], new LargeUtf8()),
      rating: vectorFromArray([3, null, 0, 4], new Int32()),
      score: vectorFromArray([3.0, 2.5, null, NaN], new Float64()),
      assessed_on: vectorFromArray([day("2026-05-14"), null, day("2026-06-30"), day("2026-05-01")], new DateDay()),
      completed_at: vectorFromArray([day("2026-05-14"), new Date("2026-05-14T13:45:10.500Z"), null, day("2026-05-01")], new TimestampMillisecond()),
      consented: vectorFromArray([true, false, null, true], new Bool()),
      count: vectorFromArray([1n, null, 9007199254740993n, -2n], new Int64()),
    });
  const expected = [
    ["organisation_code", "respondent_id", "rating", "score", "assessed_on", "completed_at", "consented", "count"],
    ["RAL", "R-1", "3", "3", "2026-05-14", "2026-05-14", "true", "1"],
    ["", "R-2", "", "2.5", "", "2026-05-14T13:45:10", "false", ""],
    ["RKE", "", "0", "", "2026-06-30", "", "", "9007199254740993"],
    ["RAL", "R-4", "4", "", "2026-05-01", "2026-05-01", "true", "-2"],
  ];

  for (const ipc of ["file", "stream"] as const) {
    it(`reads the ${ipc} format: header row 1, values as text`, async () => {
      const file = write(tableToIPC(table(), ipc), `export.${ipc}.arrow`);
      const { format, describe: text, records, table: opened } = await read(file);
      expect(format).toEqual({ kind: "arrow", ipc });
      expect(text).toBe(`Arrow IPC ${ipc}`);
      expect(cells(records)).toEqual(expected);
      expect(rows(records)).toEqual([1, 2, 3, 4, 5]);
      expect(opened.bytesRead()).toBeGreaterThan(opened.size / 2);
      expect(opened.bytesRead()).toBeLessThanOrEqual(opened.size);
      // Forcing Arrow on an Arrow file changes nothing.
      expect(cells((await read(file, { format: "arrow" })).records)).toEqual(expected);
    });
  }

  it("numbers rows on across record batches, and applies the row limit", async () => {
    const two = table().concat(table());
    expect(two.batches).toHaveLength(2);
    // The stream format may replace a dictionary between batches; the file format may not.
    const stream = write(tableToIPC(two, "stream"), "two-batches.arrows");
    const withoutDictionary = two.select(["respondent_id", "rating"]);
    const file = write(tableToIPC(withoutDictionary, "file"), "two-batches.arrow");
    const { records } = await read(stream);
    expect(rows(records)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(records[5].cells).toEqual(expected[1]);
    expect(rows((await read(file)).records)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await read(file, { maxRows: 8 })).records).toHaveLength(9);
    for (const f of [stream, file]) expect((await refusal(f, { maxRows: 7 })).message).toBe("the file has more than 7 rows; the limit is 7 (raise it with --max-rows or INGEST_MAX_ROWS, or split the file)");
  });

  it("reads a header alone when the file has no rows", async () => {
    const empty = new Table({ a: vectorFromArray([], new Utf8()) });
    const { records } = await read(write(tableToIPC(empty, "stream"), "empty.arrows"));
    expect(records).toEqual([{ row: 1, cells: ["a"] }]);
  });

  it("refuses a column with no single text form, naming it", async () => {
    const nested = new Table({
      id: vectorFromArray(["R-1"], new Utf8()),
      answers: vectorFromArray([[1, 2]], new List(new Field("item", new Int32()))),
    });
    const error = await refusal(write(tableToIPC(nested, "file"), "nested.arrow"));
    expect(error.message).toContain('column "answers" holds Arrow type List');
  });

  it("reads LZ4-compressed files (the pandas and R feather default)", async () => {
    // Written by apache-arrow with the LZ4 frame codec that ingest/arrow.ts registers.
    const compressed = RecordBatchFileWriter.writeAll(table(), { compressionType: CompressionType.LZ4_FRAME }).toUint8Array(true);
    expect(cells((await read(write(compressed, "lz4.arrow"))).records)).toEqual(expected);
    // Repetitive columns, as exports are, come out much smaller: the buffers really are compressed.
    const big = new Table({ organisation_code: vectorFromArray(Array.from({ length: 5000 }, () => "RAL"), new Utf8()) });
    const small = RecordBatchFileWriter.writeAll(big, { compressionType: CompressionType.LZ4_FRAME }).toUint8Array(true);
    expect(small.length).toBeLessThan(tableToIPC(big, "file").length * 0.75);
    const bigRecords = (await read(write(small, "lz4-big.arrow"))).records;
    expect(bigRecords).toHaveLength(5001);
    expect(bigRecords[5000].cells).toEqual(["RAL"]);
  });

  it("refuses a damaged file, and a ZSTD-compressed one with advice", async () => {
    const bytes = tableToIPC(table(), "file");
    expect((await refusal(write(bytes.subarray(0, bytes.length >> 1), "cut.arrow"))).message).toContain("Arrow IPC file cannot be read");
    // Written through a stand-in ZSTD encoder (only the compression type matters), then read with no ZSTD codec.
    compressionRegistry.set(CompressionType.ZSTD, { encode: (data: Uint8Array) => Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, ...data]) });
    let compressed: Uint8Array;
    try {
      compressed = RecordBatchFileWriter.writeAll(table(), { compressionType: CompressionType.ZSTD }).toUint8Array(true);
    } finally {
      compressionRegistry.set(CompressionType.ZSTD, null as never);
    }
    expect((await refusal(write(compressed, "zstd.arrow"))).message).toContain('write it uncompressed or with LZ4 (pandas: to_feather(path, compression="uncompressed")');
  });
});

describe("sample exports in tests/fixtures/encodings", () => {
  const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/encodings/${name}`, import.meta.url));
  const HEADER = ["respondent_id", "organisation_code", "staff_group", "archetype", "assessed_on", "capability_code", "rating", "band"];

  it("read as the format each stands for, all with the same 24 rows", async () => {
    const plain = await read(fixture("semicolon.csv"));
    expect(plain.records[0].cells).toEqual(HEADER);
    expect(plain.records).toHaveLength(25);
    // Cells apart from the respondent id and organisation, with line breaks in cells read as spaces.
    const comparable = (records: CsvRecord[]) => records.slice(1).map((r) => [r.cells[2].replace(/\s+/g, " "), ...r.cells.slice(3)]);
    const cases: [string, string, string[] | null][] = [
      ["utf8-bom-semicolon-crlf.csv", "CSV, UTF-8 with BOM, semicolon-separated", null],
      ["windows-1252.csv", "CSV, Windows-1252, comma-separated", ["R-é01", "R-£02", "R-0103"]],
      ["utf16le-tab.txt", "CSV, UTF-16 LE, tab-separated", null],
      ["quoted-multiline.csv", "CSV, UTF-8, comma-separated", ["SURV-2026,0101", 'R-0102 "bank"', "R-0103"]],
      ["semicolon.csv", "CSV, UTF-8, semicolon-separated", null],
      ["trailing-blank-lines.csv", "CSV, UTF-8, comma-separated", null],
    ];
    for (const [name, format, ids] of cases) {
      const { describe: text, records } = await read(fixture(name));
      expect(text, name).toBe(format);
      expect(records, name).toHaveLength(25);
      expect(records[0].cells, name).toEqual(HEADER);
      expect(comparable(records), name).toEqual(comparable(plain.records));
      expect([...new Set(records.slice(1).map((r) => r.cells[0]))], name).toEqual(ids ?? ["R-0101", "R-0102", "R-0103"]);
      const expectedRows = name === "trailing-blank-lines.csv" ? [...Array(9).keys()].map((i) => i + 1).concat([...Array(16).keys()].map((i) => i + 11)) : [...Array(25).keys()].map((i) => i + 1);
      expect(rows(records), name).toEqual(expectedRows);
    }
  });
});
