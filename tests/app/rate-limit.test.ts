// The sign-in attempt limiter: failures within the window count, success clears, old ones age out.
import { describe, expect, it } from "vitest";
import { AttemptLimiter } from "~/lib/rate-limit.server";

describe("attempt limiter", () => {
  it("allows up to the limit of failures in a window, then says how long to wait", () => {
    const limiter = new AttemptLimiter(3, 60_000);
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter("a", t0 + i)).toBe(0);
      limiter.fail("a", t0 + i);
    }
    // The oldest failure (t0) leaves the window at t0 + 60 s.
    expect(limiter.retryAfter("a", t0 + 10_000)).toBe(50_000);
    expect(limiter.retryAfter("b", t0 + 10_000)).toBe(0);
    expect(limiter.retryAfter("a", t0 + 60_000)).toBe(0);
  });

  it("forgets a key's failures when it succeeds", () => {
    const limiter = new AttemptLimiter(2, 60_000);
    limiter.fail("a", 0);
    limiter.fail("a", 1);
    expect(limiter.retryAfter("a", 2)).toBeGreaterThan(0);
    limiter.succeed("a");
    expect(limiter.retryAfter("a", 3)).toBe(0);
  });
});
