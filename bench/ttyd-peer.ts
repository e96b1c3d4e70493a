/**
 * ttyd (C, libwebsockets), the terminal server issue 8's targets are set against, as a peer of the bench measured in
 * the same run, when a ttyd binary is at hand: `BENCH_TTYD=/path/to/ttyd`, else `ttyd` on PATH. Debian 12 does not
 * package it; README's "Working on it" says how to build 1.7.7 from its source with Debian's libwebsockets. Without one
 * the bench uses the figure measured when the issue was filed.
 *
 * Why measure it here rather than quote it: what a wakeup and a system call cost on this machine moves with the host
 * (a pipe round trip between two processes, `perf bench sched pipe`, took 36 us on 2026-12-07), and every peer pays
 * it. ttyd's CPU per echo was 11-13 us when the issue was filed and 54-58 us on that day.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { COMMAND_LINES, serverPeer, type Dialect, type Peer } from './peers.ts';

/** ttyd's message types: the first byte of every message after the JSON hello. */
const INPUT = '0';
const OUTPUT = 0x30;

/** The binary to run, or null when there is none. */
function findTtyd(): string | null {
  const chosen = process.env['BENCH_TTYD'];
  if (chosen) return chosen;
  const found = spawnSync('sh', ['-c', 'command -v ttyd'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Resolves once something accepts connections on `port`. */
async function listening(port: number, server: ChildProcess): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if (server.exitCode !== null) throw new Error(`ttyd exited with ${server.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error('ttyd did not start listening');
}

/** ttyd's protocol (its protocol.c): `-a` appends `arg`s to its command (`bash -c`), so each session runs its own. */
const ttydDialect = (base: string): Dialect => ({
  url: (program) => `${base}/ws?arg=${encodeURIComponent(COMMAND_LINES[program])}`,
  protocols: ['tty'],
  // ttyd starts the program once the page has said its size.
  hello: JSON.stringify({ AuthToken: '', columns: 120, rows: 40 }),
  outputBytes: (data) => (data[0] === OUTPUT ? data.length - 1 : 0),
  input: (text) => Buffer.from(INPUT + text),
});

/** The ttyd peer, or null when no ttyd binary is at hand. */
export async function ttyd(): Promise<Peer | null> {
  const binary = findTtyd();
  if (!binary) return null;
  const port = await freePort();
  // -W: the terminal takes input (1.7 is read-only by default); -d 0: no log lines.
  const server = spawn(binary, ['-W', '-a', '-i', 'lo', '-p', String(port), '-d', '0', 'bash', '-c'], {
    stdio: 'ignore',
    env: { PATH: '/usr/bin:/bin', TERM: 'xterm-256color', LANG: 'C.UTF-8' },
  });
  server.on('error', (error) => console.error('ttyd peer:', error.message));
  await listening(port, server);
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ').pop() ?? '?';
  return serverPeer(`ttyd ${version}`, server, ttydDialect(`ws://127.0.0.1:${port}`));
}
