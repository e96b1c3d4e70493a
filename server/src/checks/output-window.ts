/**
 * The recent output of one terminal, as output checks look at it: the last CHECKS.outputWindowChars characters,
 * decoded as the terminal's UTF-8 stream, with escape sequences and carriage returns taken out when looked at.
 */
import { CHECKS } from '#protocol/limits.ts';

/** CSI, OSC (ended by BEL or ST), and two-character escapes: what a terminal draws with, not what it says. */
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\r/g;

/** Output arriving closer together than this shares one arrival time: plenty to tell before a save from after. */
const ARRIVAL_GRAIN_MS = 100;

export class OutputWindow {
  readonly #limit: number;
  #decoder = new TextDecoder('utf-8');
  #text = '';
  /** When the text arrived: each piece's arrival time and where it ends in #text. */
  #arrivals: { at: number; end: number }[] = [];

  constructor(limit: number = CHECKS.outputWindowChars) {
    this.#limit = limit;
  }

  append(utf8: Uint8Array, at: number = Date.now()): void {
    this.#text += this.#decoder.decode(utf8, { stream: true });
    const last = this.#arrivals.at(-1);
    if (last && at - last.at < ARRIVAL_GRAIN_MS) last.end = this.#text.length;
    else this.#arrivals.push({ at, end: this.#text.length });
    // Twice the limit before cutting: a cut costs a copy, and an escape cut in half is rarely at the start.
    if (this.#text.length > 2 * this.#limit) {
      const cut = this.#text.length - this.#limit;
      this.#text = this.#text.slice(cut);
      this.#arrivals = this.#arrivals.filter((a) => (a.end -= cut) > 0);
    }
  }

  /**
   * The recent output as text a learner would read; only what arrived at or after `since` (ms since the epoch), so
   * that a check can ask for output from a program run after its file was changed.
   */
  plain(since = 0): string {
    let start = 0;
    for (const arrival of this.#arrivals) {
      if (arrival.at >= since) break;
      start = arrival.end;
    }
    return this.#text.slice(Math.max(start, this.#text.length - this.#limit)).replace(ESCAPES, '');
  }
}
