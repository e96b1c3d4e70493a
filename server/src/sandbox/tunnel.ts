/**
 * A byte stream to 127.0.0.1:<port> as seen from inside a workspace: how the page preview and the browser WebSocket
 * pane reach a learner's server on the learner's own loopback, which nothing outside the sandbox can. Each tunnel is
 * a `socat - TCP:127.0.0.1:<port>` run inside the workspace's namespaces, as the learner's user, speaking over its
 * stdin and stdout; it can reach nothing the learner's own programs cannot.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { Duplex } from 'node:stream';
import type { Logger } from '../log.ts';
import type { ProcessSpec } from './argv.ts';
import { settlesWithin, signalProcesses } from './processes.ts';

export interface Tunnel {
  readonly stream: Duplex;
  /** Resolves once the connection and its forwarder are gone. */
  readonly closed: Promise<void>;
  /** What the forwarder said when it failed (e.g. "Connection refused"), once it has ended; '' if nothing. */
  failure(): Promise<string>;
  /** Ends the connection and its forwarder. Idempotent; never rejects (a failure is logged). */
  close(): Promise<void>;
}

/** socat waits this long for the other side after one side has ended (its -t); the tunnel a little longer. */
const FORWARDER_GRACE_MS = 1000;

export function socatArgv(port: number): string[] {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`bad port ${port}`);
  return ['/usr/bin/socat', '-', `TCP:127.0.0.1:${port}`];
}

/** Runs the forwarder `spec` (socat inside the sandbox) and speaks through its stdio. */
export function spawnTunnel(spec: ProcessSpec, log: Logger): Tunnel {
  // Its own session, so that closing the tunnel can end the forwarder inside the sandbox, not just nsenter.
  const child = spawn(spec.file, spec.args, { env: spec.env, cwd: spec.cwd, stdio: 'pipe', detached: true });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 2000) stderr += chunk.toString('utf8');
  });
  const stream = Duplex.from({ readable: child.stdout, writable: child.stdin });
  // Closing the tunnel aborts its pipes on purpose; anything else is worth a line in the log.
  const report = (error: Error) => {
    if (error.name !== 'AbortError') log.warn('tunnel error', { error: error.message });
  };
  for (const pipe of [child.stdin, child.stdout, child.stderr, stream]) pipe.on('error', report);
  child.on('error', (error) => stream.destroy(error));
  // 'close', not 'exit': by then stderr has been read to its end.
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let closing: Promise<void> | null = null;
  return {
    stream,
    // socat's last line ends with the reason: "... E connect(5, AF=2 127.0.0.1:8000, 16): Connection refused".
    failure: async () => {
      await exited;
      const line = stderr.trim().split('\n').pop() ?? '';
      return line.slice(line.lastIndexOf(': ') + 2);
    },
    closed: exited,
    close: () => {
      closing ??= (async () => {
        // End of input: socat closes its side and exits. Only one that lingers is killed, with nsenter (the
        // group, since the spawn was detached): killing nsenter first would leave socat to the host's init.
        stream.destroy();
        if (await settlesWithin(exited, FORWARDER_GRACE_MS)) return;
        if (child.pid !== undefined) signalProcesses([-child.pid], 'SIGKILL');
        await exited;
      })().catch((error: unknown) => log.error('could not end a tunnel', { error: String(error) }));
      return closing;
    },
  };
}

/** --unsafe-no-sandbox: the host's own loopback. */
export function hostTunnel(port: number, log: Logger): Tunnel {
  const socket = connect({ host: '127.0.0.1', port });
  let failure = '';
  socket.on('error', (error) => {
    failure = error.message;
    log.info('tunnel socket error', { port, error: error.message });
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    stream: socket,
    closed,
    failure: async () => {
      await closed;
      return failure;
    },
    close: async () => {
      socket.destroy();
      await closed;
    },
  };
}
