// Respondent ids never reach the database: only HMAC-SHA256(key, organisation ‖ 0x1F ‖ id).
// The same person in the same organisation gets the same pseudonym in every wave, so waves can be
// linked, but without the key the pseudonym cannot be turned back into the trust's id.
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
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
    return Buffer.from(configured, /^[0-9a-f]+$/i.test(configured) ? "hex" : "utf8");
  }
  if (env.NODE_ENV === "production") {
    throw new SetupError(
      "PSEUDONYM_KEY is not set. In production the respondent pseudonym key must come from the environment " +
        "(kept apart from database backups): see docs/security.md.",
    );
  }
  if (!existsSync(keyFile)) {
    mkdirSync(path.dirname(keyFile), { recursive: true });
    try {
      writeFileSync(keyFile, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return Buffer.from(readFileSync(keyFile, "utf8").trim(), "hex");
}
