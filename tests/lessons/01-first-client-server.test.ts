/**
 * Lesson 1, run the way the lesson runs it: the note's code fails to compile, the fixed server and clients talk in
 * Python and TypeScript (and across), `ss` shows the listening socket and one established pair per client, and a
 * second client waits while the first is served.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LabSocket } from '../../src/components/lab/lab-socket.ts';
import {
  labSocket,
  newLearnerCookie,
  plain,
  probesAtPrompt,
  startTestLab,
  TerminalProbe,
  type TestLab,
} from '../support/lab-harness.ts';

const LAB = '01-first-client-server';
/** Command indexes in examples/01-first-client-server/lab.json. */
const SERVER = { note: 0, python: 1, typescript: 2 };
const CLIENT = { python: 0, typescript: 1 };

describe('lesson 1: a first client and server', () => {
  let lab: TestLab;
  let socket: LabSocket;
  let t1: TerminalProbe;
  let t2: TerminalProbe;
  let t3: TerminalProbe;
  let t4: TerminalProbe;

  before(async () => {
    lab = await startTestLab();
    socket = labSocket(lab, LAB, await newLearnerCookie(lab));
    [t1, t2, t3, t4] = await probesAtPrompt(socket, ['t1', 't2', 't3', 't4']);
  });

  after(async () => {
    socket.close();
    await lab.close();
  });

  const stop = async (probe: TerminalProbe, id: string) => {
    socket.signal(id, 'SIGINT');
    await probe.until(() => probe.status === 'idle', `${id} to stop`);
  };

  test("the note's code does not run at all: a SyntaxError in the bytes literal", async () => {
    socket.run('t1', SERVER.note);
    await t1.until(() => t1.status === 'idle' && t1.exitCode === 1, 'python to fail');
    assert.match(plain(t1.text), /SyntaxError: bytes can only contain ASCII literal characters/);
    assert.match(plain(t1.text), /conn\.send\(b"HTTP\/1\.1 200 OK 、/);
  });

  for (const [server, client] of [
    ['python', 'python'],
    ['typescript', 'typescript'],
    ['python', 'typescript'],
    ['typescript', 'python'],
  ] as const) {
    test(`a ${client} client talks to the ${server} server; a second client waits its turn`, async () => {
      socket.run('t1', SERVER[server]);
      await t1.waitForText('正在监听 127.0.0.1:2333');
      socket.run('t2', CLIENT[client]);
      await t2.waitForText('已连接到服务端');
      t2.type('你好 server\r');
      await t1.waitForText('服务端收到客户端发来的消息: 你好 server');
      await t2.waitForText('客户端收到服务器回复的消息: 服务端已收到: 你好 server');

      socket.run('t3', CLIENT[client]);
      await t3.waitForText('已连接到服务端');
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
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.doesNotMatch(t1.text, /排队/, 'the second client is not served while the first is');

      t2.type('\r');
      await t2.until(() => t2.status === 'idle', 'client 1 to leave');
      await t1.waitForText('服务端收到客户端发来的消息: 排队');
      await t3.waitForText('服务端已收到: 排队');
      t3.type('\r');
      await t3.until(() => t3.status === 'idle', 'client 2 to leave');
      await stop(t1, 't1');
      t1.text = t2.text = t3.text = '';
    });
  }
});
