/**
 * Sandboxes started ahead of learners: each a workspace's host parts (disk, cgroup, bubblewrap holder; see
 * workspace-host.ts) for a slot of its own, waiting for a learner's files. A learner arriving takes one and only their
 * files are copied in, so their first prompts do not wait for bwrap, a mount, a cgroup or their shells. The pool holds
 * at most `size`, refills one sandbox at a time once takes have paused (learners' own starts go first) and at a pace
 * that leaves the CPU to the class, releases one whose holder died, and releases all on close. Idle, each costs its
 * holder's three small processes, an empty tmpfs and its shells started ahead (workspace-host.ts).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.ts';
import type { Identity } from '../sandbox/argv.ts';
import type { Slots } from './slots.ts';
import { releaseHost, type PreparedHost } from './workspace-host.ts';

/** Between two sandboxes started ahead: the CPU is left to what learners do for a moment. */
const REFILL_PAUSE_MS = 20;
/**
 * Once learners have taken sandboxes, refilling takes at most about a tenth of the time: each refill is followed by a
 * pause this many times as long as it took. A refill forks the backend for each of its processes (10-12 ms of its one
 * thread each, on a two-core host) and starts shells; at full pace behind 30 learners who had just arrived, a quiet
 * class's echo p99 went from 15 to 84 ms while it lasted. Before the first take nobody is there to slow down.
 */
const PACE_AFTER_TAKE = 9;
/**
 * No refill until this long after the last take: while a class is arriving, the CPU goes to the learners arriving
 * (a profile of 200 arriving within a second had the refills' mounts and bwraps among them).
 */
const QUIET_AFTER_TAKE_MS = 500;

export interface PooledSandbox {
  slot: number;
  identity: Identity;
  host: PreparedHost;
}

export interface SandboxPoolOptions {
  size: number;
  slots: Slots;
  identityForSlot(slot: number): Identity;
  /** Makes the host parts for `identity`, naming them `name` (prepareHost). */
  prepare(name: string, identity: Identity): Promise<PreparedHost>;
  log: Logger;
}

export class SandboxPool {
  readonly #options: SandboxPoolOptions;
  readonly #ready: PooledSandbox[] = [];
  #filling: Promise<void> | null = null;
  #closing: Promise<void> | null = null;
  /** Date.now() of the last take; 0 before the first. */
  #lastTake = 0;
  /** Ends a refill's wait at once when the pool closes. */
  readonly #stop = new AbortController();

  constructor(options: SandboxPoolOptions) {
    this.#options = options;
  }

  get ready(): number {
    return this.#ready.length;
  }

  /** Starts filling the pool in the background. */
  start(): void {
    this.#fill();
  }

  /** A ready sandbox, now the caller's (with its slot); null when none is ready. Refills behind it. */
  take(): PooledSandbox | null {
    const taken = this.#ready.shift() ?? null;
    this.#lastTake = Date.now();
    this.#fill();
    return taken;
  }

  /** Stops refilling and releases every sandbox not taken, freeing their slots. Idempotent. */
  close(): Promise<void> {
    this.#stop.abort();
    this.#closing ??= (async () => {
      await this.#filling;
      await Promise.all(this.#ready.splice(0).map((pooled) => this.#release(pooled)));
    })();
    return this.#closing;
  }

  #fill(): void {
    if (this.#filling || this.#closing) return;
    this.#filling = (async () => {
      let lastAddMs = 0;
      while (!this.#closing && this.#ready.length < this.#options.size) {
        const paced = this.#lastTake > 0 ? lastAddMs * PACE_AFTER_TAKE : 0;
        const wait = Math.max(REFILL_PAUSE_MS, paced, this.#lastTake + QUIET_AFTER_TAKE_MS - Date.now());
        await sleep(wait, undefined, { signal: this.#stop.signal }).catch(() => undefined);
        if (this.#closing) break;
        const began = performance.now();
        // A failure is logged and the filling stops: the next take tries again, rather than a loop of failures.
        if (!(await this.#add())) break;
        lastAddMs = performance.now() - began;
        if (this.#ready.length === this.#options.size)
          this.#options.log.info('sandbox pool full', { size: this.#ready.length });
      }
    })().finally(() => (this.#filling = null));
  }

  async #add(): Promise<boolean> {
    const { slots, identityForSlot, prepare, log } = this.#options;
    const slot = slots.take();
    const identity = identityForSlot(slot);
    let host: PreparedHost;
    try {
      host = await prepare(`pool-${randomBytes(6).toString('hex')}`, identity);
    } catch (error) {
      slots.free(slot);
      log.warn('could not start a sandbox ahead', { error: String(error) });
      return false;
    }
    const pooled = { slot, identity, host };
    this.#ready.push(pooled);
    // A holder that dies while waiting (killed from the host) is released and replaced.
    void host.runtime.ended.then(() => {
      const at = this.#ready.indexOf(pooled);
      if (at === -1) return;
      this.#ready.splice(at, 1);
      void this.#release(pooled).then(() => this.#fill());
    });
    return true;
  }

  async #release(pooled: PooledSandbox): Promise<void> {
    try {
      await releaseHost(pooled.host);
      this.#options.slots.free(pooled.slot);
    } catch (error) {
      // Its slot stays taken: something of it may still run as that uid.
      this.#options.log.error('could not release a sandbox started ahead', { error: String(error) });
    }
  }
}
