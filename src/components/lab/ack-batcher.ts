/**
 * Acknowledging terminal output the way the page does (the xterm.js flow-control guide): bytes are counted once
 * drawn and acknowledged in batches, so the backend hears from the page once per few kilobytes, not per frame.
 * The benchmarks use this very class, so what they measure is what a learner's page costs.
 */
import { FLOW_CONTROL } from '#protocol/limits.ts';

export class AckBatcher {
  #unacked = 0;
  readonly #send: (bytes: number) => void;

  constructor(send: (bytes: number) => void) {
    this.#send = send;
  }

  /** `bytes` more were drawn. */
  drawn(bytes: number): void {
    this.#unacked += bytes;
    if (this.#unacked < FLOW_CONTROL.ackBatch) return;
    this.#send(this.#unacked);
    this.#unacked = 0;
  }

  /** Acknowledges what is left (the output stopped short of a batch). */
  flush(): void {
    if (this.#unacked > 0) this.#send(this.#unacked);
    this.#unacked = 0;
  }

  /** A new screen: what was counted for the old one is moot. */
  reset(): void {
    this.#unacked = 0;
  }
}
