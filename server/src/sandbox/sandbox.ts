/**
 * A workspace's runtime: where its terminals' shells run. Normally a bubblewrap sandbox (see argv.ts); with
 * --unsafe-no-sandbox, plain processes on the host.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.ts';
import { captureArgv } from '../capture/capture-argv.ts';
import { settlesWithin, signalProcesses } from './processes.ts';
import { hostTunnel, socatArgv, spawnTunnel, type Tunnel } from './tunnel.ts';
import {
  enterArgv,
  holderArgv,
  learnerEnv,
  privilegePrefix,
  SANDBOX_HOME,
  shellCommand,
  type Identity,
  type Limits,
  type ProcessSpec,
  type SandboxLayout,
  type SandboxTools,
} from './argv.ts';

export interface WorkspaceRuntime {
  /** The interactive shell a terminal runs. */
  shell(): ProcessSpec;
  /** Any other program, run the same way (an argv, never a shell string). */
  command(argv: readonly string[]): ProcessSpec;
  /** Makes a terminal's pty (its host path) the workspace user's own, as login does, so its programs may reopen it. */
  adoptTerminal(ptsPath: string): void;
  /** A connection to 127.0.0.1:<port> on the workspace's own loopback. */
  connect(port: number): Tunnel;
  /** How to capture the workspace's loopback (capture-argv.ts); throws where there is no loopback of its own. */
  captureSpec(): ProcessSpec;
  /** A host pid inside the workspace's network namespace, whose /proc/<pid>/net shows the workspace's sockets. */
  readonly netnsPid: number;
  /** Resolves when the runtime can no longer run anything (its holder died). */
  readonly ended: Promise<void>;
  /** Kills everything still running in it. Idempotent. */
  kill(): Promise<void>;
}

const HOLDER_START_TIMEOUT_MS = 10_000;
const HOLDER_EXIT_GRACE_MS = 2000;
const INFO_FD = 3;

/**
 * Starts a workspace's sandbox. `netEntry` is what its first process runs behind to be made in another network
 * namespace than the backend's (net-parent.ts); [] for the backend's own.
 */
export async function startSandbox(
  layout: SandboxLayout,
  identity: Identity,
  limits: Limits,
  netEntry: readonly string[],
  log: Logger,
): Promise<WorkspaceRuntime> {
  const [file, ...args] = [...netEntry, ...holderArgv(layout, identity, limits, INFO_FD)];
  const holder = spawn(file as string, args, { env: {}, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  const stderr = collectText(holder.stderr, 4096, log);
  for (const stream of [holder.stdin, holder.stdout]) {
    stream?.on('error', (error) => log.warn('sandbox holder pipe error', { error: error.message }));
  }
  const ended = new Promise<void>((resolve) => holder.once('exit', () => resolve()));
  holder.on('error', (error) => log.warn('sandbox holder error', { error: error.message }));

  let holderPid: number;
  try {
    [holderPid] = await Promise.all([readChildPid(holder), echoed(holder, 'ready\n')]);
  } catch (error) {
    holder.kill('SIGKILL');
    await ended;
    const detail = stderr().trim();
    throw new Error(`could not start the sandbox: ${(error as Error).message}${detail ? `: ${detail}` : ''}`, {
      cause: error,
    });
  }

  const bashrc = '/etc/socket-lab/bashrc';
  const spec = (argv: readonly string[]): ProcessSpec => {
    // Once the holder is gone its pid may be reused: nothing may enter "its" namespaces any more.
    if (holder.exitCode !== null || holder.signalCode !== null) throw new Error('the sandbox has ended');
    const [entry, ...rest] = enterArgv(holderPid, identity, limits, argv);
    return { file: entry as string, args: rest, env: learnerEnv(SANDBOX_HOME), cwd: '/' };
  };
  let killing: Promise<void> | null = null;
  return {
    shell: () => spec(shellCommand(bashrc)),
    command: spec,
    adoptTerminal: (ptsPath) => {
      if (identity) chownSync(ptsPath, identity.uid, identity.gid);
    },
    connect: (port) => spawnTunnel(spec(socatArgv(port)), log),
    captureSpec: () => {
      if (holder.exitCode !== null || holder.signalCode !== null) throw new Error('the sandbox has ended');
      const [file, ...rest] = captureArgv(holderPid, limits.cgroup);
      return { file: file as string, args: rest, env: {}, cwd: '/' };
    },
    netnsPid: holderPid,
    ended,
    kill: () => {
      killing ??= (async () => {
        // The gentle way: end cat's input. cat exits, bwrap's init follows it (the kernel then kills whatever is left
        // in the PID namespace), and the outer bwrap reaps the init and exits, leaving nothing behind.
        holder.stdin?.end();
        if (await settlesWithin(ended, HOLDER_EXIT_GRACE_MS)) return;
        // A learner stopped or killed cat. The init is pid 1 of the namespace, so killing it kills all in it; while
        // the outer bwrap lives it has not reaped the init, so the init's pid cannot have been reused.
        if (holder.exitCode === null && holder.signalCode === null) signalProcesses([holderPid], 'SIGKILL');
        // bwrap 0.8's monitor may then wait on its init forever (a blocking read of an eventfd only the init
        // writes), so the outer bwrap is killed too.
        holder.kill('SIGKILL');
        await ended;
      })();
      return killing;
    },
  };
}

/** --unsafe-no-sandbox: shells run on the host as the backend's user, in the workspace's home directory. */
export function hostRuntime(home: string, tools: SandboxTools, limits: Limits, log: Logger): WorkspaceRuntime {
  let endNow!: () => void;
  const ended = new Promise<void>((resolve) => (endNow = resolve));
  const spec = (argv: readonly string[]): ProcessSpec => {
    const [file, ...args] = [...privilegePrefix(null, limits), ...argv];
    return { file: file as string, args, env: learnerEnv(home), cwd: home };
  };
  return {
    shell: () => spec(shellCommand(path.join(tools.filesDir, 'bashrc'))),
    command: spec,
    // The backend's own user already owns it.
    adoptTerminal: () => {},
    connect: (port) => hostTunnel(port, log),
    captureSpec: () => {
      // The host's loopback carries everyone's traffic, the backend's own included: never shown to a learner.
      throw new Error('the wire view needs the sandbox (the lab runs with --unsafe-no-sandbox)');
    },
    // No namespace of its own: the host's sockets are the workspace's.
    netnsPid: process.pid,
    ended,
    kill: async () => endNow(),
  };
}

/** Resolves once the holder's `cat` echoes `line`: then the sandbox is complete. */
function echoed(holder: ChildProcess, line: string): Promise<void> {
  const { stdin, stdout } = holder;
  if (!stdin || !stdout) return Promise.reject(new Error('no holder pipes'));
  return new Promise((resolve, reject) => {
    let text = '';
    const onExit = () => reject(new Error('bwrap exited before the sandbox was ready'));
    holder.once('exit', onExit);
    stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (!text.includes(line)) return;
      holder.removeListener('exit', onExit);
      // Nothing more is read: whatever a learner writes to the holder's stdout later goes nowhere.
      stdout.destroy();
      resolve();
    });
    // stdin stays open: cat, and so the holder, ends when the backend does.
    stdin.write(line);
  });
}

/**
 * bwrap writes `{"child-pid": N, ...}` to the info fd as soon as the sandbox's init exists, then closes it. It is
 * read to the end: closing the pipe early would kill bwrap with SIGPIPE on its next write.
 */
function readChildPid(holder: ChildProcess): Promise<number> {
  const info = holder.stdio[INFO_FD];
  if (!info || !('on' in info)) return Promise.reject(new Error('no info pipe'));
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => finish(new Error('bwrap did not start in time')), HOLDER_START_TIMEOUT_MS);
    const finish = (error: Error | null, pid?: number) => {
      clearTimeout(timer);
      holder.removeListener('exit', onExit);
      if (error) reject(error);
      else resolve(pid as number);
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`bwrap exited (${signal ?? `status ${code}`})`));
    holder.once('exit', onExit);
    info.on('error', (error: Error) => finish(error));
    info.on('data', (chunk: Buffer) => {
      if (text.length < 4096) text += chunk.toString('utf8');
    });
    info.on('end', () => {
      const match = /"child-pid":\s*(\d+)/.exec(text);
      if (match) finish(null, Number(match[1]));
      else finish(new Error(`unexpected bwrap info: ${text.slice(0, 200)}`));
    });
  });
}

function collectText(stream: NodeJS.ReadableStream | null, limit: number, log: Logger): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => {
    if (text.length < limit) text += chunk.toString('utf8').slice(0, limit - text.length);
  });
  stream?.on('error', (error: Error) => log.warn('sandbox holder stderr error', { error: error.message }));
  return () => text;
}
