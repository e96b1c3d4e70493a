/**
 * A lab page's view of its checks, for tests: the states the backend sends on connect and each pass after, through the
 * page's own LabSocket, to wait on ("it passes") or to look at after a while ("it stays unchecked").
 */
import assert from 'node:assert/strict';
import type { CheckState } from '#protocol/checks.ts';
import type { LabSocket } from '../../src/components/lab/lab-socket.ts';
import { letTimePass, Waiters } from './waiters.ts';

export class ChecksProbe {
  /** Check id -> when it passed (null: not yet); empty until the backend has spoken. */
  readonly states = new Map<string, number | null>();
  readonly #waiters = new Waiters();

  /** Listens on `socket`: before it opens, so that the first states are heard. */
  listen(socket: LabSocket): void {
    socket.listenChecks({
      states: (checks: readonly CheckState[]) => {
        for (const check of checks) this.states.set(check.id, check.passedAt);
        this.#waiters.notify();
      },
      passed: (check: CheckState) => {
        this.states.set(check.id, check.passedAt);
        this.#waiters.notify();
      },
    });
  }

  passed(id: string): boolean {
    return this.states.get(id) != null;
  }

  /** Waits until check `id` has passed. */
  async passes(id: string, timeoutMs = 20_000): Promise<void> {
    await this.#waiters.until(
      () => this.passed(id),
      `check "${id}" to pass`,
      timeoutMs,
      () => this.#seen(),
    );
  }

  /** Waits until the backend has said where the checks stand, then asserts that `id` has not passed. */
  async unchecked(id: string): Promise<void> {
    await this.#waiters.until(
      () => this.states.has(id),
      `the state of check "${id}"`,
      10_000,
      () => this.#seen(),
    );
    assert.ok(!this.passed(id), `check "${id}" should not have passed: ${this.#seen()}`);
  }

  /** Lets the backend look for `ms` (a few socket polls, an output look, a file scan), then asserts `id` has not passed. */
  async staysUnchecked(id: string, ms = 4000): Promise<void> {
    await letTimePass(ms);
    await this.unchecked(id);
  }

  #seen(): string {
    return JSON.stringify(Object.fromEntries(this.states));
  }
}
