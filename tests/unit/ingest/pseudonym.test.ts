// Respondent pseudonyms (ingest/pseudonym.ts): HMAC-SHA256 of organisation ‖ 0x1F ‖ id, and the key.
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SetupError } from "../../../db/migrate";
import { pseudonymise, pseudonymKey } from "../../../ingest/pseudonym";

const HEX_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"; // 64 hex digits = 32 bytes
const KEY = Buffer.from(HEX_KEY, "hex");

describe("pseudonymise", () => {
  it("is HMAC-SHA256 over organisation, unit separator, id, in hex", () => {
    const expected = createHmac("sha256", KEY).update("RX1\u001fRX1-000123", "utf8").digest("hex");
    expect(pseudonymise(KEY, "RX1", "RX1-000123")).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is stable for the same organisation and id", () => {
    expect(pseudonymise(KEY, "RX1", "42")).toBe(pseudonymise(Buffer.from(HEX_KEY, "hex"), "RX1", "42"));
  });

  it("differs by organisation, by id and by key", () => {
    const base = pseudonymise(KEY, "RX1", "42");
    expect(pseudonymise(KEY, "R0A", "42")).not.toBe(base);
    expect(pseudonymise(KEY, "RX1", "43")).not.toBe(base);
    expect(pseudonymise(Buffer.alloc(32, 1), "RX1", "42")).not.toBe(base);
  });

  it("separates organisation from id, so shifting characters across the boundary changes it", () => {
    expect(pseudonymise(KEY, "RX1", "2345")).not.toBe(pseudonymise(KEY, "RX12", "345"));
  });
});

describe("pseudonymKey", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "capgap-key-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("decodes a hex PSEUDONYM_KEY to its bytes and writes no file", () => {
    const keyFile = path.join(dir, "pseudonym.key");
    expect(pseudonymKey({ PSEUDONYM_KEY: HEX_KEY }, keyFile)).toEqual(KEY);
    expect(pseudonymKey({ PSEUDONYM_KEY: ` ${HEX_KEY.toUpperCase()}\n` }, keyFile)).toEqual(KEY);
    expect(existsSync(keyFile)).toBe(false);
  });

  it("uses a non-hex PSEUDONYM_KEY of 32+ characters as UTF-8 bytes", () => {
    const phrase = "correct horse battery staple, nhs!"; // 34 characters
    expect(pseudonymKey({ PSEUDONYM_KEY: phrase }, path.join(dir, "k"))).toEqual(Buffer.from(phrase, "utf8"));
  });

  // pseudonym.ts:107 decodes any all-hex key as hex; Buffer.from(…, "hex") silently drops a trailing
  // odd digit, so two different configured keys give the same pseudonyms.
  it("uses every character of an odd-length hex key", () => {
    const even = pseudonymKey({ PSEUDONYM_KEY: HEX_KEY }, path.join(dir, "k"));
    const odd = pseudonymKey({ PSEUDONYM_KEY: `${HEX_KEY}7` }, path.join(dir, "k"));
    expect(odd.equals(even)).toBe(false);
  });

  it("refuses a key shorter than 32 characters, even in production", () => {
    expect(() => pseudonymKey({ PSEUDONYM_KEY: "abc123" }, path.join(dir, "k"))).toThrow(SetupError);
    expect(() => pseudonymKey({ PSEUDONYM_KEY: "a".repeat(31), NODE_ENV: "production" }, path.join(dir, "k"))).toThrow(
      /PSEUDONYM_KEY is too short/,
    );
  });

  it("requires PSEUDONYM_KEY in production and creates no file", () => {
    const keyFile = path.join(dir, "pseudonym.key");
    let caught: unknown;
    try {
      pseudonymKey({ NODE_ENV: "production" }, keyFile);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SetupError);
    expect((caught as Error).message).toContain("PSEUDONYM_KEY is not set");
    expect(existsSync(keyFile)).toBe(false);
  });

  it("treats a blank PSEUDONYM_KEY as unset", () => {
    expect(() => pseudonymKey({ PSEUDONYM_KEY: "   ", NODE_ENV: "production" }, path.join(dir, "k"))).toThrow(/is not set/);
  });

  it("outside production creates a 32-byte key file with mode 0600 and reuses it", () => {
    const keyFile = path.join(dir, "nested", "pseudonym.key");
    const first = pseudonymKey({}, keyFile);
    expect(first).toHaveLength(32);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, "utf8")).toBe(`${first.toString("hex")}\n`);
    const second = pseudonymKey({ NODE_ENV: "development" }, keyFile);
    expect(second).toEqual(first);
  });

  // pseudonym.ts:124 decodes whatever the key file holds. An empty file (a crash, or a second process
  // reading between the first one's create and write at line 118) or a non-hex file gives an EMPTY
  // HMAC key, so pseudonyms become computable by anyone, and no error is raised.
  it("refuses a key file that does not hold a hex key", () => {
    const keyFile = path.join(dir, "pseudonym.key");
    writeFileSync(keyFile, "", { mode: 0o600 });
    expect(() => pseudonymKey({}, keyFile)).toThrow();
  });

  it("gives different folders different generated keys", () => {
    const a = pseudonymKey({}, path.join(dir, "a", "pseudonym.key"));
    const b = pseudonymKey({}, path.join(dir, "b", "pseudonym.key"));
    expect(a.equals(b)).toBe(false);
  });

  it("defaults the key file to <DATA_DIR>/pseudonym.key", () => {
    const key = pseudonymKey({ DATA_DIR: dir });
    expect(readFileSync(path.join(dir, "pseudonym.key"), "utf8").trim()).toBe(key.toString("hex"));
  });
});
