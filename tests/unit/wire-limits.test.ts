/**
 * Messages measured as the backend's maxPayload counts them (UTF-8 bytes of the JSON), the WebSocket pane's check
 * against it, and the protocol client that never sends a message over the limit the backend's hello gave: one such
 * message would close the whole lab socket with 1009.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { WIRE } from '#protocol/limits.ts';
import { parseClientMessage, PROTOCOL_VERSION } from '#protocol/messages.ts';
import { LabSocket } from '../../src/components/lab/lab-socket.ts';
import { fitsPayload, messageBytes, wsSendOverflow } from '../../src/components/lab/wire-limits.ts';
import { eventually } from '../support/waiters.ts';

const LIMIT = 64 * 1024;

describe('wsSendOverflow', () => {
  test('30 000 Chinese characters pass the protocol’s character limit but not the byte limit', () => {
    const text = '你'.repeat(30_000);
    assert.ok(text.length <= WIRE.wsSendChars);
    assert.equal(parseClientMessage(JSON.stringify({ type: 'ws-send', pane: 'ws', text })).ok, true);
    const overflow = wsSendOverflow('ws', text, LIMIT);
    assert.ok(overflow);
    assert.equal(overflow.bytes, 90_000);
    assert.ok(overflow.max < LIMIT);
  });

  test('it lets through the longest text whose message fits in maxPayload, and not one unit more', () => {
    for (const unit of ['你', 'a', '"', '😀', '\u0001']) {
      // The most repeats of `unit` that pass, by bisection.
      let [fits, fails] = [0, LIMIT];
      while (fails - fits > 1) {
        const mid = Math.floor((fits + fails) / 2);
        if (wsSendOverflow('ws', unit.repeat(mid), LIMIT)) fails = mid;
        else fits = mid;
      }
      const text = unit.repeat(fits);
      const size = messageBytes({ type: 'ws-send', pane: 'ws', text });
      assert.ok(size <= LIMIT, `${JSON.stringify(unit)}: ${size}`);
      const oneMore = messageBytes({ type: 'ws-send', pane: 'ws', text: text + unit });
      assert.ok(oneMore > LIMIT, `${JSON.stringify(unit)}: one more would be ${oneMore}`);
    }
  });

  test('a full box of ASCII fits', () => {
    assert.equal(wsSendOverflow('ws', 'a'.repeat(WIRE.wsSendChars), LIMIT), null);
  });
});

describe('fitsPayload', () => {
  test('counts UTF-8 bytes, not characters', () => {
    assert.equal(fitsPayload('a'.repeat(100), 100), true);
    assert.equal(fitsPayload('a'.repeat(101), 100), false);
    assert.equal(fitsPayload('你'.repeat(33), 100), true);
    assert.equal(fitsPayload('你'.repeat(34), 100), false);
    assert.equal(fitsPayload('😀'.repeat(25), 100), true);
    assert.equal(fitsPayload('😀'.repeat(26), 100), false);
  });
});

describe('LabSocket under a small maxPayload', () => {
  const MAX = 1000;
  let server: WebSocketServer;
  let url: string;
  const received: string[] = [];
  const closes: number[] = [];

  before(async () => {
    // Like the backend: a bigger message than maxPayload closes the connection with 1009.
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: MAX });
    await new Promise((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    server.on('connection', (ws: ServerSocket) => {
      ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, maxPayload: MAX }));
      ws.on('message', (data) => received.push(String(data)));
      ws.on('close', (code) => closes.push(code));
    });
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('learns the limit from the hello, refuses a message over it and keeps the connection', async () => {
    const errors: string[] = [];
    const socket = new LabSocket({
      url,
      open: (u) => new WebSocket(u),
      onError: (code, message) => errors.push(`${code}: ${message}`),
    });
    await eventually(() => socket.maxPayload !== null, "the backend's hello", 5000);
    assert.equal(socket.maxPayload, MAX);

    socket.wsSend('ws', '你'.repeat(400));
    socket.wsSend('ws', '你好');
    // Sent after the refused one on the same connection: once it arrives, anything the first did has happened.
    await eventually(() => received.length > 0, 'the short message to arrive');
    assert.equal(errors.length, 1, errors.join());
    assert.match(errors[0] ?? '', /^bad-message: ws-send not sent/);
    assert.deepEqual(received, [JSON.stringify({ type: 'ws-send', pane: 'ws', text: '你好' })]);
    assert.deepEqual(closes, [], 'the connection stayed open');
    socket.close();
  });
});
