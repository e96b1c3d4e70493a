/**
 * All live workspaces, keyed by learner and lab. A browser connection leases its workspace; when the last lease is
 * returned the workspace lives on for the idle timeout (a reload or a dropped connection comes back to the same
 * processes) and is then reaped.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.ts';
import type { Lab } from '../lessons/lab-catalog.ts';
import type { Identity } from '../sandbox/argv.ts';
import { Workspace, type WorkspaceEnvironment } from './workspace.ts';

export interface RegistryLimits {
  maxWorkspaces: number;
  maxWorkspacesPerLearner: number;
  idleTimeoutMs: number;
}

export interface RegistryOptions {
  limits: RegistryLimits;
  environment: WorkspaceEnvironment;
  /** The host identity for workspace slot N (N >= 1), or null when every workspace runs as the backend's user. */
  identityForSlot(slot: number): Identity;
  log: Logger;
}

export class LimitError extends Error {
  /** The HTTP status an upgrade refused for this reason gets. */
  readonly status: 429 | 503;
  constructor(status: 429 | 503, message: string) {
    super(message);
    this.status = status;
  }
}

export interface Lease {
  readonly workspace: Workspace;
  /** Returns the lease. Idempotent. */
  release(): void;
}

interface Entry {
  readonly key: string;
  readonly learnerId: string;
  readonly slot: number;
  readonly ready: Promise<Workspace>;
  leases: number;
  lastUsed: number;
  idleTimer: NodeJS.Timeout | null;
}

export class WorkspaceRegistry {
  readonly #options: RegistryOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #closing = new Set<Promise<void>>();
  /** Slots (and so host uids) in use, until a workspace's last process is gone, not just until it is unlisted. */
  readonly #slots = new Set<number>();
  #shuttingDown = false;

  constructor(options: RegistryOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Why a new connection of this learner to this lab would be refused, if it would be. */
  check(learnerId: string, lab: Lab): LimitError | null {
    if (this.#shuttingDown) return new LimitError(503, 'the server is shutting down');
    if (this.#entries.has(keyOf(learnerId, lab))) return null;
    const mine = this.#learnerEntries(learnerId);
    const atOwnLimit = mine.length >= this.#options.limits.maxWorkspacesPerLearner;
    if (atOwnLimit && !mine.some((e) => e.leases === 0)) {
      return new LimitError(429, 'too many lessons open at once: close a lesson tab and try again');
    }
    // A learner at their own limit swaps an idle workspace for the new one: the total does not grow.
    if (!atOwnLimit && this.#entries.size >= this.#options.limits.maxWorkspaces) {
      return new LimitError(503, 'the lab is full: too many workspaces are open; try again later');
    }
    return null;
  }

  /** The learner's workspace for this lab, created on first use. */
  async acquire(learnerId: string, lab: Lab): Promise<Lease> {
    const refusal = this.check(learnerId, lab);
    if (refusal) throw refusal;
    const key = keyOf(learnerId, lab);
    let entry = this.#entries.get(key);
    if (!entry) {
      const mine = this.#learnerEntries(learnerId);
      if (mine.length >= this.#options.limits.maxWorkspacesPerLearner) {
        const idlest = mine.filter((e) => e.leases === 0).sort((a, b) => a.lastUsed - b.lastUsed)[0];
        if (idlest) this.#reap(idlest, 'the learner opened another lesson');
      }
      entry = this.#create(key, learnerId, lab);
    }
    entry.leases += 1;
    entry.lastUsed = Date.now();
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
    const held = entry;
    let workspace: Workspace;
    try {
      workspace = await held.ready;
    } catch (error) {
      held.leases -= 1;
      throw error;
    }
    workspace.setActive(true);
    let released = false;
    return {
      workspace,
      release: () => {
        if (released) return;
        released = true;
        this.#release(held);
      },
    };
  }

  /** Reaps every workspace now (shutdown). */
  async closeAll(): Promise<void> {
    this.#shuttingDown = true;
    for (const entry of [...this.#entries.values()]) this.#reap(entry, 'shutdown');
    await Promise.all([...this.#closing]);
  }

  #create(key: string, learnerId: string, lab: Lab): Entry {
    const slot = this.#freeSlot();
    const ready = Workspace.create(
      {
        id: `${lab.id}-${randomBytes(6).toString('hex')}`,
        learnerId,
        lab,
        identity: this.#options.identityForSlot(slot),
      },
      this.#options.environment,
    );
    const entry: Entry = { key, learnerId, slot, ready, leases: 0, lastUsed: Date.now(), idleTimer: null };
    this.#entries.set(key, entry);
    ready.then(
      (workspace) => {
        this.#options.log.info('workspace created', { workspace: workspace.id, slot });
        // The sandbox can die under the workspace (a learner's `kill -9 -1` takes the holder with it).
        workspace.ended.then(
          () => {
            if (this.#entries.get(key) === entry) this.#reap(entry, 'its sandbox ended');
          },
          (error: unknown) => this.#options.log.error('workspace end', { error: String(error) }),
        );
      },
      (error: unknown) => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
        this.#slots.delete(slot);
        this.#options.log.error('could not create a workspace', { lab: lab.id, error: String(error) });
      },
    );
    return entry;
  }

  /**
   * "Reset files": forgets the learner's work in this lesson and ends its workspace without saving, so the next
   * connection gets a fresh one with the lesson's original files. Resolves once the old workspace is gone.
   */
  async resetFiles(learnerId: string, lab: Lab): Promise<void> {
    const entry = this.#entries.get(keyOf(learnerId, lab));
    // In this order: the page reconnects as soon as its terminals hear the workspace end, and the new workspace
    // must not find the old work still in the store, nor the old one save it again.
    const workspace = entry ? await entry.ready.catch(() => null) : null;
    await workspace?.discardWork();
    this.#options.environment.store.work.clear(learnerId, lab.id);
    if (entry) await this.#reap(entry, 'the learner reset its files', { discard: true });
  }

  #release(entry: Entry): void {
    entry.leases -= 1;
    entry.lastUsed = Date.now();
    if (entry.leases === 0) entry.ready.then((w) => w.setActive(false)).catch(() => {});
    if (entry.leases > 0 || this.#entries.get(entry.key) !== entry) return;
    entry.idleTimer = setTimeout(() => this.#reap(entry, 'idle'), this.#options.limits.idleTimeoutMs);
    entry.idleTimer.unref();
  }

  #reap(entry: Entry, why: string, { discard = false } = {}): Promise<void> {
    if (this.#entries.get(entry.key) !== entry) return Promise.resolve();
    this.#entries.delete(entry.key);
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    const closing = entry.ready
      .then(async (workspace) => {
        await workspace.close({ discard });
        this.#options.log.info('workspace reaped', { workspace: workspace.id, why });
      })
      .catch((error: unknown) => {
        // A workspace that failed to start was already reported by #create; anything else is a failed cleanup.
        this.#options.log.error('workspace cleanup failed', { why, error: String(error) });
      })
      .finally(() => {
        this.#closing.delete(closing);
        this.#slots.delete(entry.slot);
      });
    this.#closing.add(closing);
    return closing;
  }

  #learnerEntries(learnerId: string): Entry[] {
    return [...this.#entries.values()].filter((e) => e.learnerId === learnerId);
  }

  #freeSlot(): number {
    let slot = 1;
    while (this.#slots.has(slot)) slot += 1;
    this.#slots.add(slot);
    return slot;
  }
}

function keyOf(learnerId: string, lab: Lab): string {
  return `${learnerId}/${lab.id}`;
}
