/**
 * Lesson 4 as a learner runs it, in a real sandbox: the note's server under `python3 -X dev` (ResourceWarning, a
 * connection left in CLOSE-WAIT), a client that leaves kills it with BrokenPipeError and a reset with
 * ConnectionResetError, Ctrl-C, TIME-WAIT and `Address already in use` unless both the old and the new listening
 * socket have SO_REUSEADDR; EOF, shutdown() against close() in the fixed servers.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lessonLab } from '../support/lesson-tools.ts';
import { finished, listening, ssShows } from '../support/terminal-output.ts';

const SIZE = { cols: 120, rows: 40 };

/** A TIME-WAIT left on the server's side of a connection: local address 127.0.0.1:2333. */
const SERVER_TIME_WAIT = /^\s*0\s+0\s+127\.0\.0\.1:2333\s+127\.0\.0\.1:\d+/m;

describe('lesson 4: connection lifecycle', () => {
  // Each test has a learner of its own, a sandbox and loopback of its own: what a test leaves on 2333 stays with it.
  const lab = lessonLab('04-connection-lifecycle');

  test("the note's server under -X dev: CLOSE-WAIT, ResourceWarning, killed by a client that leaves, Ctrl-C", async () => {
    const { t1, t2, t3, t4 } = await lab.newLearner(['t1', 't2', 't3', 't4'], SIZE);

    let server = t1.run('python3 -X dev note_fixed.py');
    await listening(t4, t1);

    // socat sends a line, reads the whole reply, and leaves. The server never closes its end (A4).
    const client = t3.run('socat - TCP:127.0.0.1:2333');
    t3.type('hi\r');
    await client.wait(/HTTP\/1\.1 200 OK[\s\S]*<\/h1>/);
    await t3.stop();
    // (For a moment the client's side may still be FIN-WAIT-1, until its FIN is acknowledged.)
    const states = await ssShows(
      t4,
      '-tan',
      /FIN-WAIT-2[\s\S]*CLOSE-WAIT|CLOSE-WAIT[\s\S]*FIN-WAIT-2/,
      'a connection the server did not close',
    );
    assert.match(states, /CLOSE-WAIT\s+\d+\s+\d+\s+127\.0\.0\.1:2333\s/);
    assert.match(states, /FIN-WAIT-2\s+\d+\s+\d+\s+127\.0\.0\.1:\d+\s+127\.0\.0\.1:2333/);

    // The next accept() drops the old socket object: the garbage collector closes it, and -X dev says so.
    t3.run('socat - TCP:127.0.0.1:2333');
    await server.wait(
      /note_fixed\.py:22: ResourceWarning: unclosed <socket\.socket fd=4, family=2, type=1, proto=0, laddr=\('127\.0\.0\.1', 2333\), raddr=\('127\.0\.0\.1', \d+\)>/,
    );
    // This client leaves without a word: recv() returns b'', the first send() goes out, the reset kills the second (A11).
    await t3.stop();
    await t1.waitForStatus('idle');
    assert.equal(t1.exitCode, 1);
    assert.match(server.text(), /服务端收到客户端发来的消息:\n/);
    assert.match(
      server.text(),
      /conn\.send\(show_str\.encode\('GB2312'\)\)[^\n]*\n[ ^]*\nBrokenPipeError: \[Errno 32\] Broken pipe/,
    );
    assert.match(
      server.text(),
      /sys:1: ResourceWarning: unclosed <socket\.socket fd=3, [^>]*laddr=\('127\.0\.0\.1', 2333\)>/,
    );

    // A reset instead of a FIN: recv() itself fails.
    server = t1.run('python3 note_fixed.py');
    await listening(t4, t1);
    await t2.runToEnd('python3 reset_client.py');
    await t1.waitForStatus('idle');
    assert.match(
      server.text(),
      /rev_data = conn\.recv\(1024\)[\s\S]*ConnectionResetError: \[Errno 104\] Connection reset by peer/,
    );

    // Ctrl-C: KeyboardInterrupt in accept(); conn.close() never ran, the sockets are closed by the interpreter's exit.
    server = t1.run('python3 -X dev note_fixed.py');
    await listening(t4, t1);
    await t1.stop();
    assert.equal(t1.exitCode, 130);
    assert.match(server.text(), /conn,addr = server\.accept\(\)[\s\S]*\nKeyboardInterrupt\n/);
    assert.match(server.text(), /ResourceWarning: unclosed <socket\.socket fd=3, [^>]*laddr=\('127\.0\.0\.1', 2333\)>/);
  });

  test("after the note's server closes first, nothing can bind 2333 while TIME-WAIT lasts, SO_REUSEADDR or not", async () => {
    const { t1, t3, t4 } = await lab.newLearner(['t1', 't3', 't4'], SIZE);

    t1.run('python3 note_fixed.py');
    await listening(t4, t1);
    const socatDone = finished(t3);
    const client = t3.run('socat - TCP:127.0.0.1:2333');
    t3.type('hi\r');
    await client.wait(/<\/h1>/);
    // The server goes first: its end of the connection is the one left in TIME-WAIT.
    await t1.stop();
    await socatDone;
    await ssShows(t4, '-Htan state time-wait', SERVER_TIME_WAIT, "a TIME-WAIT on the server's port");

    for (const [run, failure] of [
      ['python3 note_fixed.py', /OSError: \[Errno 98\] Address already in use/],
      // Even with SO_REUSEADDR on the new socket: the old one did not have it.
      ['python3 -X dev server.py', /OSError: \[Errno 98\] Address already in use/],
      ['node server.ts', /Error: listen EADDRINUSE: address already in use 127\.0\.0\.1:2333/],
    ] as const) {
      const attempt = await t1.runToEnd(run);
      assert.equal(t1.exitCode, 1, `${run}: ${attempt}`);
      assert.match(attempt, failure);
    }
  });

  test('the fixed servers: EOF, shutdown() against close(), resets survived, restarts with SO_REUSEADDR on both sides', async () => {
    const { t1, t2, t3, t4 } = await lab.newLearner(['t1', 't2', 't3', 't4'], SIZE);

    let server = await t1.start('python3 -X dev server.py', /服务端已启动/);

    for (const [run, reply] of [
      ['python3 client.py', /收到: 服务端一共收到 12 字节: 你好再见\nrecv\(\) 返回 b''：服务端关闭了连接/],
      ['python3 client.py --close', /close\(\)：连接关了[\s\S]*OSError: \[Errno 9\] Bad file descriptor/],
      ['node client.ts', /收到: 服务端一共收到 12 字节: 你好再见\n收到 EOF/],
      ['node client.ts --close', /一个字节也没收到/],
      ['python3 reset_client.py', /close\(\)：发出了 RST/],
      ['node reset_client.ts', /resetAndDestroy\(\)：发出了 RST/],
    ] as const) {
      assert.match(await t2.runToEnd(run), reply, run);
    }
    await server.wait(
      /连接异常断开: ConnectionResetError\(104, 'Connection reset by peer'\)[\s\S]*连接异常断开: ConnectionResetError/,
    );
    assert.equal(server.text().match(/recv\(\) 返回 b''：客户端关闭了发送方向（EOF）/g)?.length, 4);
    assert.equal(t1.status, 'running', 'the fixed server survives clients that reset');

    // socat: Ctrl-D sends a FIN (shutdown), and socat still reads the reply.
    let socatDone = finished(t3);
    const client = t3.run('socat - TCP:127.0.0.1:2333');
    t3.type('hi\r');
    await server.wait(/recv\(\) 收到 3 字节: hi/);
    t3.type('\x04');
    await socatDone;
    assert.match(client.text(), /服务端一共收到 3 字节: hi/);

    // Ctrl-C with a client connected: the server closes first, cleanly, and leaves a TIME-WAIT behind.
    for (const run of ['python3 -X dev server.py', 'node server.ts']) {
      socatDone = finished(t3);
      t3.run('socat - TCP:127.0.0.1:2333');
      await ssShows(t4, "-Htn state established 'dport = :2333'", /127\.0\.0\.1:2333/, 'socat connected');
      await t1.stop();
      await socatDone;
      assert.doesNotMatch(server.text(), /ResourceWarning|Traceback/);
      await ssShows(t4, '-Htan state time-wait', SERVER_TIME_WAIT, "a TIME-WAIT on the server's port");
      // Old and new listening sockets both have SO_REUSEADDR (Node sets it itself): the restart works.
      server = await t1.start(run, /服务端已启动/);
    }

    // A new socket without SO_REUSEADDR still cannot bind.
    await t1.stop();
    const note = await t1.runToEnd('python3 note_fixed.py');
    assert.match(note, /OSError: \[Errno 98\] Address already in use/);
  });
});
