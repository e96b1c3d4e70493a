/**
 * One workspace's checks, evaluated live from what happens in it, and only while a page is attached (setActive):
 * terminal output is looked at as it arrives (at most every CHECKS.outputEveryMs), files when a scan of the home
 * sees them change, and the socket table (with the probes it leads to) every CHECKS.socketPollMs. While nobody is
 * attached nothing is kept, read or polled. A check passes when all its conditions hold at once; it is recorded in
 * the store and never un-passed.
 */
import type { CaptureSegment } from '#protocol/capture.ts';
import type { Check, CheckKind, CheckState } from '#protocol/checks.ts';
import { CHECKS } from '#protocol/limits.ts';
import type { Logger } from '../log.ts';
import { Periodic } from '../periodic.ts';
import type { Tunnel } from '../sandbox/tunnel.ts';
import type { CheckStore } from '../store/check-store.ts';
import type { FileSignature } from '../workspace/home-files.ts';
import { fileMatches, hasConnections, isListening, outputMatches, segmentMatches } from './conditions.ts';
import { OutputWindow } from './output-window.ts';
import { ProbeSchedule } from './probe-schedule.ts';
import type { TcpSocket } from './socket-table.ts';

export interface WorkspaceChecksOptions {
  checks: readonly Check[];
  learnerId: string;
  labId: string;
  store: Pick<CheckStore, 'passed' | 'pass'>;
  /** The workspace's TCP sockets now. */
  sockets(): Promise<TcpSocket[]>;
  /** A connection to 127.0.0.1:<port> inside the workspace. */
  connect(port: number): Tunnel;
  /** A file of the home as text, read inside the sandbox; null when it is not there or not text. */
  readFile(path: string): Promise<string | null>;
  /** Whether the learner has changed any of the lesson's files (as saved): probes wait for that. */
  changedFiles(): boolean;
  log: Logger;
}

interface Pending {
  check: Check;
  index: number;
  condition: CheckKind;
  key: string;
}

const SOCKET_KINDS = new Set<CheckKind['kind']>(['listening', 'connections', 'tcp-probe', 'http-probe']);

export class WorkspaceChecks {
  readonly #o: WorkspaceChecksOptions;
  readonly #passed: Map<string, number>;
  readonly #listeners = new Set<(state: CheckState) => void>();
  /** Whether each condition (`check/index`) holds, as last seen. Output conditions stay true once seen. */
  readonly #truth = new Map<string, boolean>();
  readonly #windows = new Map<string, OutputWindow>();
  readonly #dirty = new Set<string>();
  /** The stamp each file condition last judged. */
  readonly #stamps = new Map<string, string | null>();
  /**
   * When each check's files last changed (ms): its output conditions count only output that came after, so that a
   * check needing a change and its output is not passed by output from before the change.
   */
  readonly #changed = new Map<string, number>();
  readonly #probes: ProbeSchedule;
  #active = false;
  #closed = false;
  #evaluations = 0;
  #outputTimer: NodeJS.Timeout | null = null;
  readonly #poller = new Periodic(CHECKS.socketPollMs, () => void this.#poll());
  #polling = false;
  #reading: Promise<void> = Promise.resolve();

  constructor(options: WorkspaceChecksOptions) {
    this.#o = options;
    this.#passed = options.store.passed(options.learnerId, options.labId);
    this.#probes = new ProbeSchedule(options);
  }

  /** How many times anything was evaluated: flat while no page is attached. */
  get evaluations(): number {
    return this.#evaluations;
  }

  states(): CheckState[] {
    return this.#o.checks.map((c) => ({ id: c.id, passedAt: this.#passed.get(c.id) ?? null }));
  }

  /** Hears each check as it passes, until the returned function is called. */
  subscribe(listener: (state: CheckState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  setActive(active: boolean): void {
    if (this.#closed || active === this.#active) return;
    this.#active = active;
    if (active) {
      if (this.#pending().some((p) => SOCKET_KINDS.has(p.condition.kind))) {
        this.#poller.start();
      }
      return;
    }
    this.#stopTimers();
    this.#windows.clear();
    this.#dirty.clear();
  }

  /** A terminal's output, as UTF-8. */
  output(terminal: string, utf8: Uint8Array): void {
    if (!this.#active) return;
    if (!this.#pending().some((p) => p.condition.kind === 'output' && (p.condition.terminal ?? terminal) === terminal))
      return;
    let window = this.#windows.get(terminal);
    if (!window) this.#windows.set(terminal, (window = new OutputWindow()));
    window.append(utf8);
    this.#dirty.add(terminal);
    this.#outputTimer ??= setTimeout(() => this.#lookAtOutput(), CHECKS.outputEveryMs);
  }

  /** A segment a wire view of the workspace captured. */
  segment(segment: CaptureSegment): void {
    if (!this.#active) return;
    let seen = false;
    for (const p of this.#pending()) {
      if (p.condition.kind !== 'segment' || this.#truth.get(p.key) || !segmentMatches(segment, p.condition)) continue;
      this.#truth.set(p.key, (seen = true));
    }
    if (seen) this.#settle();
  }

  /** A terminal went idle or busy: a server may have started or stopped, so the sockets are looked at now. */
  statusChanged(): void {
    if (this.#active && this.#poller.running) void this.#poll();
  }

  /** What a scan of the home found: file conditions whose file changed are judged again. */
  scanned(files: ReadonlyMap<string, FileSignature>): void {
    if (!this.#active) return;
    const due: Pending[] = [];
    for (const p of this.#pending()) {
      if (p.condition.kind !== 'file') continue;
      const file = files.get(p.condition.path);
      const stamp = file?.stamp ?? null;
      if (this.#stamps.has(p.key) && this.#stamps.get(p.key) === stamp) continue;
      this.#stamps.set(p.key, stamp);
      this.#changed.set(p.check.id, Math.max(this.#changed.get(p.check.id) ?? 0, file?.changedMs ?? 0));
      due.push(p);
    }
    if (due.length === 0) return;
    this.#reading = this.#reading.then(async () => {
      this.#evaluations += 1;
      for (const p of due) {
        if (p.condition.kind !== 'file' || this.#closed) continue;
        const text = await this.#o.readFile(p.condition.path).catch(() => null);
        this.#truth.set(p.key, fileMatches(text, p.condition));
      }
      // Output seen before the change no longer counts: judged again on what came since.
      const changed = new Set(due.map((p) => p.check.id));
      for (const p of this.#pending()) {
        if (changed.has(p.check.id) && p.condition.kind === 'output') this.#judgeOutput(p, [...this.#windows.keys()]);
      }
      this.#settle();
    });
  }

  close(): void {
    this.#closed = true;
    this.#active = false;
    this.#stopTimers();
    this.#listeners.clear();
  }

  #stopTimers(): void {
    this.#poller.stop();
    if (this.#outputTimer) clearTimeout(this.#outputTimer);
    this.#outputTimer = null;
  }

  /** Every condition of every check not passed yet. */
  #pending(): Pending[] {
    return this.#o.checks
      .filter((check) => !this.#passed.has(check.id))
      .flatMap((check) =>
        check.when.map((condition, index) => ({ check, index, condition, key: `${check.id}/${index}` })),
      );
  }

  #lookAtOutput(): void {
    this.#outputTimer = null;
    if (!this.#active) return;
    this.#evaluations += 1;
    for (const p of this.#pending()) {
      if (p.condition.kind === 'output' && !this.#truth.get(p.key)) this.#judgeOutput(p, [...this.#dirty]);
    }
    this.#dirty.clear();
    this.#settle();
  }

  /** Whether an output condition's pattern is in the output of `terminals` since its check's files changed. */
  #judgeOutput(p: Pending, terminals: readonly string[]): void {
    const c = p.condition;
    if (c.kind !== 'output') return;
    const since = this.#changed.get(p.check.id) ?? 0;
    const looked = c.terminal === undefined ? terminals : terminals.filter((id) => id === c.terminal);
    const seen = looked.some((id) => {
      const window = this.#windows.get(id);
      return window !== undefined && outputMatches(window.plain(since), c);
    });
    this.#truth.set(p.key, seen);
  }

  async #poll(): Promise<void> {
    if (this.#polling || !this.#active) return;
    this.#polling = true;
    try {
      this.#evaluations += 1;
      const sockets = await this.#o.sockets();
      if (!this.#active) return;
      for (const p of this.#pending()) {
        const c = p.condition;
        if (c.kind === 'listening') this.#truth.set(p.key, isListening(sockets, c));
        else if (c.kind === 'connections') {
          // A probe's own connection is not the learner's: while one is out to the port, the count waits.
          if (!this.#probes.running(c.port)) this.#truth.set(p.key, hasConnections(sockets, c));
        } else if (c.kind === 'tcp-probe' || c.kind === 'http-probe') {
          const holds = this.#probes.consider(p.key, c, sockets, (passed) => {
            if (this.#closed) return;
            this.#truth.set(p.key, passed);
            this.#settle();
          });
          if (!holds) this.#truth.set(p.key, false);
        }
      }
      this.#settle();
    } catch (error) {
      this.#o.log.warn('could not read a workspace socket table', { lab: this.#o.labId, error: String(error) });
    } finally {
      this.#polling = false;
    }
  }

  /** Records every pending check whose conditions all hold now, and tells the listeners. */
  #settle(): void {
    if (this.#closed) return;
    for (const check of this.#o.checks) {
      if (this.#passed.has(check.id)) continue;
      if (!check.when.every((_, index) => this.#truth.get(`${check.id}/${index}`) === true)) continue;
      const at = Date.now();
      this.#passed.set(check.id, at);
      try {
        this.#o.store.pass(this.#o.learnerId, this.#o.labId, check.id, at);
      } catch (error) {
        this.#o.log.error('could not record a passed check', { lab: this.#o.labId, error: String(error) });
      }
      this.#o.log.info('check passed', { lab: this.#o.labId, check: check.id });
      for (const listener of this.#listeners) listener({ id: check.id, passedAt: at });
    }
    if (this.#poller.running && !this.#pending().some((p) => SOCKET_KINDS.has(p.condition.kind))) {
      this.#poller.stop();
    }
  }
}
