/**
 * The recent output of one terminal, as output checks look at it: the last CHECKS.outputWindowChars characters,
 * decoded as the terminal's UTF-8 stream, with escape sequences and carriage returns taken out when looked at.
 */
import { CHECKS } from '#protocol/limits.ts';

/** CSI, OSC (ended by BEL or ST), and two-character escapes: what a terminal draws with, not what it says. */
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\r/g;

export class OutputWindow {
  readonly #limit: number;
  #decoder = new TextDecoder('utf-8');
  #text = '';

  constructor(limit: number = CHECKS.outputWindowChars) {
    this.#limit = limit;
  }

  append(utf8: Uint8Array): void {
    this.#text += this.#decoder.decode(utf8, { stream: true });
    // Twice the limit before cutting: a cut costs a copy, and an escape cut in half is rarely at the start.
    if (this.#text.length > 2 * this.#limit) this.#text = this.#text.slice(-this.#limit);
  }

  /** The recent output as text a learner would read. */
  plain(): string {
    return this.#text.slice(-this.#limit).replace(ESCAPES, '');
  }

  clear(): void {
    this.#text = '';
    this.#decoder = new TextDecoder('utf-8');
  }
}
