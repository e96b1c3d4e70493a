/**
 * Lesson 2 as a learner runs it, in a real sandbox: the note's server reads one message per connection and answers
 * with bytes meant for a browser; two sends arrive as one recv and one send as three; line and length-prefix framing
 * put the messages back together; send() can send less than it was given, Node's write() cannot.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openLesson } from '../support/lesson-tools.ts';
import { listening, ssShows } from '../support/terminal-output.ts';

describe('lesson 2: TCP is a byte stream', () => {
  const { t1, t2, t3, t4 } = openLesson('02-byte-stream', ['t1', 't2', 't3', 't4'], { cols: 120, rows: 40 });

  test("the note's server reads only the first message of a connection and answers with an HTTP status line", async () => {
    const server = t1.run('python3 note_fixed.py');
    // The note's server prints nothing until a client talks to it: ask ss when it listens.
    await listening(t4, t1);

    const client = await t2.start('python3 note_fixed.py client', />>/);
    t2.type('one\r');
    await server.wait(/服务端收到客户端发来的消息:one/);
    // The reply is the browser's status line (A6), read as text by a terminal client.
    await client.wait(/客户端收到服务器回复的消息:HTTP\/1\.1 200 OK/);
    t2.type('two\r');
    t2.type('three\r');

    // The later lines reach the server's kernel and stay there: nobody calls recv() on that connection again (A3).
    const queued = await ssShows(t4, "-Htn 'sport = :2333'", /^ESTAB\s+[1-9]/m, "unread bytes on the server's side");
    const recvQ = Number(/ESTAB\s+(\d+)/.exec(queued)?.[1]);
    // "two" for sure; "three" too if the client was not already stuck waiting for a reply that never comes.
    assert.ok(recvQ === 3 || recvQ === 8, `unread bytes on the server's side: ${queued}`);
    assert.equal(server.text().match(/服务端收到客户端发来的消息/g)?.length, 1, 'the server read one message only');

    await t2.stop();
    await t1.stop();
  });

  for (const [lang, serverRun, senderRun] of [
    ['Python', 'python3 upper_server.py', 'python3 sender.py'],
    ['TypeScript', 'node upper_server.ts', 'node sender.ts'],
  ] as const) {
    test(`${lang}: two sends arrive as one recv (FIRSTSECOND), one send of 5000 bytes as 2048 + 2048 + 904`, async () => {
      const server = await t1.start(serverRun, /服务端已启动/);
      const got = await t2.runToEnd(senderRun);
      assert.equal(t2.exitCode, 0, got);
      await server.wait(/recv\(2048\) 收到 0 字节/);

      const seen = server.text();
      assert.match(seen, /recv\(2048\) 收到 11 字节: b'firstsecond'/);
      assert.deepEqual(
        [...seen.matchAll(/recv\(2048\) 收到 (\d+) 字节/g)].map((m) => Number(m[1])),
        [11, 2048, 2048, 904, 0],
      );
      assert.match(got, /回复: b'FIRSTSECOND'/);
      assert.deepEqual(
        [...got.matchAll(/recv\(\) 收到 (\d+) 字节/g)].map((m) => Number(m[1])),
        [11, 2048, 2048, 904],
        'the busy server answers each recv on its own, so the replies come in the same pieces',
      );
      assert.match(got, /回复一共 5000 字节/);
      await t1.stop();
    });
  }

  for (const [framing, serverRun, senderRun] of [
    ['lines', 'python3 line_server.py', 'node line_sender.ts'],
    ['lines', 'node line_server.ts', 'python3 line_sender.py'],
    ['a length prefix', 'python3 length_server.py', 'node length_sender.ts'],
    ['a length prefix', 'node length_server.ts', 'python3 length_sender.py'],
  ] as const) {
    test(`framing with ${framing} (${serverRun} / ${senderRun}) gets every message back intact`, async () => {
      const server = await t1.start(serverRun, /服务端已启动/);
      const got = await t2.runToEnd(senderRun);
      assert.equal(t2.exitCode, 0, got);
      await server.wait(/recv\(2048\) 收到 0 字节/);

      const seen = server.text();
      // first and second still arrive in one recv, and the 5000 bytes in three: framing is what splits them.
      assert.match(
        seen,
        /recv\(2048\) 收到 (13|19) 字节\n {2}一条消息，5 字节: b'first'\n {2}一条消息，6 字节: b'second'/,
      );
      assert.match(seen, /一条消息，5000 字节: b'x{16}'…/);
      assert.equal(seen.match(/一条消息/g)?.length, 3);
      assert.match(got, /回复: b'FIRST'\n回复: b'SECOND'\n/);
      assert.match(got, /回复: 一条 5000 字节的消息: b'X{16}'…/);
      await t1.stop();
    });
  }

  test('send() hands over only part of 10 MB; sendall() and Node’s write() deliver all of it', async () => {
    for (const [sinkRun, senderRun] of [
      ['python3 sink_server.py', 'python3 send_once.py'],
      ['node sink_server.ts', 'node send_once.ts'],
    ] as const) {
      const sink = await t3.start(sinkRun, /接收端已启动/);
      const sender = await t4.runToEnd(senderRun);
      assert.equal(t4.exitCode, 0, sender);
      if (senderRun.startsWith('python3')) {
        const sent = Number(/send\(\) 返回 (\d+)/.exec(sender)?.[1]);
        assert.ok(sent > 0 && sent < 10_000_000, `send() returned ${sent}`);
        assert.match(sender, /sendall\(\) 返回：剩下的 \d+ 字节也发出去了/);
      } else {
        assert.match(sender, /write\(\) 返回 false：10000000 字节 Node 全部收下了/);
        assert.match(sender, /write\(\) 的回调：10000000 字节全部交给了内核/);
      }
      await sink.wait(/一共收到 10000000 字节/);
      await t3.stop();
    }
  });
});
