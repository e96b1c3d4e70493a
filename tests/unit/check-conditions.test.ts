import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileMatches, hasConnections, isListening, outputMatches } from '../../server/src/checks/conditions.ts';
import { OutputWindow } from '../../server/src/checks/output-window.ts';
import { parseTcpTable } from '../../server/src/checks/socket-table.ts';

/** /proc/net/tcp with lesson 1's server listening and one client connected (both ends), and a TIME-WAIT. */
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:091D 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41001 1 0000000000000000 100 0 0 10 0
   1: 0100007F:091D 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 41002 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:D2F0 0100007F:091D 01 00000000:00000000 00:00000000 00000000  1000        0 41003 1 0000000000000000 20 4 30 10 -1
   3: 0100007F:D2F2 0100007F:091D 06 00000000:00000000 03:00000000 00000000     0        0 0 3 0000000000000000
garbage line
`;
/** /proc/net/tcp6: a server on [::]:8000, one on [::1]:9000 and one on ::ffff:127.0.0.1:7000. */
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F40 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 52001 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:2328 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 52002 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:1B58 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 52003 1 0000000000000000 100 0 0 10 0
`;

describe('the socket table', () => {
  const v4 = parseTcpTable(TCP);
  const v6 = parseTcpTable(TCP6);

  test('parses addresses, ports, states and inodes, and skips what does not parse', () => {
    assert.equal(v4.length, 4);
    assert.deepEqual(v4[0], {
      localAddress: '127.0.0.1',
      localPort: 2333,
      remoteAddress: '0.0.0.0',
      remotePort: 0,
      state: 'listen',
      inode: 41001,
    });
    assert.deepEqual(
      v6.map((s) => `${s.localAddress}:${s.localPort}`),
      [':::8000', '::1:9000', '::ffff:127.0.0.1:7000'],
    );
  });

  test('listening: on a port, and on an address when asked', () => {
    assert.ok(isListening(v4, { kind: 'listening', port: 2333 }));
    assert.ok(isListening(v4, { kind: 'listening', port: 2333, address: '127.0.0.1' }));
    assert.ok(!isListening(v4, { kind: 'listening', port: 2333, address: '0.0.0.0' }));
    assert.ok(!isListening(v4, { kind: 'listening', port: 55024 }), 'a client end does not listen');
    assert.ok(isListening(v6, { kind: 'listening', port: 8000, address: '::' }));
    assert.ok(isListening(v6, { kind: 'listening', port: 9000, address: '::1' }));
    assert.ok(isListening(v6, { kind: 'listening', port: 7000, address: '127.0.0.1' }));
  });

  test("connections count the server's ends that are established", () => {
    assert.ok(hasConnections(v4, { kind: 'connections', port: 2333, min: 1 }));
    assert.ok(
      !hasConnections(v4, { kind: 'connections', port: 2333, min: 2 }),
      'TIME-WAIT and client ends do not count',
    );
  });
});

describe('output and files', () => {
  test('the output window reads as a learner would: escapes gone, UTF-8 split across chunks joined', () => {
    const window = new OutputWindow(64);
    const bytes = Buffer.from('\x1b]133;C\x07\x1b[1;32m服务端已收到: HELLO\x1b[0m\r\n', 'utf8');
    window.append(bytes.subarray(0, 20));
    window.append(bytes.subarray(20));
    assert.equal(window.plain(), '服务端已收到: HELLO\n');
    assert.ok(outputMatches(window.plain(), { kind: 'output', terminal: 't1', pattern: '^服务端已收到: [A-Z]+$' }));
    window.append(Buffer.from('x'.repeat(200)));
    assert.equal(window.plain().length, 64, 'the window keeps the last characters only');
    assert.ok(!outputMatches(window.plain(), { kind: 'output', terminal: 't1', pattern: 'HELLO' }));
  });

  test('a file matches its pattern, not its "unless", or its exact hash; a missing file matches nothing', () => {
    const upper = { kind: 'file', path: 's.py', pattern: '\\.upper\\(\\)', unless: '^\\s*#.*upper' } as const;
    assert.ok(fileMatches('reply = message.upper()\n', upper));
    assert.ok(!fileMatches('# reply = message.upper()\n', upper));
    assert.ok(!fileMatches('reply = message\n', upper));
    assert.ok(!fileMatches(null, upper));
    const hash = {
      kind: 'file',
      path: 'a',
      sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    } as const;
    assert.ok(fileMatches('hello', hash));
    assert.ok(!fileMatches('hello\n', hash));
  });
});
