/**
 * The browser's protocol client against a real WebSocket server that speaks a newer protocol, or closes the way the
 * backend does when a workspace ends.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { CLOSE_CODES, PROTOCOL_VERSION } from '#protocol/messages.ts';
import { LabSocket, NotJoinedError, type ConnectionState } from '../../src/components/lab/lab-socket.ts';
import { eventually, letTimePass } from '../support/waiters.ts';

describe('LabSocket', () => {
  let server: WebSocketServer;
  let url: string;
  let greeting: (send: (text: string) => void, close: (code: number) => void) => void;

  before(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    server.on('connection', (ws) =>
      greeting(
        (text) => ws.send(text),
        (code) => ws.close(code),
      ),
    );
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const silentTerminal = {
    attached: () => undefined,
    output: () => undefined,
    statusChanged: () => undefined,
    detached: () => undefined,
    error: () => undefined,
  };

  const connect = (onState: (state: ConnectionState) => void) =>
    new LabSocket({ url, open: (u) => new WebSocket(u), onState, backoff: () => 50 });

  test('a backend speaking another protocol version makes the page ask for a reload, and it stops reconnecting', async () => {
    greeting = (send) => send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION + 1, maxPayload: 1 }));
    const states: ConnectionState[] = [];
    const socket = connect((state) => states.push(state));
    await eventually(() => states.includes('outdated'), 'the reload notice');
    // The backoff is 50 ms: a reconnect, if it tried one, would come well within this.
    await letTimePass(500);
    socket.close();
    assert.ok(states.includes('outdated'), states.join());
    assert.equal(states.filter((s) => s === 'open').length, 1, 'no reconnect after the reload notice');
  });

  test('a terminal the backend told its workspace ended hears it once, not again from the close', async () => {
    let connections = 0;
    greeting = (send, close) => {
      connections += 1;
      send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, maxPayload: 65536 }));
      if (connections > 1) return;
      const attached = { terminal: 't1', channel: 0, encoding: 'utf-8', status: 'idle', exitCode: null };
      send(JSON.stringify({ type: 'attached', ...attached }));
      send(JSON.stringify({ type: 'detached', terminal: 't1', reason: 'workspace-ended' }));
      close(CLOSE_CODES.workspaceEnded);
    };
    const detached: string[] = [];
    const socket = connect(() => undefined);
    socket.attach('t1', { ...silentTerminal, detached: (reason) => detached.push(reason) }, 80, 24);
    // It reconnects only once it has handled the first connection's close.
    await eventually(() => connections === 2, 'the socket to reconnect');
    socket.close();
    assert.deepEqual(detached, ['workspace-ended']);
    assert.equal(connections, 2, 'and it reconnects');
  });

  test('a workspace that ended tells every terminal, then the socket reconnects', async () => {
    let connections = 0;
    greeting = (send, close) => {
      connections += 1;
      send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, maxPayload: 1 }));
      if (connections === 1) close(CLOSE_CODES.workspaceEnded);
    };
    const detached: string[] = [];
    const socket = connect(() => undefined);
    socket.attach(
      't1',
      {
        attached: () => undefined,
        output: () => undefined,
        statusChanged: () => undefined,
        detached: (reason) => detached.push(reason),
        error: () => undefined,
      },
      80,
      24,
    );
    await eventually(() => connections === 2, 'the socket to reconnect');
    socket.close();
    assert.deepEqual(detached, ['workspace-ended']);
    assert.equal(connections, 2);
  });

  test('a browser that has not joined the class is told so once, and the socket stops trying', async () => {
    let prepared = 0;
    let opened = 0;
    const states: ConnectionState[] = [];
    const socket = new LabSocket({
      url,
      open: (u) => ((opened += 1), new WebSocket(u)),
      prepare: async () => {
        prepared += 1;
        throw new NotJoinedError();
      },
      onState: (state) => states.push(state),
      backoff: () => 20,
    });
    await eventually(() => states.includes('not-joined'), 'the not-joined state');
    // The backoff is 20 ms: a retry, if it tried one, would come well within this.
    await letTimePass(300);
    socket.close();
    assert.deepEqual(states, ['connecting', 'not-joined', 'closed']);
    assert.equal(prepared, 1, 'no retry: only joining helps');
    assert.equal(opened, 0, 'no socket was opened');
  });
});
