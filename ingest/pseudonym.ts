// Respondent ids never reach the database: only HMAC-SHA256(key, organisation ‖ 0x1F ‖ id).
// The same person in the same organisation gets the same pseudonym in every wave, so waves can be
// linked, but without the key the pseudonym cannot be turned back into the trust's id.
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { dataDir, type Env } from "../db/client";
import { SetupError } from "../db/migrate";

const UNIT_SEPARATOR = "\x1f";

export function pseudonymise(key: Buffer, organisationCode: string, respondentId: string): string {
  return createHmac("sha256", key).update(organisationCode + UNIT_SEPARATOR + respondentId).digest("hex");
}

/**
 * PSEUDONYM_KEY from the environment (hex or any string of 32+ characters). Outside production a
 * missing key is generated once and kept in data/pseudonym.key; in production it is required.
 */
export function pseudonymKey(env: Env = process.env, keyFile = path.join(dataDir(env), "pseudonym.key")): Buffer {
  const configured = env.PSEUDONYM_KEY?.trim();
  if (configured) {
    if (configured.length < 32) {
      throw new SetupError("PSEUDONYM_KEY is too short: use at least 32 characters (e.g. `openssl rand -hex 32`).");
    }
    // `openssl rand -hex 32` style keys are decoded; anything else is used as its UTF-8 bytes.
    const hex = /^(?:[0-9a-f]{2})+$/i.test(configured) && configured.length >= 64;
    return Buffer.from(configured, hex ? "hex" : "utf8");
  }
  if (env.NODE_ENV === "production") {
    throw new SetupError(
      "PSEUDONYM_KEY is not set. In production the respondent pseudonym key must come from the environment " +
        "(kept apart from database backups): see docs/security.md.",
    );
  }
  if (!existsSync(keyFile)) {
    mkdirSync(path.dirname(keyFile), { recursive: true });
    // Write a complete file aside, then link it into place: the key file appears whole or not at
    // all, and if another process linked theirs first, theirs is used.
    const pending = `${keyFile}.${process.pid}.tmp`;
    writeFileSync(pending, randomBytes(32).toString("hex") + "\n", { mode: 0o600 });
    try {
      linkSync(pending, keyFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      rmSync(pending, { force: true });
    }
  }
  const stored = readFileSync(keyFile, "utf8").trim();
  if (!/^[0-9a-f]{64}$/i.test(stored)) {
    throw new SetupError(
      `${keyFile} does not hold a 64-character hex key. Restore it from where it is kept, or set PSEUDONYM_KEY; ` +
        "a new key starts new pseudonyms, so respondents would no longer match earlier waves (docs/security.md).",
    );
  }
  return Buffer.from(stored, "hex");
}
