/**
 * Lesson 1, run the way the lesson runs it: the note's code fails to compile, the fixed server and clients talk in
 * Python and TypeScript (and across), `ss` shows the listening socket and one established pair per client, and a
 * second client waits while the first is served.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openLesson } from '../support/lesson-tools.ts';
import { ssShows } from '../support/terminal-output.ts';

/** What t1's and t2's/t3's commands run, in examples/01-first-client-server/lab.json. */
const SERVER = { note: 'python3 note_original.py', python: 'python3 server.py', typescript: 'node server.ts' };
const CLIENT = { python: 'python3 client.py', typescript: 'node client.ts' };

describe('lesson 1: a first client and server', () => {
  const { t1, t2, t3, t4 } = openLesson('01-first-client-server', ['t1', 't2', 't3', 't4']);

  test("the note's code does not run at all: a SyntaxError in the bytes literal", async () => {
    const note = t1.run(SERVER.note);
    await t1.until(() => t1.status === 'idle' && t1.exitCode === 1, 'python to fail');
    assert.match(note.text(), /SyntaxError: bytes can only contain ASCII literal characters/);
    assert.match(note.text(), /conn\.send\(b"HTTP\/1\.1 200 OK 、/);
  });

  for (const [server, client] of [
    ['python', 'python'],
    ['typescript', 'typescript'],
    ['python', 'typescript'],
    ['typescript', 'python'],
  ] as const) {
    test(`a ${client} client talks to the ${server} server; a second client waits its turn`, async () => {
      const served = await t1.start(SERVER[server], '正在监听 127.0.0.1:2333');
      await t2.start(CLIENT[client], '已连接到服务端');
      const first = t2.ask('你好 server', '客户端收到服务器回复的消息: 服务端已收到: 你好 server');
      await served.wait('服务端收到客户端发来的消息: 你好 server');
      await first;

      const second = await t3.start(CLIENT[client], '已连接到服务端');
      t3.type('排队\r');
      const sockets = await t4.exec('ss -tan');
      assert.match(sockets.output, /LISTEN\s+\d+\s+5\s+127\.0\.0\.1:2333/);
      // Each client has an established pair: its own end, and the server's end (accepted or still queued).
      const established = sockets.output
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter(([state]) => state === 'ESTAB');
      assert.equal(established.filter(([, , , local]) => local === '127.0.0.1:2333').length, 2, sockets.output);
      assert.equal(established.filter(([, , , , peer]) => peer === '127.0.0.1:2333').length, 2, sockets.output);
      // The second client's message has reached the server's side of its connection and lies there unread.
      await ssShows(t4, "-Htn 'sport = :2333'", /^ESTAB\s+[1-9]/m, "the second client's message queued, unread");
      assert.doesNotMatch(served.text(), /排队/, 'the second client is not served while the first is');

      t2.type('\r');
      await t2.until(() => t2.status === 'idle', 'client 1 to leave');
      await served.wait('服务端收到客户端发来的消息: 排队');
      await second.wait('服务端已收到: 排队');
      t3.type('\r');
      await t3.until(() => t3.status === 'idle', 'client 2 to leave');
      await t1.stop();
    });
  }
});
