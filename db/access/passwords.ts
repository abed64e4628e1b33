// Password hashing with scrypt (node:crypto), a memory-hard KDF: N = 2^15, r = 8, p = 1 takes
// 32 MiB and some tens of milliseconds per guess. A hash is self-describing
// (`scrypt$N$r$p$salt$key`, base64url), so the cost can be raised later and old hashes still verify.
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

const COST = { N: 2 ** 15, r: 8, p: 1 };
const KEY_BYTES = 32;
/** Above the default 32 MiB limit: N × r × 128 bytes is exactly 32 MiB. */
const MAX_MEMORY = 64 * 2 ** 20;

/** The shortest password accepted (NCSC: length over complexity rules). */
export const MIN_PASSWORD_LENGTH = 12;

function derive(password: string, salt: Buffer, cost: typeof COST, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, bytes, { ...cost, maxmem: MAX_MEMORY }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST, KEY_BYTES);
  return ["scrypt", COST.N, COST.r, COST.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** Whether `password` matches `hash`; false for anything that is not a hash this module made. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const [kind, n, r, p, salt, key] = hash.split("$");
  if (kind !== "scrypt" || !salt || !key) return false;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (![cost.N, cost.r, cost.p].every((x) => Number.isInteger(x) && x > 0)) return false;
  const expected = Buffer.from(key, "base64url");
  const actual = await derive(password, Buffer.from(salt, "base64url"), cost, expected.length);
  return timingSafeEqual(actual, expected);
}

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `A password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  if (password.length > 1024) return "A password may be at most 1,024 characters long.";
  return null;
}

/** A random password for a new or demo account: 20 characters of base64url (120 bits). */
export function randomPassword(): string {
  return randomBytes(15).toString("base64url");
}
