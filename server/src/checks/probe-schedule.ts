/**
 * When a check's probe speaks to the learner's server: once per listening socket, only while none of the learner's
 * own clients is connected to it, only after the learner has changed a file of the lesson, and again (a few times)
 * only if the server did not answer at all.
 */
import { CHECKS } from '#protocol/limits.ts';
import type { Tunnel } from '../sandbox/tunnel.ts';
import { listeners } from './conditions.ts';
import { runProbe, type ProbeKind, type ProbeOutcome } from './probes.ts';
import type { TcpSocket } from './socket-table.ts';

export interface ProbeScheduleOptions {
  /** A connection to 127.0.0.1:<port> inside the workspace. */
  connect(port: number): Tunnel;
  /** Whether the learner has changed any of the lesson's files (as saved). */
  changedFiles(): boolean;
}

interface ProbeState {
  port: number;
  inode: number | null;
  /** Socket polls in a row that saw no client connected to the server. */
  idle: number;
  outcome: ProbeOutcome | null;
  at: number;
  attempts: number;
  running: boolean;
}

export class ProbeSchedule {
  readonly #o: ProbeScheduleOptions;
  /** By the condition's key (`check/index`). */
  readonly #states = new Map<string, ProbeState>();

  constructor(options: ProbeScheduleOptions) {
    this.#o = options;
  }

  /** Whether a probe's own connection is out to `port` now: it is not one of the learner's. */
  running(port: number): boolean {
    return [...this.#states.values()].some((state) => state.port === port && state.running);
  }

  /**
   * Looks at the socket table for the probe of condition `key`, starting it when its time has come; `done` hears
   * whether it passed. False when nothing listens on its port: the condition does not hold.
   */
  consider(key: string, probe: ProbeKind, sockets: readonly TcpSocket[], done: (passed: boolean) => void): boolean {
    const state = this.#states.get(key) ?? {
      port: probe.port,
      inode: null,
      idle: 0,
      outcome: null,
      at: 0,
      attempts: 0,
      running: false,
    };
    this.#states.set(key, state);
    const inode = listeners(sockets, probe.port)[0]?.inode ?? null;
    if (inode === null) {
      Object.assign(state, { inode: null, idle: 0, outcome: null, attempts: 0 });
      return false;
    }
    // While the learner's own clients are connected, a probe would queue behind them (or they behind it, in a
    // server that serves one client at a time) and show up in their `ss`: it waits until the server is free.
    const busy = sockets.some((s) => s.state === 'established' && s.localPort === probe.port);
    state.idle = busy ? 0 : state.idle + 1;
    if (state.running || state.idle < CHECKS.probeIdlePolls) return true;
    // Probes are for checks that need the code changed. A probe speaks to the learner's server, which prints what it
    // gets (and a server that serves one client at a time makes the next one wait): so it waits until the learner
    // has changed something.
    if (!this.#o.changedFiles()) return true;
    const fresh = inode !== state.inode;
    const retry =
      state.outcome === 'silent' &&
      Date.now() - state.at >= CHECKS.probeRetryMs &&
      state.attempts < CHECKS.probeAttempts;
    if (!fresh && !retry) return true;
    if (fresh) Object.assign(state, { inode, attempts: 0 });
    let tunnel: Tunnel;
    try {
      tunnel = this.#o.connect(probe.port);
    } catch {
      return true;
    }
    state.running = true;
    state.attempts += 1;
    void runProbe(tunnel, probe).then((outcome) => {
      Object.assign(state, { outcome, at: Date.now(), running: false });
      done(outcome === 'passed');
    });
    return true;
  }
}
