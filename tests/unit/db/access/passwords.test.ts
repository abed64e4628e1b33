// Password hashing: scrypt hashes that verify only the right password, salted, self-describing.
import { describe, expect, it } from "vitest";
import { hashPassword, MIN_PASSWORD_LENGTH, passwordProblem, randomPassword, verifyPassword } from "../../../../db/access/passwords";

describe("passwords", () => {
  it("verify the right password only, with a new salt each time", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword("correct horse battery staple", hash)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
    expect(await hashPassword("correct horse battery staple")).not.toBe(hash);
  });

  it("treat equivalent Unicode forms as the same password", async () => {
    const composed = "caf\u00e9 au lait, s'il vous pla\u00eet";
    const decomposed = composed.normalize("NFD");
    expect(decomposed).not.toBe(composed);
    expect(await verifyPassword(decomposed, await hashPassword(composed))).toBe(true);
  });

  it("refuse anything that is not one of their hashes", async () => {
    for (const bad of ["", "plain", "bcrypt$x$y", "scrypt$0$8$1$abc$def", "scrypt$32768$8$1$$"]) {
      expect(await verifyPassword("anything", bad), bad).toBe(false);
    }
  });

  it("ask for a long enough password, and make long random ones", () => {
    expect(passwordProblem("x".repeat(MIN_PASSWORD_LENGTH - 1))).toMatch(/at least 12/);
    expect(passwordProblem("x".repeat(MIN_PASSWORD_LENGTH))).toBeNull();
    expect(passwordProblem("x".repeat(1025))).toMatch(/at most/);
    const made = new Set(Array.from({ length: 50 }, randomPassword));
    expect(made.size).toBe(50);
    for (const p of made) expect(passwordProblem(p)).toBeNull();
  });
});
