/**
 * A workspace: one learner x one lab. A private home holding a copy of the lab's example files, a runtime (normally
 * a sandbox) and the lab's terminals, which all share that runtime's loopback, processes and files.
 */
import { chown, cp, lchown, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as pty from 'node-pty';
import type { Logger } from '../log.ts';
import { MANIFEST_FILE, type Lab } from '../lessons/lab-catalog.ts';
import type { HostRoot, Identity, SandboxTools } from '../sandbox/argv.ts';
import type { WorkspaceCgroup } from '../sandbox/cgroup.ts';
import type { LabLimits } from '../sandbox/lab-limits.ts';
import { endSession, signalForeground } from '../sandbox/processes.ts';
import { hostRuntime, startSandbox, type WorkspaceRuntime } from '../sandbox/sandbox.ts';
import type { Tunnel } from '../sandbox/tunnel.ts';
import { readTcpSockets } from '../checks/socket-table.ts';
import { WorkspaceChecks } from '../checks/workspace-checks.ts';
import { TerminalSession } from '../terminal/terminal-session.ts';
import type { Store } from '../store/store.ts';
import { LimitWatch } from './limit-watch.ts';
import { fileHelper } from './file-helper.ts';
import { readOriginals, restoreWork, WorkSync } from './work-sync.ts';
import { WorkspaceFiles } from './workspace-files.ts';
import { WorkspaceDisk } from './workspace-disk.ts';

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
  /** Where learners' work is kept across workspaces. */
  store: Store;
  log: Logger;
}

/** What a workspace holds on the host, released by releaseHost. */
interface HostParts {
  runtime: WorkspaceRuntime | null;
  disk: WorkspaceDisk;
  cgroup: WorkspaceCgroup | null;
}

export interface WorkspaceSpec {
  id: string;
  learnerId: string;
  lab: Lab;
  /** The host uid/gid this workspace runs as, when the backend may choose (it runs as root). */
  identity: Identity;
}

export class Workspace {
  readonly id: string;
  /** Resolves when the workspace can no longer run anything, whether closed or its sandbox died. */
  readonly ended: Promise<void>;
  /** Its home's files, for the editor. */
  readonly files: WorkspaceFiles;
  /** The lab's checks, evaluated while someone uses the workspace. */
  readonly checks: WorkspaceChecks;
  readonly #host: HostParts & { runtime: WorkspaceRuntime };
  readonly #log: Logger;
  readonly #terminals: ReadonlyMap<string, TerminalSession>;
  readonly #watch: LimitWatch;
  readonly #work: WorkSync;
  #closing: Promise<void> | null = null;

  private constructor(
    spec: WorkspaceSpec,
    host: HostParts & { runtime: WorkspaceRuntime; root: string },
    env: WorkspaceEnvironment,
    originals: ReadonlyMap<string, Buffer>,
  ) {
    this.id = spec.id;
    this.#host = host;
    const { runtime } = host;
    this.#log = env.log;
    this.ended = runtime.ended;
    this.checks = new WorkspaceChecks({
      checks: spec.lab.manifest.checks,
      learnerId: spec.learnerId,
      labId: spec.lab.id,
      store: env.store.checks,
      sockets: () => readTcpSockets(runtime.netnsPid),
      connect: (port) => this.connect(port),
      readFile: async (file) => (await this.files.open(file)).text,
      changedFiles: () => env.store.work.changedAny(spec.learnerId, spec.lab.id),
      log: env.log,
    });
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
          spawn: ({ cols, rows }) => {
            const shell = runtime.shell();
            return pty.spawn(shell.file, shell.args, {
              name: 'xterm-256color',
              cols,
              rows,
              cwd: shell.cwd,
              env: shell.env,
              encoding: null,
            });
          },
          endSession: (leader) => endSession(leader, HANGUP_GRACE_MS),
          signalForeground,
          watch,
        }),
      ]),
    );
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
    const home = path.join(host.root, 'home');
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

  static async create(spec: WorkspaceSpec, env: WorkspaceEnvironment): Promise<Workspace> {
    const root = path.join(env.dataDir, spec.id);
    const uid = spec.identity?.uid ?? process.getuid?.() ?? 1000;
    const gid = spec.identity?.gid ?? process.getgid?.() ?? 1000;
    const host: HostParts = {
      runtime: null,
      disk: await WorkspaceDisk.create(root, env.limits.diskSpec({ uid, gid })),
      cgroup: null,
    };
    try {
      host.cgroup = await env.limits.createCgroup(spec.id);
      const home = path.join(root, 'home');
      const tmp = path.join(root, 'tmp');
      const shm = path.join(root, 'shm');
      const etc = path.join(root, 'etc');
      await mkdir(tmp, { mode: 0o1777 });
      await mkdir(shm, { mode: 0o1777 });
      await mkdir(etc, { mode: 0o755 });
      await cp(spec.lab.dir, home, {
        recursive: true,
        filter: (source) => path.basename(source) !== MANIFEST_FILE,
      });
      await writeFile(
        path.join(etc, 'passwd'),
        `learner:x:${uid}:${gid}:Socket Lab learner:/home/learner:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
      );
      await writeFile(path.join(etc, 'group'), `learner:x:${gid}:\nnogroup:x:65534:\n`);
      const restored = await restoreWork(home, env.store.work.list(spec.learnerId, spec.lab.id), env.log);
      if (restored > 0) env.log.info('work restored', { lab: spec.lab.id, files: restored });
      if (spec.identity) await chownTree(root, spec.identity.uid, spec.identity.gid);

      const limits = env.limits.processLimits(host.cgroup, spec.identity);
      const runtime = (host.runtime = env.sandboxed
        ? await startSandbox(
            {
              home,
              tmp,
              shm,
              passwd: path.join(etc, 'passwd'),
              group: path.join(etc, 'group'),
              tools: env.tools,
              hostRoot: env.hostRoot,
            },
            spec.identity,
            limits,
            env.log,
          )
        : hostRuntime(home, env.tools, limits, env.log));
      const originals = await readOriginals(spec.lab.dir, MANIFEST_FILE);
      const workspace = new Workspace(spec, { ...host, runtime, root }, env, originals);
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
      try {
        const closed = await Promise.allSettled([...this.#terminals.values()].map((t) => t.close()));
        for (const result of closed) {
          if (result.status === 'rejected')
            this.#log.error('a terminal did not close', { error: String(result.reason) });
        }
      } finally {
        this.#watch.stop();
        this.checks.close();
        // With every program hung up the files are final; they are saved while the sandbox can still read them.
        await this.#work.stop(discard);
        await releaseHost(this.#host);
      }
    })();
    return this.#closing;
  }
}

/**
 * Whatever the terminals left goes (the sandbox's PID namespace), then the files and the disk (a mount can only go
 * once nothing uses it), then the cgroup (rmdir needs it empty). Each step is idempotent, so this is too.
 */
async function releaseHost({ runtime, disk, cgroup }: HostParts): Promise<void> {
  try {
    await runtime?.kill();
    await disk.release();
  } finally {
    await cgroup?.remove();
  }
}

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await chown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(child, uid, gid);
    else await lchown(child, uid, gid);
  }
}
