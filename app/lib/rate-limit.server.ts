// Sign-in attempts allowed per key (an email, a client address) within a window: failures count,
// a success clears the key. Kept in this process's memory: one process serves every request, and
// a restart forgetting the counts only gives an attacker back one window's attempts.
export class AttemptLimiter {
  private failures = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Milliseconds until `key` may try again, or 0 when it may now. */
  retryAfter(key: string, now = Date.now()): number {
    const recent = this.recent(key, now);
    return recent.length < this.limit ? 0 : recent[0] + this.windowMs - now;
  }

  fail(key: string, now = Date.now()): void {
    this.failures.set(key, [...this.recent(key, now), now]);
    // Keys whose failures have all aged out are dropped now and then, so the map stays small.
    if (this.failures.size > 10_000) for (const k of this.failures.keys()) if (!this.recent(k, now).length) this.failures.delete(k);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
  }
}
