/**
 * The backend as its own process, started the way `scripts/quickstart.sh start` does (node server/src/cli.ts start),
 * for what only a separate process can show: a `kill -9` of the backend, a start that must fail, a project copied
 * into a private folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { PROJECT_ROOT } from './lab-harness.ts';

export interface BackendProcess {
  readonly child: ChildProcess;
  /** e.g. http://127.0.0.1:40123 */
  readonly url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Sends `signal` and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface BackendProcessOptions {
  args: readonly string[];
  /** The project to run from (its server/src/cli.ts); the repository by default. */
  projectRoot?: string;
  /** The Node binary to run it with; this test's by default. */
  node?: string;
  cwd?: string;
}

/** Runs the CLI to its end (a start that is expected to fail), with its exit status and output. */
export function runBackend(options: BackendProcessOptions): Promise<{ code: number | null; output: string }> {
  const child = launch(options);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

/** Starts the backend and resolves once it serves; rejects with its output if it ends first. */
export function startBackendProcess(options: BackendProcessOptions, timeoutMs = 30_000): Promise<BackendProcess> {
  const child = launch(options);
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the backend did not start in time:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /Socket Lab is serving (http:\/\/[^\s/]+)\//.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        child,
        url: match[1] as string,
        output: () => output,
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`the backend exited (${code}) before serving:\n${output}`));
    });
  });
}

function launch({
  args,
  projectRoot = PROJECT_ROOT,
  node = process.execPath,
  cwd,
}: BackendProcessOptions): ChildProcess {
  const child = spawn(node, [`${projectRoot}/server/src/cli.ts`, 'start', '--host', '127.0.0.1', ...args], {
    cwd: cwd ?? projectRoot,
    // What the backend needs of an environment; nothing of the test runner's own settings.
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: os.homedir(), LANG: 'C.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('error', () => {});
  child.stderr?.on('error', () => {});
  return child;
}
