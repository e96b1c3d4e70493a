/**
 * Lesson 10 as a learner runs it, in a real sandbox: the standard-library WebSocket server (Python and TypeScript)
 * answers plain HTTP with 426 on a persistent connection, a hand-made handshake with the right Sec-WebSocket-Accept,
 * echoes a real client's masked frames, completes a 1000 close, rejects an unmasked frame with 1002 and a message over
 * 64 KiB with 1009, and says goodbye with 1001 on Ctrl-C.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { plain } from '../support/lab-harness.ts';
import { lessonLab } from '../support/lesson-tools.ts';
import { from } from '../support/terminal-output.ts';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** What the commands run, in examples/10-websocket-from-scratch/lab.json. */
const SERVERS = [
  { lang: 'Python', run: 'python3 ws_server.py' },
  { lang: 'TypeScript', run: 'node ws_server.ts' },
];
const T2_CURL = 'curl -i http://127.0.0.1:2333/';
const T2_CURL_TWICE = 'curl -v http://127.0.0.1:2333/ http://127.0.0.1:2333/';
const RFC_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const T3_ACCEPT_PYTHON = `python3 -c "import base64,hashlib; print(base64.b64encode(hashlib.sha1(b'${RFC_KEY}${GUID}').digest()).decode())"`;
const T3_ACCEPT_OPENSSL = `printf '%s' '${RFC_KEY}${GUID}' | openssl sha1 -binary | base64`;
const T3_HANDSHAKE = `printf 'GET / HTTP/1.1\\r\\nHost: 127.0.0.1:2333\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: ${RFC_KEY}\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n' | nc 127.0.0.1 2333`;
const T4_WEBSOCKETS_CLI = 'python3 -m websockets ws://127.0.0.1:2333/';
const MASKED = 'client frames must be masked';
const TOO_BIG = 'message too big (limit 65536 bytes)';
const T4_BAD_CLIENTS = [
  { run: 'python3 bad_client.py unmasked', code: 1002, reason: MASKED },
  { run: 'python3 bad_client.py big', code: 1009, reason: TOO_BIG },
  { run: 'node bad_client.ts unmasked', code: 1002, reason: MASKED },
  { run: 'node bad_client.ts big', code: 1009, reason: TOO_BIG },
];

const acceptFor = (key: string) =>
  createHash('sha1')
    .update(key + GUID)
    .digest('base64');

describe('lesson 10: WebSocket from scratch', () => {
  const lab = lessonLab('10-websocket-from-scratch');

  test('the Accept value for the RFC 6455 sample key, computed by hand, is s3pPLMBiTxaQ9kYGzzhZRbK+xOo=', async () => {
    const { t3 } = await lab.newLearner(['t3']);
    for (const run of [T3_ACCEPT_PYTHON, T3_ACCEPT_OPENSSL]) {
      const output = await t3.runToEnd(run);
      assert.match(output, /^s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=$/m);
      assert.equal(t3.exitCode, 0);
    }
  });

  for (const server of SERVERS) {
    describe(`the ${server.lang} server`, () => {
      const { t1, t2, t3, t4 } = lab.learner(['t1', 't2', 't3', 't4'], { cols: 160, rows: 40 });

      before(async () => {
        await t1.start(server.run, /WebSocket 服务端已启动: ws:\/\/127\.0\.0\.1:2333\//);
      });

      test('a plain HTTP request gets 426 Upgrade Required, and the connection stays open for the next one', async () => {
        const once = await t2.runToEnd(T2_CURL);
        assert.match(once, /^HTTP\/1\.1 426 Upgrade Required$/m);
        assert.match(once, /^Upgrade: websocket$/m);
        assert.match(once, /这是 WebSocket 服务端/);

        const twice = await t2.runToEnd(T2_CURL_TWICE);
        assert.equal(twice.match(/^< HTTP\/1\.1 426 Upgrade Required$/gm)?.length, 2, twice);
        assert.match(twice, /Re-using existing connection/, 'HTTP/1.1 keeps the connection open by default');
        assert.equal((plain(t1.text).match(/新连接/g) ?? []).length, 2, 'two curl runs, two TCP connections');
      });

      test('the handshake by hand gets 101 Switching Protocols and the right Accept, for the RFC key and a fresh one', async () => {
        const serverSide = from(t1);
        const output = await t3.run(T3_HANDSHAKE).wait(/Sec-WebSocket-Accept: .*\n/);
        assert.match(output, /^HTTP\/1\.1 101 Switching Protocols$/m);
        assert.match(output, /^Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=$/m);
        // nc stays connected (the server now expects frames) until the learner presses Ctrl-C.
        assert.equal(t3.status, 'running');
        t3.interrupt();
        await serverSide.wait(/没发关闭帧就断开了 TCP 连接/);

        const key = randomBytes(16).toString('base64');
        const request = [
          'GET / HTTP/1.1',
          'Host: 127.0.0.1:2333',
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${key}`,
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\\r\\n');
        await t3.waitForStatus('idle');
        const fresh = await t3.exec(`printf '${request}' | nc -N 127.0.0.1 2333`);
        assert.match(fresh.output, /^HTTP\/1\.1 101 Switching Protocols$/m);
        const accept = /^Sec-WebSocket-Accept: (\S+)$/m.exec(fresh.output)?.[1];
        assert.equal(accept, acceptFor(key));
      });

      test("a real client's masked frames are echoed unmasked, and its 1000 close is answered with 1000", async () => {
        const serverSide = from(t1);
        const client = await t4.start(T4_WEBSOCKETS_CLI, /Connected to ws:\/\/127\.0\.0\.1:2333\/\./);
        await t4.ask('Hello 你好', /< Hello 你好/);
        // 12 bytes of UTF-8: masked on the way in, unmasked on the way out.
        const frames = await serverSide.wait(/→ 帧头 81 0c \| FIN=1 opcode=0x1\(text\) MASK=0 长度=12/);
        assert.match(
          frames,
          /← 帧头 81 8c( [0-9a-f]{2}){4} \| FIN=1 RSV=000 opcode=0x1\(text\) MASK=1 长度=12 掩码键=[0-9a-f]{8}/,
        );
        assert.match(frames, /文本消息: 'Hello 你好'/);

        t4.type('\x04'); // Ctrl-D: the client closes with 1000
        await client.wait(/Connection closed: 1000 \(OK\)\./);
        const closing = await serverSide.wait(/→ 帧头 88 02 \| FIN=1 opcode=0x8\(close\) MASK=0 长度=2/);
        assert.match(closing, /opcode=0x8\(close\) MASK=1 长度=2/);
        assert.match(closing, /关闭帧: 关闭码 1000（正常关闭）/);
        await t4.waitForStatus('idle');
      });

      test('an unmasked client frame is answered with 1002 and a message over 64 KiB with 1009', async () => {
        for (const bad of T4_BAD_CLIENTS) {
          const output = await t4.runToEnd(bad.run);
          assert.match(output, /握手响应: HTTP\/1\.1 101 Switching Protocols/, bad.run);
          assert.match(output, /Sec-WebSocket-Accept: \S+（正确）/, bad.run);
          assert.ok(output.includes(`收到关闭帧: 关闭码 ${bad.code} 原因 '${bad.reason}'`), `${bad.run}:\n${output}`);
          assert.match(output, /服务端关闭了 TCP 连接/, bad.run);
        }
        assert.match(plain(t1.text), /协议错误: client frames must be masked → 用 1002（协议错误）关闭连接/);
        assert.match(plain(t1.text), /协议错误: message too big \(limit 65536 bytes\) → 用 1009（消息太大）关闭连接/);
      });

      test('Ctrl-C stops the server after closing every WebSocket connection with 1001', async () => {
        const client = await t4.start(T4_WEBSOCKETS_CLI, /Connected to ws:\/\/127\.0\.0\.1:2333\/\./);
        const serverSide = from(t1);
        t1.interrupt();
        await client.wait(/Connection closed: 1001 \(going away\) server going away\./);
        await serverSide.wait(/服务端已停止/);
        await t1.waitForStatus('idle');
        await t4.waitForStatus('idle');
      });
    });
  }
});
