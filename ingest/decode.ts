// What kind of file a trust sent, and its text turned into UTF-8 bytes for the CSV parser.
//
// Exports come as Excel writes them: "CSV UTF-8" (byte-order mark), plain "CSV" (Windows-1252),
// "Unicode text" (UTF-16 LE with a byte-order mark, tab-separated), or whatever a survey tool
// writes. A file's encoding is settled before any of its rows is read: a BOM says it outright;
// without one, the whole file is scanned once, and anything that is not valid UTF-8 is read as
// Windows-1252 (so an "é" on the last row of an otherwise ASCII file is still read as "é").
import { isAscii, isUtf8 } from "node:buffer";
import { closeSync, openSync, readSync } from "node:fs";

export type TextEncoding = "utf-8" | "windows-1252" | "utf-16le" | "utf-16be";
export type Delimiter = "," | ";" | "\t";

/** How many bytes are read at a time: large enough that per-chunk costs vanish, small enough to keep memory flat. */
// Small enough that each piece's text is an ordinary young string that dies cheaply: reading a
// 1 M-row file took 0.6–0.75 s in 64 KB pieces against 1.0–1.2 s in 768 KB ones (text of ~1 MB
// and more is also an external string, which V8 searches several times slower).
export const CHUNK_BYTES = 64 << 10;

export type Signature =
  | "excel-workbook" // .xlsx, or another zip-based spreadsheet
  | "zip"
  | "excel-97" // .xls (OLE compound file)
  | "arrow-file"
  | "arrow-stream"
  | "utf-8-bom"
  | "utf-16le-bom"
  | "utf-16be-bom"
  | "none";

/** The kind of file, from its first bytes (whatever its name says). */
export function sniff(head: Buffer): Signature {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x50, 0x4b, 0x03, 0x04)) {
    // A workbook names its parts near the start: [Content_Types].xml and xl/… (Excel), or its mimetype (OpenDocument).
    const names = head.toString("latin1");
    return /\[Content_Types\]\.xml|xl\/|opendocument\.spreadsheet/.test(names) ? "excel-workbook" : "zip";
  }
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return "excel-97";
  if (head.subarray(0, 6).toString("latin1") === "ARROW1") return "arrow-file";
  if (starts(0xff, 0xff, 0xff, 0xff)) return "arrow-stream"; // the IPC stream's continuation marker
  if (starts(0xef, 0xbb, 0xbf)) return "utf-8-bom";
  if (starts(0xff, 0xfe)) return "utf-16le-bom";
  if (starts(0xfe, 0xff)) return "utf-16be-bom";
  return "none";
}

/** How long reading may hold the event loop before letting it turn. */
const TURN_MS = 5;

/** A file's bytes, one fresh buffer per chunk (the CSV parser may keep slices of them). */
export async function* readChunks(file: string, onRead?: (bytes: number) => void): AsyncGenerator<Buffer> {
  // Synchronous reads: a 64 KB piece comes from the page cache in microseconds, while an awaited
  // read waits for the thread pool and left the reading thread idle a quarter of the time. The
  // event loop still turns every few milliseconds (not every piece: each turn costs tens of
  // microseconds), so a loading thread's messages and a server's requests never wait for a file.
  const fd = openSync(file, "r");
  let turned = performance.now();
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      const bytesRead = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) return;
      onRead?.(bytesRead);
      yield bytesRead === CHUNK_BYTES ? buffer : buffer.subarray(0, bytesRead);
      if (performance.now() - turned >= TURN_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        turned = performance.now();
      }
    }
  } finally {
    closeSync(fd);
  }
}

export interface TextScan {
  encoding: "utf-8" | "windows-1252";
  /** Offset of the first NUL byte, or -1: text files never hold one. */
  nulAt: number;
}

/**
 * Reads a file without a BOM once, to know its encoding before any row is read.
 * Measured on a 100 MB export (Node 20, page cache warm, a busy 2-core machine): 25–190 ms, 1–3% of
 * the 5–10 s that parsing it then takes (a streaming fatal TextDecoder took 190–270 ms). isUtf8
 * validates at memory speed, so the cost is mostly reading the file a second time; an ingest
 * saves that read by scanning while it hashes the file (TextScanner, fingerprintFile).
 */
export async function scanText(file: string): Promise<TextScan> {
  const scanner = new TextScanner();
  for await (const chunk of readChunks(file)) if (!scanner.push(chunk)) break;
  return scanner.result();
}

/** scanText a piece at a time, for a pass that reads the whole file anyway (e.g. to hash it). */
export class TextScanner {
  private readonly utf8 = new Utf8Validator();
  private valid = true;
  private offset = 0;
  private nulAt = -1;

  /** Scans the next piece; false once a NUL byte settles the answer. */
  push(chunk: Buffer): boolean {
    if (this.nulAt >= 0) return false;
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      this.nulAt = this.offset + nul;
      return false;
    }
    if (this.valid && this.utf8.push(chunk).failure) this.valid = false;
    this.offset += chunk.length;
    return true;
  }

  result(): TextScan {
    if (this.nulAt < 0 && this.valid && this.utf8.end().failure) this.valid = false;
    return { encoding: this.valid ? "utf-8" : "windows-1252", nulAt: this.nulAt };
  }
}

export type DecodeFailure = "nul" | "not-utf-8" | "odd-length" | "unpaired-surrogate";

export interface Decoded {
  /** UTF-8 text, up to (not including) the first problem when there is one. */
  bytes: Buffer;
  failure?: DecodeFailure;
}

/** Turns a file's chunks into UTF-8 for the CSV parser, dropping the BOM and stopping at the first undecodable byte. */
export interface Decoder {
  push(chunk: Buffer): Decoded;
  end(): Decoded;
}

const EMPTY = Buffer.alloc(0);

/**
 * `checked` says the whole file was scanned already (no BOM): its bytes go to the parser as they
 * are. A UTF-8 file with a BOM is checked on the way instead, saving the second read.
 */
export function createDecoder(encoding: TextEncoding, bom: boolean, checked: boolean): Decoder {
  switch (encoding) {
    case "utf-8":
      return checked ? new Passthrough(bom ? 3 : 0) : new Utf8Validator(bom ? 3 : 0);
    case "windows-1252":
      return new Windows1252Decoder();
    case "utf-16le":
    case "utf-16be":
      return new Utf16Decoder(encoding === "utf-16be", bom ? 2 : 0);
  }
}

class Passthrough implements Decoder {
  constructor(private skip: number) {}
  push(chunk: Buffer): Decoded {
    const bytes = this.skip ? chunk.subarray(this.skip) : chunk;
    this.skip = 0;
    return { bytes };
  }
  end(): Decoded {
    return { bytes: EMPTY };
  }
}

/** Validates UTF-8 chunk by chunk; a character cut by a chunk boundary waits for the next chunk. */
class Utf8Validator implements Decoder {
  private carry: Buffer | null = null;
  constructor(private skip = 0) {}

  push(chunk: Buffer): Decoded {
    if (this.skip) {
      chunk = chunk.subarray(this.skip);
      this.skip = 0;
    }
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = completeUtf8Length(data);
    const body = data.subarray(0, cut);
    this.carry = cut < data.length ? data.subarray(cut) : null;
    const nul = body.indexOf(0);
    const bad = isUtf8(body) ? -1 : firstInvalidUtf8(body);
    if (nul < 0 && bad < 0) return { bytes: body };
    const at = nul >= 0 && (bad < 0 || nul < bad) ? nul : bad;
    return { bytes: body.subarray(0, at), failure: at === nul ? "nul" : "not-utf-8" };
  }

  end(): Decoded {
    return this.carry ? { bytes: EMPTY, failure: "not-utf-8" } : { bytes: EMPTY };
  }
}

/** Length of `data` without a multi-byte character left incomplete at its end. */
function completeUtf8Length(data: Buffer): number {
  const n = data.length;
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = data[i];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead byte
    const length = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + length > n ? i : n;
  }
  return n;
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (Unicode table 3-7), or -1. */
export function firstInvalidUtf8(data: Uint8Array): number {
  const n = data.length;
  for (let i = 0; i < n; ) {
    const b = data[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let more: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) more = 1;
    else if (b === 0xe0) (more = 2), (low = 0xa0);
    else if (b === 0xed) (more = 2), (high = 0x9f);
    else if (b >= 0xe1 && b <= 0xef) more = 2;
    else if (b === 0xf0) (more = 3), (low = 0x90);
    else if (b === 0xf4) (more = 3), (high = 0x8f);
    else if (b >= 0xf1 && b <= 0xf3) more = 3;
    else return i;
    if (i + more >= n || data[i + 1] < low || data[i + 1] > high) return i;
    for (let k = 2; k <= more; k++) if ((data[i + k] & 0xc0) !== 0x80) return i;
    i += more + 1;
  }
  return -1;
}

// Windows-1252 differs from Latin-1 only in 0x80–0x9F; the five bytes it leaves undefined map to
// the C1 controls, as browsers (WHATWG) do. Own table rather than TextDecoder: some Node releases
// decode "windows-1252" as Latin-1.
const CP1252_HIGH =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";
const C1 = /[\x80-\x9f]/g;

export function decodeWindows1252(bytes: Buffer): string {
  const text = bytes.toString("latin1");
  return text.replace(C1, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

class Windows1252Decoder implements Decoder {
  push(chunk: Buffer): Decoded {
    // Every byte is a whole character, so chunks decode independently; ASCII needs no work.
    return { bytes: isAscii(chunk) ? chunk : Buffer.from(decodeWindows1252(chunk), "utf8") };
  }
  end(): Decoded {
    return { bytes: EMPTY };
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** UTF-16 in either byte order; half a character or half a surrogate pair waits for the next chunk. */
class Utf16Decoder implements Decoder {
  private carry: Buffer | null = null;
  constructor(
    private bigEndian: boolean,
    private skip: number,
  ) {}

  push(chunk: Buffer): Decoded {
    if (this.skip) {
      chunk = chunk.subarray(this.skip);
      this.skip = 0;
    }
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const even = data.length & ~1;
    const units = this.bigEndian ? Buffer.from(data.subarray(0, even)).swap16() : data.subarray(0, even);
    let text = units.toString("utf16le");
    let kept = even;
    if (text.length && isHighSurrogate(text.charCodeAt(text.length - 1))) {
      text = text.slice(0, -1);
      kept -= 2;
    }
    this.carry = kept < data.length ? data.subarray(kept) : null;
    const bad = text.search(LONE_SURROGATE);
    const nul = text.indexOf("\0");
    if (nul < 0 && bad < 0) return { bytes: Buffer.from(text, "utf8") };
    const at = nul >= 0 && (bad < 0 || nul < bad) ? nul : bad;
    return { bytes: Buffer.from(text.slice(0, at), "utf8"), failure: at === nul ? "nul" : "unpaired-surrogate" };
  }

  end(): Decoded {
    if (!this.carry) return { bytes: EMPTY };
    return { bytes: EMPTY, failure: this.carry.length % 2 ? "odd-length" : "unpaired-surrogate" };
  }
}

/** The start of a file as text, for choosing the delimiter (undecodable bytes end it early). */
export function decodeHead(head: Buffer, encoding: TextEncoding, bom: boolean): string {
  return createDecoder(encoding, bom, true).push(head).bytes.toString("utf8");
}

/**
 * The delimiter of the header line (the first line with any text): whichever of comma, semicolon
 * and tab occurs most often outside quotes; comma when none does or on a tie.
 */
export function detectDelimiter(text: string): Delimiter {
  const counts = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  let content = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      quoted = !quoted;
      content = true;
    } else if (quoted) {
      continue;
    } else if (c === "\n" || c === "\r") {
      if (content) break;
      counts[","] = counts[";"] = counts["\t"] = 0; // a blank line (perhaps of tabs) is not the header
    } else if (c === "," || c === ";" || c === "\t") {
      counts[c]++;
      if (c !== "\t") content = true;
    } else if (c !== " ") {
      content = true;
    }
  }
  let best: Delimiter = ",";
  for (const d of [";", "\t"] as const) if (counts[d] > counts[best]) best = d;
  return best;
}
