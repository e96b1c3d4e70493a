import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseClientMessage, parseServerMessage, type ClientMessage } from '#protocol/messages.ts';

function clientError(text: string): string {
  const result = parseClientMessage(text);
  if (result.ok) assert.fail(`expected ${text} to be rejected, got ${JSON.stringify(result.message)}`);
  assert.equal(typeof result.error, 'string');
  assert.ok(result.error.length > 0);
  return result.error;
}

function serverError(text: string): string {
  const result = parseServerMessage(text);
  if (result.ok) assert.fail(`expected ${text} to be rejected, got ${JSON.stringify(result.message)}`);
  return result.error;
}

const json = (value: unknown): string => JSON.stringify(value);

describe('parseClientMessage accepts every message type', () => {
  const valid: ClientMessage[] = [
    { type: 'attach', terminal: 't1', cols: 80, rows: 24 },
    { type: 'attach', terminal: 'server', cols: 2, rows: 1 },
    { type: 'attach', terminal: 'client-2', cols: 500, rows: 200 },
    { type: 'resize', terminal: 't1', cols: 120, rows: 40 },
    { type: 'run', terminal: 't1', command: 0 },
    { type: 'run', terminal: 't1', command: 7 },
    { type: 'signal', terminal: 't1', signal: 'SIGINT' },
    { type: 'signal', terminal: 't1', signal: 'SIGQUIT' },
    { type: 'signal', terminal: 't1', signal: 'SIGTSTP' },
    { type: 'restart', terminal: 't1' },
    { type: 'restart', terminal: 't1', command: 3 },
    { type: 'encoding', terminal: 't1', encoding: 'utf-8' },
    { type: 'encoding', terminal: 't1', encoding: 'gb18030' },
    { type: 'encoding', terminal: 't1', encoding: 'big5' },
    { type: 'encoding', terminal: 't1', encoding: 'shift_jis' },
    { type: 'encoding', terminal: 't1', encoding: 'latin1' },
    { type: 'ack', terminal: 't1', bytes: 1 },
    { type: 'ack', terminal: 't1', bytes: 5000 },
  ];
  for (const message of valid) {
    test(json(message), () => {
      assert.deepEqual(parseClientMessage(json(message)), { ok: true, message });
    });
  }
});

describe('parseClientMessage rejects malformed input', () => {
  test('text that is not JSON', () => {
    assert.match(clientError('{"type":"attach"'), /^not JSON: /);
    assert.match(clientError(''), /^not JSON: /);
  });

  test('JSON that is not an object', () => {
    clientError('null');
    clientError('[]');
    clientError('"attach"');
    clientError('42');
  });

  test('an unknown or missing type', () => {
    assert.match(clientError(json({ type: 'shutdown', terminal: 't1' })), /type/);
    assert.match(clientError(json({ terminal: 't1', cols: 80, rows: 24 })), /type/);
  });

  test('a missing field, naming the field', () => {
    assert.match(clientError(json({ type: 'attach', terminal: 't1', cols: 80 })), /rows/);
    assert.match(clientError(json({ type: 'run', terminal: 't1' })), /command/);
    assert.match(clientError(json({ type: 'ack', bytes: 10 })), /terminal/);
  });

  test('an extra field, naming the field', () => {
    assert.match(clientError(json({ type: 'attach', terminal: 't1', cols: 80, rows: 24, shell: '/bin/sh' })), /shell/);
    // JSON.parse makes "__proto__" an own key; it must not slip past the strict check.
    assert.match(clientError('{"type":"restart","terminal":"t1","__proto__":{"command":1}}'), /__proto__/);
  });

  test('cols out of range', () => {
    assert.match(clientError(json({ type: 'attach', terminal: 't1', cols: 1, rows: 24 })), /cols/);
    assert.match(clientError(json({ type: 'resize', terminal: 't1', cols: 501, rows: 24 })), /cols/);
  });

  test('rows out of range', () => {
    assert.match(clientError(json({ type: 'attach', terminal: 't1', cols: 80, rows: 0 })), /rows/);
    assert.match(clientError(json({ type: 'resize', terminal: 't1', cols: 80, rows: 201 })), /rows/);
  });

  test('non-integer numbers', () => {
    assert.match(clientError(json({ type: 'attach', terminal: 't1', cols: 80.5, rows: 24 })), /cols/);
    assert.match(clientError(json({ type: 'run', terminal: 't1', command: 1.5 })), /command/);
    assert.match(clientError(json({ type: 'ack', terminal: 't1', bytes: 10.25 })), /bytes/);
  });

  test('numbers given as strings', () => {
    assert.match(clientError(json({ type: 'attach', terminal: 't1', cols: '80', rows: 24 })), /cols/);
  });

  test('a bad terminal id', () => {
    for (const terminal of ['', 'T1', '1t', '-t', 't_1', 't 1', 'a'.repeat(17), '../t1', 't1\n']) {
      assert.match(clientError(json({ type: 'run', terminal, command: 0 })), /terminal/, JSON.stringify(terminal));
    }
  });

  test('a command index out of range', () => {
    assert.match(clientError(json({ type: 'run', terminal: 't1', command: 8 })), /command/);
    assert.match(clientError(json({ type: 'restart', terminal: 't1', command: -1 })), /command/);
  });

  test('a signal that is not offered', () => {
    assert.match(clientError(json({ type: 'signal', terminal: 't1', signal: 'SIGKILL' })), /signal/);
  });

  test('a bad encoding', () => {
    for (const encoding of ['utf8', 'UTF-8', 'gbk', 'ascii', '']) {
      assert.match(clientError(json({ type: 'encoding', terminal: 't1', encoding })), /encoding/, encoding);
    }
  });

  test('a negative, zero or absurdly large ack', () => {
    assert.match(clientError(json({ type: 'ack', terminal: 't1', bytes: -5 })), /bytes/);
    assert.match(clientError(json({ type: 'ack', terminal: 't1', bytes: 0 })), /bytes/);
    assert.match(clientError(json({ type: 'ack', terminal: 't1', bytes: 10_000_001 })), /bytes/);
  });
});

describe('parseServerMessage', () => {
  test('accepts each message type', () => {
    const valid = [
      { type: 'hello', protocol: 1, maxPayload: 65536 },
      { type: 'attached', terminal: 't1', channel: 0, encoding: 'gb18030', status: 'idle', exitCode: null },
      { type: 'attached', terminal: 't1', channel: 255, encoding: 'utf-8', status: 'exited', exitCode: 1 },
      { type: 'status', terminal: 'server', status: 'running', exitCode: null },
      { type: 'detached', terminal: 't1', reason: 'replaced' },
      { type: 'error', code: 'busy', message: 'a command is running' },
      { type: 'error', code: 'unknown-terminal', message: 'no such terminal', terminal: 'x' },
    ];
    for (const message of valid) {
      assert.deepEqual(parseServerMessage(json(message)), { ok: true, message });
    }
  });

  test('accepts any protocol version in hello, so that an outdated page can say so; rejects non-versions', () => {
    assert.equal(parseServerMessage(json({ type: 'hello', protocol: 2, maxPayload: 65536 })).ok, true);
    assert.match(serverError(json({ type: 'hello', protocol: 0, maxPayload: 65536 })), /protocol/);
    assert.match(serverError(json({ type: 'hello', protocol: '1', maxPayload: 65536 })), /protocol/);
  });

  test('rejects a channel outside a byte', () => {
    const attached = { type: 'attached', terminal: 't1', encoding: 'utf-8', status: 'idle', exitCode: null };
    assert.match(serverError(json({ ...attached, channel: 256 })), /channel/);
    assert.match(serverError(json({ ...attached, channel: -1 })), /channel/);
  });

  test('rejects a status without its exit code, an unknown status and an unknown error code', () => {
    assert.match(serverError(json({ type: 'status', terminal: 't1', status: 'idle' })), /exitCode/);
    assert.match(serverError(json({ type: 'status', terminal: 't1', status: 'paused', exitCode: null })), /status/);
    assert.match(serverError(json({ type: 'error', code: 'oops', message: 'x' })), /code/);
  });

  test('rejects malformed JSON and extra fields', () => {
    assert.match(serverError('{'), /^not JSON: /);
    assert.match(serverError(json({ type: 'detached', terminal: 't1', reason: 'replaced', by: 'x' })), /by/);
  });
});

describe('pane and workspace messages', () => {
  const valid: ClientMessage[] = [
    { type: 'http-get', pane: 'page', port: 8000, path: '/' },
    { type: 'http-get', pane: 'page', port: 1, path: '/a/b?x=1&y=%E4%BD%A0' },
    { type: 'http-cancel', pane: 'page' },
    { type: 'ws-connect', pane: 'ws', port: 65535, path: '/chat' },
    { type: 'ws-send', pane: 'ws', text: '' },
    { type: 'ws-send', pane: 'ws', text: '你好'.repeat(100) },
    { type: 'ws-disconnect', pane: 'ws' },
    { type: 'reset-files' },
  ];
  for (const message of valid) {
    test(`accepts ${json(message).slice(0, 80)}`, () => {
      assert.deepEqual(parseClientMessage(json(message)), { ok: true, message });
    });
  }

  test('rejects ports outside 1-65535, paths that are not origin-form, and unknown fields', () => {
    assert.match(clientError(json({ type: 'http-get', pane: 'page', port: 0, path: '/' })), /port/);
    assert.match(clientError(json({ type: 'http-get', pane: 'page', port: 65536, path: '/' })), /port/);
    assert.match(clientError(json({ type: 'ws-connect', pane: 'ws', port: 80, path: 'http://x/' })), /path/);
    assert.match(clientError(json({ type: 'ws-connect', pane: 'ws', port: 80, path: '/a b' })), /path/);
    assert.match(clientError(json({ type: 'http-cancel', pane: 'page', port: 80 })), /port/);
    assert.match(clientError(json({ type: 'reset-files', lab: 'x' })), /lab/);
  });

  test('rejects a message too long for one frame and a pane id that is not an id', () => {
    clientError(json({ type: 'ws-send', pane: 'ws', text: 'x'.repeat(60_001) }));
    clientError(json({ type: 'ws-send', pane: '../ws', text: 'hi' }));
    clientError(json({ type: 'ws-send', pane: 'ws', text: 42 }));
  });
});

describe('parseServerMessage pane events', () => {
  const b64 = Buffer.from('HTTP/1.1 200 OK\r\n').toString('base64');
  const events = [
    { kind: 'http-sent', request: 'GET / HTTP/1.1\r\n\r\n' },
    { kind: 'http-raw', data: b64 },
    { kind: 'http-head', statusLine: 'HTTP/1.1 200 OK', status: 200, headers: [['a', 'b']], framing: 'chunked' },
    { kind: 'http-body', data: b64 },
    { kind: 'http-end', outcome: 'complete', detail: '', elapsedMs: 3 },
    { kind: 'ws-handshake', request: 'GET /', response: 'HTTP/1.1 101', accepted: true, problem: '' },
    { kind: 'ws-message', direction: 'in', opcode: 'text', data: b64, at: 5 },
    { kind: 'ws-closed', code: 1000, reason: 'bye', by: 'server', at: 9 },
    { kind: 'ws-closed', code: null, reason: '', by: 'network', at: 9 },
  ];
  for (const event of events) {
    test(`accepts a ${event.kind} event`, () => {
      const message = { type: 'pane', pane: 'p1', event };
      assert.deepEqual(parseServerMessage(json(message)), { ok: true, message });
    });
  }

  test('rejects events with bytes that are not base64, unknown outcomes, kinds or directions', () => {
    const pane = (event: unknown) => json({ type: 'pane', pane: 'p1', event });
    assert.match(serverError(pane({ kind: 'http-raw', data: 'not base64!' })), /data/);
    assert.match(serverError(pane({ kind: 'http-end', outcome: 'great', detail: '', elapsedMs: 1 })), /outcome/);
    serverError(pane({ kind: 'http-end', outcome: 'complete', detail: '', elapsedMs: -1 }));
    serverError(pane({ kind: 'telepathy' }));
    assert.match(
      serverError(pane({ kind: 'ws-message', direction: 'up', opcode: 'text', data: b64, at: 1 })),
      /direction/,
    );
    serverError(pane({ kind: 'http-head', statusLine: 'x', status: 200, headers: [['only-name']], framing: 'none' }));
  });
});
