/**
 * The naive peer of the terminal-path bench: what `ws` and node-pty give in 25 lines, with no sandbox, no flow control,
 * no decoding and no framing. Each connection runs `?run=` in a pty, sends every read as one binary message and writes
 * every message it gets to the pty. Started by bench/peers.ts in its own process, which reports its port over IPC.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { barePty } from './support.ts';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
server.on('listening', () => process.send?.({ port: (server.address() as AddressInfo).port }));
server.on('error', (error) => {
  console.error(error);
  process.exit(1);
});
server.on('connection', (ws, request) => {
  const term = barePty(new URL(request.url ?? '/', 'http://peer').searchParams.get('run') ?? 'exec bash');
  term.onData((data) => ws.send(data));
  term.onExit(() => ws.close());
  ws.on('message', (data: Buffer) => term.write(data));
  ws.on('close', () => term.kill('SIGKILL'));
  ws.on('error', () => term.kill('SIGKILL'));
});
process.on('disconnect', () => process.exit(0));
