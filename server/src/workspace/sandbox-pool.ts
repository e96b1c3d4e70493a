/**
 * Sandboxes started ahead of learners: each a workspace's host parts (disk, cgroup, bubblewrap holder; see
 * workspace-host.ts) for a slot of its own, waiting for a learner's files. A learner arriving takes one and only
 * their files are copied in, so their first prompt does not wait for bwrap, a mount and a cgroup. The pool holds at
 * most `size`, refills one sandbox at a time once takes have paused (learners' own starts go first), releases one
 * whose holder died, and releases all on close. Idle, each costs its holder's three small processes and an empty tmpfs.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.ts';
import type { Identity } from '../sandbox/argv.ts';
import type { Slots } from './slots.ts';
import { releaseHost, type PreparedHost } from './workspace-host.ts';

/** Between two refills: the CPU is left to what learners do for a moment. */
const REFILL_PAUSE_MS = 20;
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
      while (!this.#closing && this.#ready.length < this.#options.size) {
        const wait = Math.max(REFILL_PAUSE_MS, this.#lastTake + QUIET_AFTER_TAKE_MS - Date.now());
        await sleep(wait, undefined, { signal: this.#stop.signal }).catch(() => undefined);
        if (this.#closing) break;
        // A failure is logged and the filling stops: the next take tries again, rather than a loop of failures.
        if (!(await this.#add())) break;
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
