/**
 * A repeating timer whose every wait is drawn at random around its period.
 *
 * Every workspace runs the same periodic work: its socket table for the checks, a scan of its home for work to save,
 * its limit counters. With plain intervals, workspaces that started together, or that one stall of the event loop
 * realigned (Node re-arms an interval from the moment it ran, so all that were due run and re-arm together), do it in
 * the same few milliseconds of every period, and a keystroke arriving then waits behind all of it: 30 learners'
 * workspaces spent 10-25 ms of the backend's CPU in one burst each second (a scheduler trace of bench:classroom).
 * Drawn waits spread the work over the period and keep it spread.
 */

/** Each wait is drawn from period × [1 - SPREAD, 1 + SPREAD]: on average the period. */
export const SPREAD = 0.25;

export class Periodic {
  readonly #periodMs: number;
  readonly #run: () => void;
  readonly #random: () => number;
  #timer: NodeJS.Timeout | null = null;

  /** `random` is Math.random but for tests. Like the intervals it replaces, it never keeps the process alive. */
  constructor(periodMs: number, run: () => void, random: () => number = Math.random) {
    this.#periodMs = periodMs;
    this.#run = run;
    this.#random = random;
  }

  get running(): boolean {
    return this.#timer !== null;
  }

  /** Starts it, the first run one drawn wait from now. Idempotent. */
  start(): void {
    if (!this.#timer) this.#arm();
  }

  /** Idempotent. */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(): void {
    const wait = this.#periodMs * (1 - SPREAD + 2 * SPREAD * this.#random());
    this.#timer = setTimeout(() => {
      this.#arm();
      this.#run();
    }, wait);
    this.#timer.unref();
  }
}
