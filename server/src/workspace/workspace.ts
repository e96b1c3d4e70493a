/**
 * A workspace: one learner x one lab. A private home holding a copy of the lab's example files, a runtime (normally
 * a sandbox) and the lab's terminals, which all share that runtime's loopback, processes and files.
 */
import { chown, cp, lchown, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as pty from 'node-pty';
import type { Logger } from '../log.ts';
import { MANIFEST_FILE, type Lab } from '../lessons/lab-catalog.ts';
import type { Identity, SandboxTools } from '../sandbox/argv.ts';
import { endSession, signalForeground } from '../sandbox/processes.ts';
import { hostRuntime, startSandbox, type WorkspaceRuntime } from '../sandbox/sandbox.ts';
import type { Tunnel } from '../sandbox/tunnel.ts';
import type { Store } from '../store/store.ts';
import { TerminalSession } from '../terminal/terminal-session.ts';
import { readOriginals, restoreWork, WorkSync } from './work-sync.ts';

/** How long a hung-up terminal's programs get to exit before they are killed. */
const HANGUP_GRACE_MS = 1000;

export interface WorkspaceEnvironment {
  /** Parent of all workspace directories. */
  dataDir: string;
  sandboxed: boolean;
  tools: SandboxTools;
  scrollbackBytes: number;
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
}

export class Workspace {
  readonly id: string;
  readonly lab: Lab;
  /** Resolves when the workspace can no longer run anything, whether closed or its sandbox died. */
  readonly ended: Promise<void>;
  readonly #root: string;
  readonly #runtime: WorkspaceRuntime;
  readonly #log: Logger;
  readonly #terminals: ReadonlyMap<string, TerminalSession>;
  readonly #work: WorkSync;
  #closing: Promise<void> | null = null;

  private constructor(
    spec: WorkspaceSpec,
    root: string,
    runtime: WorkspaceRuntime,
    env: WorkspaceEnvironment,
    originals: ReadonlyMap<string, Buffer>,
  ) {
    this.id = spec.id;
    this.lab = spec.lab;
    this.#root = root;
    this.#runtime = runtime;
    this.#log = env.log;
    this.ended = runtime.ended;
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
        }),
      ]),
    );
    let ended = false;
    void runtime.ended.then(() => (ended = true));
    this.#work = new WorkSync({
      store: env.store,
      learnerId: spec.learnerId,
      labId: spec.lab.id,
      home: path.join(root, 'home'),
      originals,
      // Once the sandbox is gone, so is every program that could change the home under the backend's feet.
      command: (argv) => (ended ? null : runtime.command(argv)),
      notify: (text) => {
        for (const terminal of this.#terminals.values()) terminal.notice(text);
      },
      log: env.log,
    });
  }

  static async create(spec: WorkspaceSpec, env: WorkspaceEnvironment): Promise<Workspace> {
    const root = path.join(env.dataDir, spec.id);
    const home = path.join(root, 'home');
    const tmp = path.join(root, 'tmp');
    const etc = path.join(root, 'etc');
    try {
      await mkdir(root, { mode: 0o700 });
      await mkdir(tmp, { mode: 0o1777 });
      await mkdir(etc, { mode: 0o755 });
      await cp(spec.lab.dir, home, {
        recursive: true,
        filter: (source) => path.basename(source) !== MANIFEST_FILE,
      });
      const uid = spec.identity?.uid ?? process.getuid?.() ?? 1000;
      const gid = spec.identity?.gid ?? process.getgid?.() ?? 1000;
      await writeFile(
        path.join(etc, 'passwd'),
        `learner:x:${uid}:${gid}:Socket Lab learner:/home/learner:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
      );
      await writeFile(path.join(etc, 'group'), `learner:x:${gid}:\nnogroup:x:65534:\n`);
      const restored = await restoreWork(home, env.store.work.list(spec.learnerId, spec.lab.id), env.log);
      if (restored > 0) env.log.info('work restored', { lab: spec.lab.id, files: restored });
      if (spec.identity) await chownTree(root, spec.identity.uid, spec.identity.gid);

      const runtime = env.sandboxed
        ? await startSandbox(
            {
              home,
              tmp,
              passwd: path.join(etc, 'passwd'),
              group: path.join(etc, 'group'),
              tools: env.tools,
            },
            spec.identity,
            env.log,
          )
        : hostRuntime(home, env.tools, env.log);
      const workspace = new Workspace(spec, root, runtime, env, await readOriginals(spec.lab.dir, MANIFEST_FILE));
      await workspace.#work.begin();
      return workspace;
    } catch (error) {
      await rm(root, { recursive: true, force: true });
      throw error;
    }
  }

  /** A connection to 127.0.0.1:<port> inside the workspace, for the browser panes. */
  connect(port: number): Tunnel {
    if (this.#closing) throw new Error('the workspace has ended');
    return this.#runtime.connect(port);
  }

  /** Whether someone uses the workspace now: its work is then saved every few seconds, and once more after. */
  setActive(active: boolean): void {
    this.#work.setActive(active);
  }

  terminal(id: string): TerminalSession | undefined {
    return this.#terminals.get(id);
  }

  get terminals(): Iterable<TerminalSession> {
    return this.#terminals.values();
  }

  /**
   * Hangs up every terminal (SIGHUP), saves the learner's work (unless `discard`: "Reset files"), kills whatever is
   * left (SIGKILL, the whole PID namespace when sandboxed) and deletes the workspace's files. Idempotent; every way a
   * workspace ends goes through here.
   */
  close(reason: 'workspace-ended' | null = 'workspace-ended', { discard = false } = {}): Promise<void> {
    this.#closing ??= (async () => {
      try {
        const closed = await Promise.allSettled([...this.#terminals.values()].map((t) => t.close(reason)));
        for (const result of closed) {
          if (result.status === 'rejected')
            this.#log.error('a terminal did not close', { error: String(result.reason) });
        }
      } finally {
        // With every program stopped the files are final; they are saved before they go.
        await this.#work.stop(discard);
        // Whatever the terminals left: the sandbox's PID namespace goes, and its files.
        await this.#runtime.kill();
        await rm(this.#root, { recursive: true, force: true });
      }
    })();
    return this.#closing;
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
