/**
 * Counts failures per key (a client address) in a sliding window: after `limit` failures within `windowMs` the key
 * is blocked until the oldest of them is older than the window. Only failures count, and attempts made while blocked
 * are not tried at all, so they neither count nor reveal anything.
 *
 * Memory is bounded: a key keeps at most `limit` timestamps, expired keys are swept as new ones arrive, and past
 * `maxKeys` the least recently failing keys are forgotten (an attacker with that many addresses gets no further
 * than one with a single address would per address).
 */
export interface FailureLimiterOptions {
  /** Failures allowed within the window; the next attempt is refused. */
  limit: number;
  windowMs: number;
  /** Keys remembered at once. */
  maxKeys?: number;
  now?: () => number;
}

export class FailureLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  /** Failure times per key, oldest first; a Map iterates in insertion order, so re-inserting marks recent use. */
  readonly #failures = new Map<string, number[]>();

  constructor({ limit, windowMs, maxKeys = 10_000, now = Date.now }: FailureLimiterOptions) {
    if (!(limit >= 1 && windowMs > 0 && maxKeys >= 1)) throw new RangeError('a limiter needs limit, window and keys');
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#maxKeys = maxKeys;
    this.#now = now;
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  retryAfterMs(key: string): number {
    const recent = this.#recent(key);
    if (recent.length < this.#limit) return 0;
    return (recent[recent.length - this.#limit] as number) + this.#windowMs - this.#now();
  }

  /** Records a failure for `key`. */
  fail(key: string): void {
    const recent = this.#recent(key);
    recent.push(this.#now());
    this.#failures.delete(key);
    this.#failures.set(key, recent.slice(-this.#limit));
    // Trimmed to nine tenths, so a full table is swept once per many failures rather than on each.
    if (this.#failures.size > this.#maxKeys) this.#sweep(Math.max(1, Math.floor(this.#maxKeys * 0.9)));
  }

  /** Keys with failures still in the window (for tests and the log). */
  get size(): number {
    this.#sweep(this.#maxKeys);
    return this.#failures.size;
  }

  #recent(key: string): number[] {
    const since = this.#now() - this.#windowMs;
    return (this.#failures.get(key) ?? []).filter((time) => time > since);
  }

  /** Forgets expired keys, then the least recently failing ones down to `keep`. */
  #sweep(keep: number): void {
    const since = this.#now() - this.#windowMs;
    for (const [key, times] of this.#failures) {
      if ((times[times.length - 1] ?? 0) <= since) this.#failures.delete(key);
    }
    for (const key of this.#failures.keys()) {
      if (this.#failures.size <= keep) break;
      this.#failures.delete(key);
    }
  }
}
