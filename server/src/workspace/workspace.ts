/**
 * A workspace: one learner x one lab. A private home holding a copy of the lab's example files, a runtime (normally
 * a sandbox) and the lab's terminals, which all share that runtime's loopback, processes and files.
 */
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { WorkspaceCaptures } from '../capture/workspace-captures.ts';
import type { Logger } from '../log.ts';
import { MANIFEST_FILE, type Lab } from '../lessons/lab-catalog.ts';
import type { HostRoot, Identity, SandboxTools } from '../sandbox/argv.ts';
import type { LabLimits } from '../sandbox/lab-limits.ts';
import type { NetworkParent } from '../sandbox/net-parent.ts';
import { endSession, endSessionsTogether, signalForeground, type ProcessScope } from '../sandbox/processes.ts';
import type { Tunnel } from '../sandbox/tunnel.ts';
import { readTcpSockets } from '../checks/socket-table.ts';
import { WorkspaceChecks } from '../checks/workspace-checks.ts';
import { TerminalSession } from '../terminal/terminal-session.ts';
import type { Store } from '../store/store.ts';
import { LimitWatch } from './limit-watch.ts';
import { startShell } from './shells.ts';
import { fileHelper } from './file-helper.ts';
import { readOriginals, restoreWork, WorkSync } from './work-sync.ts';
import { WorkspaceFiles } from './workspace-files.ts';
import { chownTree, prepareHost, releaseHost, type PreparedHost } from './workspace-host.ts';

/** How long a hung-up terminal's programs get to exit before they are killed. */
const HANGUP_GRACE_MS = 1000;

export interface WorkspaceEnvironment {
  /** Parent of all workspace directories. */
  dataDir: string;
  sandboxed: boolean;
  tools: SandboxTools;
  /** What of the host's root exists to build sandboxes from, read once at start-up. */
  hostRoot: HostRoot;
  scrollbackBytes: number;
  /** Each workspace's cgroup, disk and process limits. */
  limits: LabLimits;
  /** Where sandboxes are made, to get TCP tables of their own; null: beside the host's. */
  netParent: NetworkParent | null;
  /** Where learners' work is kept across workspaces. */
  store: Store;
  log: Logger;
}

export interface WorkspaceSpec {
  id: string;
  learnerId: string;
  lab: Lab;
  /** The host uid/gid this workspace runs as, when the backend may choose (it runs as root). */
  identity: Identity;
  /** Its sandbox, started ahead by the pool (for `identity`); null: it is started now. */
  prepared: PreparedHost | null;
}

export class Workspace {
  readonly id: string;
  /** Resolves when the workspace can no longer run anything, whether closed or its sandbox died. */
  readonly ended: Promise<void>;
  /** Its home's files, for the editor. */
  readonly files: WorkspaceFiles;
  /** Its wire views' captures of its loopback. */
  readonly captures: WorkspaceCaptures;
  /** The lab's checks, evaluated while someone uses the workspace. */
  readonly checks: WorkspaceChecks;
  readonly #host: PreparedHost;
  readonly #log: Logger;
  /** Where its terminals' processes are looked for (processes.ts). */
  readonly #scope: ProcessScope;
  readonly #terminals: ReadonlyMap<string, TerminalSession>;
  readonly #watch: LimitWatch;
  readonly #work: WorkSync;
  #closing: Promise<void> | null = null;

  private constructor(
    spec: WorkspaceSpec,
    host: PreparedHost,
    env: WorkspaceEnvironment,
    originals: ReadonlyMap<string, Buffer>,
  ) {
    this.id = spec.id;
    this.#host = host;
    const { runtime } = host;
    this.#log = env.log;
    this.ended = runtime.ended;
    const { cgroup } = host;
    const scope = (this.#scope = cgroup ? () => cgroup.processes() : null);
    this.captures = new WorkspaceCaptures(() => runtime.captureSpec(), env.log);
    // A sandbox that dies by itself takes its loopback along; its captures go with it.
    void runtime.ended.then(() => this.captures.stopAll());
    this.checks = new WorkspaceChecks({
      checks: spec.lab.manifest.checks,
      learnerId: spec.learnerId,
      labId: spec.lab.id,
      store: env.store.checks,
      sockets: async () => readTcpSockets(runtime.netnsPid),
      connect: (port) => this.connect(port),
      readFile: async (file) => (await this.files.open(file)).text,
      changedFiles: () => env.store.work.changedAny(spec.learnerId, spec.lab.id),
      log: env.log,
    });
    // A wire view's segments (only while a capture is open: the learner is looking) can prove a check too.
    this.captures.feed.subscribe((segment) => this.checks.segment(segment));
    const watch = {
      output: (terminal: string, utf8: Uint8Array) => this.checks.output(terminal, utf8),
      statusChanged: () => this.checks.statusChanged(),
    };
    this.#terminals = new Map(
      spec.lab.manifest.terminals.map((terminal, channel) => [
        terminal.id,
        new TerminalSession({
          id: terminal.id,
          channel,
          commands: terminal.commands,
          scrollbackBytes: env.scrollbackBytes,
          log: env.log,
          // The first terminals shown take the shells started ahead, if the sandbox came from the pool.
          spawn: (size) =>
            host.shells.find((shell) => shell.waiting)?.take(size) ?? {
              pty: startShell(runtime, size, env.log),
              printed: [],
            },
          endSession: (leader, leaderGone) => endSession(leader, HANGUP_GRACE_MS, scope, leaderGone),
          signalForeground,
          watch,
        }),
      ]),
    );
    // Shells started ahead for more terminals than this lab has would only wait until the workspace ends.
    for (const shell of host.shells.slice(this.#terminals.size)) shell.end();
    this.#watch = new LimitWatch({
      workspaceId: spec.id,
      cgroup: host.cgroup,
      disk: host.disk,
      limits: env.limits.values,
      terminals: () => this.#terminals.values(),
      log: env.log,
    });
    let ended = false;
    void runtime.ended.then(() => (ended = true));
    // Once the sandbox is gone, so is every program that could change the home under the backend's feet.
    const command = (argv: readonly string[]) => (ended ? null : runtime.command(argv));
    const { home } = host;
    this.files = new WorkspaceFiles({
      home,
      originals,
      helper: fileHelper(command, env.tools.filesDir),
      saveWork: () => this.#work.save(),
      log: env.log,
    });
    this.#work = new WorkSync({
      store: env.store,
      learnerId: spec.learnerId,
      labId: spec.lab.id,
      home,
      originals,
      command,
      notify: (text) => {
        for (const terminal of this.#terminals.values()) terminal.notice(text);
      },
      scanned: (files) => {
        this.files.scanned(files);
        this.checks.scanned(files);
      },
      log: env.log,
    });
  }

  /** Fills a sandbox (the pool's, or one started now) with the lesson's files and the learner's restored work. */
  static async create(spec: WorkspaceSpec, env: WorkspaceEnvironment): Promise<Workspace> {
    const host = spec.prepared ?? (await prepareHost(spec.id, spec.identity, env));
    try {
      await cp(spec.lab.dir, host.home, {
        recursive: true,
        filter: (source) => path.basename(source) !== MANIFEST_FILE,
      });
      const restored = await restoreWork(host.home, env.store.work.list(spec.learnerId, spec.lab.id), env.log);
      if (restored > 0) env.log.info('work restored', { lab: spec.lab.id, files: restored });
      if (spec.identity) await chownTree(host.home, spec.identity.uid, spec.identity.gid);
      const originals = await readOriginals(spec.lab.dir, MANIFEST_FILE);
      const workspace = new Workspace(spec, host, env, originals);
      await workspace.#work.begin();
      return workspace;
    } catch (error) {
      await releaseHost(host).catch((cleanup: unknown) =>
        env.log.error('could not clean up a workspace that failed to start', { error: String(cleanup) }),
      );
      throw error;
    }
  }

  /** A connection to 127.0.0.1:<port> inside the workspace, for the browser panes. */
  connect(port: number): Tunnel {
    if (this.#closing) throw new Error('the workspace has ended');
    return this.#host.runtime.connect(port);
  }

  /** Whether someone uses the workspace now: its work is then saved every few seconds, and once more after. */
  setActive(active: boolean): void {
    this.#work.setActive(active);
    this.checks.setActive(active);
  }

  terminal(id: string): TerminalSession | undefined {
    return this.#terminals.get(id);
  }

  get terminals(): Iterable<TerminalSession> {
    return this.#terminals.values();
  }

  /**
   * Hangs up every terminal (SIGHUP), saves the learner's work (unless `discard`: "Reset files"), kills whatever is
   * left (SIGKILL, the whole PID namespace when sandboxed), deletes the workspace's files and disk and removes its
   * cgroup. Idempotent; every way a workspace ends goes through here.
   */
  close({ discard = false } = {}): Promise<void> {
    this.#closing ??= (async () => {
      // Nobody is told of a limit any more: the programs are being ended anyway, and the watch's looks at 200 closing
      // workspaces' counters would only slow the close down.
      this.#watch.stop();
      try {
        const together = endSessionsTogether(HANGUP_GRACE_MS, this.#scope);
        const closed = await Promise.allSettled([...this.#terminals.values()].map((t) => t.close(together)));
        for (const result of closed) {
          if (result.status === 'rejected')
            this.#log.error('a terminal did not close', { error: String(result.reason) });
        }
      } finally {
        // Before the cgroup goes: a capture is in it.
        await this.captures.stopAll();
        this.checks.close();
        // With every program hung up the files are final; they are saved while the sandbox can still read them.
        await this.#work.stop(discard);
        await releaseHost(this.#host);
      }
    })();
    return this.#closing;
  }
}
