/**
 * Terminals' shells: one started on a pty of its own when a terminal is first shown, or one started ahead in a
 * pooled sandbox, which a terminal takes when it is first shown. Starting a shell is most of what a learner arriving
 * at a pooled sandbox waited for: the backend forks itself for the pty (10-12 ms of its one thread on a two-core
 * host) and the shell goes through the sandbox's entry (the cgroup join, prlimit, setpriv, nsenter), another 25-30 ms
 * of CPU.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as pty from 'node-pty';
import type { IDisposable, IPty } from 'node-pty';
import type { Logger } from '../log.ts';
import type { WorkspaceRuntime } from '../sandbox/sandbox.ts';
import type { StartedShell, TerminalSize } from '../terminal/session-contract.ts';

/** A shell started ahead has this size until the view that takes it says otherwise. */
const AHEAD_SIZE: TerminalSize = { cols: 80, rows: 24 };
/**
 * What a shell started ahead may print before it is taken: its prompt is a few dozen bytes, and nothing types into
 * it. Beyond this, output is not kept (nothing should come, and a waiting pty must not grow the backend).
 */
const AHEAD_OUTPUT_BYTES = 16 * 1024;
/** How long starting a shell ahead waits for its prompt; far more than it takes (tens of ms) on a loaded machine. */
const PROMPT_WAIT_MS = 10_000;

/** Starts the runtime's shell on a new pty owned by the workspace's user. */
export function startShell(runtime: WorkspaceRuntime, size: TerminalSize, log: Logger): IPty {
  const shell = runtime.shell();
  const terminal = pty.spawn(shell.file, shell.args, {
    name: 'xterm-256color',
    cols: size.cols,
    rows: size.rows,
    cwd: shell.cwd,
    env: shell.env,
    encoding: null,
  });
  adoptTerminal(runtime, terminal, log);
  return terminal;
}

/** A shell started in a sandbox before any learner, kept with what it printed until a terminal takes it. */
export class WaitingShell {
  #pty: IPty | null;
  #exited = false;
  readonly #printed: Buffer[] = [];
  #printedBytes = 0;
  readonly #listeners: IDisposable[];
  /** Resolves when the shell first prints (its prompt) or exits. */
  readonly #spoke: Promise<undefined>;

  private constructor(shell: IPty) {
    this.#pty = shell;
    const { promise: spoke, resolve: speak } = Promise.withResolvers<undefined>();
    this.#spoke = spoke;
    this.#listeners = [
      // Spawned with `encoding: null`, node-pty hands over Buffers although its typings say string.
      shell.onData((data) => {
        speak(undefined);
        const chunk = data as unknown as Buffer;
        if (this.#printedBytes + chunk.length > AHEAD_OUTPUT_BYTES) return;
        this.#printed.push(chunk);
        this.#printedBytes += chunk.length;
      }),
      shell.onExit(() => {
        this.#exited = true;
        speak(undefined);
      }),
    ];
  }

  /**
   * Starts one and resolves once it has printed its prompt (or after PROMPT_WAIT_MS: a slow one is kept all the same),
   * so a sandbox counts as ready only with its shells ready; null (and a warning) if it cannot start: the terminal
   * then starts its shell when it is shown, as usual.
   */
  static async start(runtime: WorkspaceRuntime, log: Logger): Promise<WaitingShell | null> {
    let shell: WaitingShell;
    try {
      shell = new WaitingShell(startShell(runtime, AHEAD_SIZE, log));
    } catch (error) {
      log.warn('could not start a shell ahead', { error: String(error) });
      return null;
    }
    const giveUp = new AbortController();
    await Promise.race([shell.#spoke, sleep(PROMPT_WAIT_MS, undefined, { signal: giveUp.signal }).catch(() => {})]);
    giveUp.abort();
    return shell;
  }

  /** Whether there is a shell to take: not taken, not ended, and it has not exited while waiting. */
  get waiting(): boolean {
    return this.#pty !== null && !this.#exited;
  }

  /** The shell, sized for its view, and what it printed; null once taken, ended, or if it exited while waiting. */
  take(size: TerminalSize): StartedShell | null {
    const shell = this.#forget();
    if (!shell || this.#exited) return null;
    shell.resize(size.cols, size.rows);
    return { pty: shell, printed: this.#printed };
  }

  /**
   * Ends a shell nobody took: its leader is killed here, and whatever it left inside the sandbox goes with the
   * sandbox (releaseHost). Idempotent.
   */
  end(): void {
    const shell = this.#forget();
    if (shell && !this.#exited) shell.kill('SIGKILL');
  }

  #forget(): IPty | null {
    const shell = this.#pty;
    this.#pty = null;
    for (const listener of this.#listeners) listener.dispose();
    return shell;
  }
}

/** Gives a new terminal's pty to the workspace's user; a terminal that stays the backend's still works. */
function adoptTerminal(runtime: WorkspaceRuntime, terminal: IPty, log: Logger): void {
  // node-pty's Unix terminals name their pty here; its typings do not list it.
  const { ptsName } = terminal as IPty & { ptsName?: unknown };
  try {
    if (typeof ptsName !== 'string') throw new Error('node-pty did not name the pty');
    runtime.adoptTerminal(ptsName);
  } catch (error) {
    log.warn("a terminal's pty stays the backend's: Node programs in it read stdin blocking", {
      error: String(error),
    });
  }
}
