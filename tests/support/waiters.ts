/**
 * Waiting for something a stream of events will make true: each event calls notify(), and every pending until()
 * re-checks its condition.
 */
export class Waiters {
  readonly #waiters = new Set<() => void>();

  notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /** Resolves once `predicate` holds; rejects after `timeoutMs` with `describe()` in the message. */
  until(predicate: () => boolean, what: string, timeoutMs: number, describe: () => string): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; ${describe()}`));
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }
}

/**
 * Polls `check` until it holds, for conditions no event announces (a file removed, a row in the store). `what` may be
 * a function, for a message that says what the last check saw.
 */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  what: string | (() => string),
  ms = 15_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Lets `ms` pass, for a test that proves something does NOT happen in that time (a reply that must not come, a
 * reconnect that must not be tried). Never to wait for something to happen: wait for that with until() or eventually().
 */
export function letTimePass(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
