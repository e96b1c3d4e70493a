/**
 * All live workspaces, keyed by learner and lab. A browser connection leases its workspace; when the last lease is
 * returned the workspace lives on for the idle timeout (a reload or a dropped connection comes back to the same
 * processes) and is then reaped.
 *
 * Each workspace is an entry (workspace-entry.ts) whose state changes in one place, #transition: the only place an
 * entry is unlisted and the only place its slot is freed. A learner's workspaces of one lesson never overlap: the next
 * is made only once the last is gone, its work saved (or, after "Reset files", forgotten).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.ts';
import type { Lab } from '../lessons/lab-catalog.ts';
import type { Identity } from '../sandbox/argv.ts';
import type { WorkStore } from '../store/work-store.ts';
import { Slots } from './slots.ts';
import { canMove, holdsSlot, isListed, type Entry, type EntryState, type ManagedWorkspace } from './workspace-entry.ts';
import type { PreparedHost } from './workspace-host.ts';
import type { Workspace, WorkspaceSpec } from './workspace.ts';

export interface RegistryLimits {
  maxWorkspaces: number;
  maxWorkspacesPerLearner: number;
  idleTimeoutMs: number;
}

export interface RegistryOptions<W extends ManagedWorkspace> {
  limits: RegistryLimits;
  /** Makes a workspace (the lab: Workspace.create); one that fails cleans up after itself before it rejects. */
  createWorkspace(spec: WorkspaceSpec): Promise<W>;
  /** Where learners' work is kept: "Reset files" clears a lesson's. */
  work: Pick<WorkStore, 'clear'>;
  /** The host identity for workspace slot N (N >= 1), or null when every workspace runs as the backend's user. */
  identityForSlot(slot: number): Identity;
  /** Shared with the sandbox pool, when there is one. */
  slots?: Slots;
  /** A sandbox started ahead, with the slot it holds (the workspace keeps it); null when none is ready. */
  takePrepared?(): { slot: number; identity: Identity; host: PreparedHost } | null;
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

export interface Lease<W extends ManagedWorkspace = Workspace> {
  readonly workspace: W;
  /** Returns the lease. Idempotent. */
  release(): void;
}

export class WorkspaceRegistry<W extends ManagedWorkspace = Workspace> {
  readonly #options: RegistryOptions<W>;
  /** Starting and ready entries, by key. */
  readonly #listed = new Map<string, Entry<W>>();
  /** Entries holding a slot (and so a host uid): until a workspace's last process is gone, not just until unlisted. */
  readonly #holding = new Set<Entry<W>>();
  readonly #slots: Slots;
  #shuttingDown = false;

  constructor(options: RegistryOptions<W>) {
    this.#options = options;
    this.#slots = options.slots ?? new Slots();
  }

  get size(): number {
    return this.#listed.size;
  }

  /** Why a new connection of this learner to this lab would be refused, if it would be. */
  check(learnerId: string, lab: Lab): LimitError | null {
    if (this.#shuttingDown) return new LimitError(503, 'the server is shutting down');
    if (this.#listed.has(keyOf(learnerId, lab))) return null;
    const mine = this.#learnerEntries(learnerId);
    const atOwnLimit = mine.length >= this.#options.limits.maxWorkspacesPerLearner;
    if (atOwnLimit && !mine.some((e) => e.leases === 0)) {
      return new LimitError(429, 'too many lessons open at once: close a lesson tab and try again');
    }
    // A learner at their own limit swaps an idle workspace for the new one: the total does not grow.
    if (!atOwnLimit && this.#listed.size >= this.#options.limits.maxWorkspaces) {
      return new LimitError(503, 'the lab is full: too many workspaces are open; try again later');
    }
    return null;
  }

  /** The learner's workspace for this lab, created on first use. */
  async acquire(learnerId: string, lab: Lab): Promise<Lease<W>> {
    const refusal = this.check(learnerId, lab);
    if (refusal) throw refusal;
    const key = keyOf(learnerId, lab);
    let entry = this.#listed.get(key);
    if (!entry) {
      const mine = this.#learnerEntries(learnerId);
      if (mine.length >= this.#options.limits.maxWorkspacesPerLearner) {
        const idlest = mine.filter((e) => e.leases === 0).sort((a, b) => a.lastUsed - b.lastUsed)[0];
        if (idlest) void this.#reap(idlest, 'the learner opened another lesson');
      }
      entry = this.#create(key, learnerId, lab);
    }
    entry.leases += 1;
    entry.lastUsed = Date.now();
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
    const held = entry;
    let workspace: W;
    try {
      workspace = await held.created;
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
        this.#release(held, workspace);
      },
    };
  }

  /**
   * "Reset files": forgets the learner's work in this lesson and ends its workspace without saving, so the next
   * connection gets a fresh one with the lesson's original files. Resolves once the old workspace is gone.
   */
  async resetFiles(learnerId: string, lab: Lab): Promise<void> {
    const key = keyOf(learnerId, lab);
    const listed = this.#listed.get(key);
    if (listed) return this.#reap(listed, 'the learner reset its files', { discard: true });
    // One already closing saves the learner's work as it goes: the rows are cleared after that, not before.
    await this.#whenGone(key);
    this.#options.work.clear(learnerId, lab.id);
  }

  /** Reaps every workspace now (shutdown); resolves once every workspace, also those already closing, is gone. */
  async closeAll(): Promise<void> {
    this.#shuttingDown = true;
    for (const entry of [...this.#listed.values()]) void this.#reap(entry, 'shutdown');
    await Promise.all([...this.#holding].map((e) => e.gone.promise));
  }

  #create(key: string, learnerId: string, lab: Lab): Entry<W> {
    const prepared = this.#options.takePrepared?.() ?? null;
    const slot = prepared?.slot ?? this.#slots.take();
    const spec: WorkspaceSpec = {
      id: `${lab.id}-${randomBytes(6).toString('hex')}`,
      learnerId,
      lab,
      identity: prepared ? prepared.identity : this.#options.identityForSlot(slot),
      prepared: prepared?.host ?? null,
    };
    // The page reconnects as soon as its workspace has ended, while it is still saving (or forgetting) on its way out.
    const created = this.#whenGone(key).then(() => this.#options.createWorkspace(spec));
    const entry: Entry<W> = {
      key,
      learnerId,
      lab,
      slot,
      created,
      state: 'starting',
      leases: 0,
      lastUsed: Date.now(),
      idleTimer: null,
      gone: Promise.withResolvers(),
    };
    this.#listed.set(key, entry);
    this.#holding.add(entry);
    created.then(
      (workspace) => {
        this.#options.log.info('workspace created', { workspace: workspace.id, slot });
        // Reaped while starting: #close closes it now that it exists.
        if (entry.state !== 'starting') return;
        this.#transition(entry, 'ready');
        // The sandbox can die under the workspace (a learner's `kill -9 -1` takes the holder with it).
        workspace.ended.then(
          () => void this.#reap(entry, 'its sandbox ended'),
          (error: unknown) => this.#options.log.error('workspace end', { error: String(error) }),
        );
      },
      (error: unknown) => {
        this.#options.log.error('could not create a workspace', { lab: lab.id, error: String(error) });
        // Reaped while starting: #close ends the entry.
        if (entry.state === 'starting') this.#transition(entry, 'failed');
      },
    );
    return entry;
  }

  #release(entry: Entry<W>, workspace: W): void {
    entry.leases -= 1;
    entry.lastUsed = Date.now();
    if (entry.leases > 0) return;
    workspace.setActive(false);
    if (!isListed(entry.state)) return;
    entry.idleTimer = setTimeout(() => void this.#reap(entry, 'idle'), this.#options.limits.idleTimeoutMs);
    entry.idleTimer.unref();
  }

  /**
   * Starts closing a listed entry; resolves once it is gone. Rejects only when `discard` could not forget the saved
   * work (only "Reset files" discards, and awaits this).
   */
  #reap(entry: Entry<W>, why: string, { discard = false } = {}): Promise<void> {
    if (!isListed(entry.state)) return entry.gone.promise;
    this.#transition(entry, 'closing');
    return this.#close(entry, why, discard);
  }

  /** Closes the workspace once it exists, then forgets its saved work if asked; the entry is then gone. */
  async #close(entry: Entry<W>, why: string, discard: boolean): Promise<void> {
    // One that failed to start has nothing to close (#create reported it).
    const workspace = await entry.created.catch(() => null);
    try {
      if (workspace) {
        try {
          await workspace.close({ discard });
          this.#options.log.info('workspace reaped', { workspace: workspace.id, why });
        } catch (error) {
          this.#options.log.error('workspace cleanup failed', { why, error: String(error) });
        }
      }
      // Before the entry is gone, and so before the lesson's next workspace can restore what was saved.
      if (discard) this.#options.work.clear(entry.learnerId, entry.lab.id);
    } finally {
      this.#transition(entry, workspace ? 'closed' : 'failed');
    }
  }

  /** Resolves once every workspace of this learner and lesson that exists now is gone. */
  async #whenGone(key: string): Promise<void> {
    await Promise.all([...this.#holding].filter((e) => e.key === key).map((e) => e.gone.promise));
  }

  /** The one place an entry changes state: leaving starting/ready unlists it, reaching closed/failed frees its slot. */
  #transition(entry: Entry<W>, next: EntryState): void {
    if (!canMove(entry.state, next)) throw new Error(`workspace ${entry.key}: no way from ${entry.state} to ${next}`);
    const was = entry.state;
    entry.state = next;
    if (isListed(was) && !isListed(next)) {
      this.#listed.delete(entry.key);
      if (entry.idleTimer) clearTimeout(entry.idleTimer);
      entry.idleTimer = null;
    }
    if (!holdsSlot(next)) {
      this.#slots.free(entry.slot);
      this.#holding.delete(entry);
      entry.gone.resolve();
    }
  }

  #learnerEntries(learnerId: string): Entry<W>[] {
    return [...this.#listed.values()].filter((e) => e.learnerId === learnerId);
  }
}

function keyOf(learnerId: string, lab: Lab): string {
  return `${learnerId}/${lab.id}`;
}
