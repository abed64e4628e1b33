// Scratch files for a staged file's rows between reading and loading (decision 013). Each is
// unlinked as soon as it is opened: the process keeps it through its descriptor, and the operating
// system frees it when the descriptor closes, however the process ends (SIGKILL included), so a
// crash never leaves staged rows behind, in the database or on disk.
import { closeSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";

const READ_BYTES = 1 << 20;

/** A scratch file as another thread of the process sees it: descriptors are shared by all threads. */
export interface SpillHandle {
  fd: number;
  bytes: number;
}

export class Spill {
  private fd: number;
  private size = 0;
  /** False for a borrowed handle: the thread that made the file closes it. */
  private readonly owner: boolean;

  constructor(kind: string | SpillHandle) {
    if (typeof kind !== "string") {
      this.fd = kind.fd;
      this.size = kind.bytes;
      this.owner = false;
      return;
    }
    const file = path.join(os.tmpdir(), `capgap-${kind}-${process.pid}-${randomBytes(6).toString("hex")}`);
    this.fd = openSync(file, "w+", 0o600);
    unlinkSync(file);
    this.owner = true;
  }

  handle(): SpillHandle {
    return { fd: this.fd, bytes: this.size };
  }

  append(data: Uint8Array): void {
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done, this.size + done);
    this.size += data.length;
  }

  appendText(text: string): void {
    if (text) this.append(Buffer.from(text, "utf8"));
  }

  /** The content from the start, in pieces of about `size` bytes (a fresh buffer each). */
  *chunks(size = READ_BYTES): Generator<Buffer> {
    for (let at = 0; at < this.size; ) {
      const buffer = Buffer.allocUnsafe(Math.min(size, this.size - at));
      let got = 0;
      while (got < buffer.length) got += readSync(this.fd, buffer, got, buffer.length - got, at + got);
      at += got;
      yield buffer;
    }
  }

  /** The content as lines of text, without their line ends. */
  *lines(): Generator<string> {
    const decoder = new TextDecoder("utf-8");
    let pending = "";
    for (const chunk of this.chunks()) {
      const text = pending + decoder.decode(chunk, { stream: true });
      const parts = text.split("\n");
      pending = parts.pop()!;
      yield* parts;
    }
    pending += decoder.decode();
    if (pending) yield pending;
  }

  close(): void {
    if (this.fd >= 0 && this.owner) closeSync(this.fd);
    this.fd = -1;
  }
}

/**
 * The ratings of a staged file as fixed-size records: source row, the respondent's number in the
 * file, capability id and rating. Buffered, so a rating costs a few typed-array stores.
 */
export class RatingSpill {
  static readonly FIELDS = 3;
  private readonly spill: Spill;
  private readonly buffer = new Int32Array(1 << 16);
  private used = 0;
  count = 0;

  /** A new scratch file, or (with a handle) one another thread wrote, read-only here. */
  constructor(from?: SpillHandle & { count: number }) {
    this.spill = new Spill(from ?? "ratings");
    if (from) this.count = from.count;
  }

  handle(): SpillHandle & { count: number } {
    this.flush();
    return { ...this.spill.handle(), count: this.count };
  }

  add(row: number, respondent: number, capabilityId: number, rating: number): void {
    const b = this.buffer;
    b[this.used] = row;
    b[this.used + 1] = respondent;
    // Ratings are 0..4 and capability ids well under 2^27: one integer holds both.
    b[this.used + 2] = capabilityId * 16 + rating;
    this.used += 3;
    this.count++;
    if (this.used === b.length - (b.length % 3)) this.flush();
  }

  flush(): void {
    if (!this.used) return;
    this.spill.append(new Uint8Array(this.buffer.buffer, 0, this.used * 4));
    this.used = 0;
  }

  /** Every rating in the order added, as blocks of RatingSpill.FIELDS integers a rating. */
  *blocks(): Generator<Int32Array> {
    this.flush();
    // Whole records per piece (a multiple of 12 bytes), copied into an aligned buffer.
    for (const chunk of this.spill.chunks(12 << 16)) {
      const ints = new Int32Array(chunk.length / 4);
      new Uint8Array(ints.buffer).set(chunk);
      yield ints;
    }
  }

  close(): void {
    this.spill.close();
  }
}

/** Decodes a RatingSpill record's third field. */
export function capabilityOf(packed: number): number {
  return packed >> 4;
}
export function ratingOf(packed: number): number {
  return packed & 15;
}
