/**
 * Tells a learner, in their terminals, when one of their workspace's limits stopped a program, and logs it. The
 * reason comes from the kernel's own counters for the workspace's cgroup (cgroup-files.ts), never from guessing at
 * a program's exit status.
 *
 * The counters are read only while someone could care: a browser is attached to the workspace or one of its
 * terminals runs a program. Otherwise a tick costs a look at a few in-memory fields. The counters only grow, so
 * what happened while nobody looked is reported at the next look.
 */
import type { WorkspaceLimits } from '../config.ts';
import type { Logger } from '../log.ts';
import { Periodic } from '../periodic.ts';
import type { LimitCounters } from '../sandbox/cgroup-files.ts';
import type { WorkspaceCgroup } from '../sandbox/cgroup.ts';
import type { TerminalSession } from '../terminal/terminal-session.ts';
import type { WorkspaceDisk } from './workspace-disk.ts';

const POLL_MS = 750;
/** A fork loop hits the limit hundreds of times: one notice per burst, a new one after this long without. */
const QUIET_MS = 5000;
const MIB = 1024 * 1024;

type Reason = 'memory' | 'processes' | 'disk';

export interface LimitWatchOptions {
  workspaceId: string;
  cgroup: WorkspaceCgroup | null;
  disk: WorkspaceDisk;
  limits: WorkspaceLimits;
  terminals(): Iterable<TerminalSession>;
  log: Logger;
}

export class LimitWatch {
  readonly #options: LimitWatchOptions;
  readonly #poller = new Periodic(POLL_MS, () => this.check());
  #seen: LimitCounters = { oomKills: 0, forkRefusals: 0 };
  #diskFull = false;
  readonly #lastEvent = new Map<Reason, number>();

  constructor(options: LimitWatchOptions) {
    this.#options = options;
    this.#poller.start();
  }

  stop(): void {
    this.#poller.stop();
  }

  /** Compares the counters with the last look and reports what grew. */
  check(): void {
    const terminals = [...this.#options.terminals()];
    if (!terminals.some((t) => t.attached || t.status === 'running')) return;
    try {
      const { cgroup, disk } = this.#options;
      if (cgroup) {
        const now = cgroup.counters();
        if (now.oomKills > this.#seen.oomKills) this.#report('memory', now.oomKills - this.#seen.oomKills);
        if (now.forkRefusals > this.#seen.forkRefusals) {
          this.#report('processes', now.forkRefusals - this.#seen.forkRefusals);
        }
        this.#seen = now;
      }
      const full = disk.full();
      if (full && !this.#diskFull) this.#report('disk', 1);
      this.#diskFull = full;
    } catch (error) {
      this.#options.log.warn('could not read workspace limit counters', {
        workspace: this.#options.workspaceId,
        error: String(error),
      });
    }
  }

  #report(reason: Reason, count: number): void {
    const { log, workspaceId, terminals } = this.#options;
    log.warn('workspace limit reached', { workspace: workspaceId, limit: reason, count });
    const now = Date.now();
    const last = this.#lastEvent.get(reason);
    this.#lastEvent.set(reason, now);
    if (last !== undefined && now - last < QUIET_MS) return;
    const text = this.#message(reason);
    for (const terminal of terminals()) if (terminal.pid !== null) terminal.notice(text);
  }

  #message(reason: Reason): string {
    const { limits } = this.#options;
    switch (reason) {
      case 'memory':
        return (
          `stopped: this workspace reached its ${limits.memoryBytes / MIB} MiB memory limit (its files count ` +
          'too), and the kernel ended its largest program'
        );
      case 'processes':
        return `a program could not start: this workspace reached its ${limits.processes}-process limit`;
      case 'disk':
        return (
          `the workspace's disk is full: its ${limits.diskBytes / MIB} MiB are for the home, /tmp and /dev/shm ` +
          'together (delete files to make room)'
        );
    }
  }
}
