/**
 * Lesson 7 in a real sandbox, the way the lesson runs it: the note's socketserver handler under `python3 -b` (t1)
 * with clients in t2 and t3, then TCPServer against ThreadingTCPServer, the fixed server, and the Node version.
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
import { waitAfter, waitForExit } from '../support/lesson-tools.ts';

const LAB = '07-socketserver-threads';
/** t1's commands in lab.json. */
const NOTE = 0;
const THREADING = 1;
const SINGLE = 2;
const NODE_SERVER = 3;
/** t2's and t3's commands. */
const PYTHON_CLIENT = 0;
const TS_CLIENT = 1;

describe('lesson 7: socketserver threads', () => {
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
    socket?.close();
    await lab?.close();
  });

  /** Starts a client in `probe` and waits for its prompt; returns where its output starts. */
  async function startClient(probe: TerminalProbe, command = PYTHON_CLIENT): Promise<number> {
    const from = probe.text.length;
    socket.run(probe.id, command);
    await waitAfter(probe, from, /已连接到服务端 127\.0\.0\.1:2333[^\n]*\n>>/);
    return from;
  }

  /** Types a line into a client and waits for the reply. */
  async function ask(probe: TerminalProbe, line: string, reply: string): Promise<void> {
    const from = probe.text.length;
    probe.type(`${line}\r`);
    await waitAfter(probe, from, new RegExp(`收到回复: ${reply}\\n`));
  }

  /** Quits a client with an empty line. */
  async function quit(probe: TerminalProbe): Promise<void> {
    probe.type('\r');
    await waitForExit(probe, 0);
  }

  test("the note's handler under -b: BytesWarning, exit matches nothing, Ctrl-C waits for the client", async () => {
    const start = t1.text.length;
    socket.run('t1', NOTE);
    await waitAfter(t1, start, /服务器已开启/);
    await startClient(t2);
    await ask(t2, 'hello', 'HELLO');
    await waitAfter(t1, start, /receive from \(\('127\.0\.0\.1', \d+\)\):b'hello'/);
    await waitAfter(t1, start, /BytesWarning: Comparison between bytes and string\n\s+if self\.data == 'exit':/);

    // b'exit' == 'exit' is False: the reply is EXIT, the handler goes on, the client stays connected.
    await ask(t2, 'exit', 'EXIT');
    await waitAfter(t1, start, /b'exit'/);
    assert.doesNotMatch(plain(t1.text.slice(start)), /server exit/);
    assert.equal(t2.status, 'running');

    // Ctrl-C stops serve_forever() and the traceback appears, but the process waits for the handler thread.
    const stop = t1.text.length;
    socket.signal('t1', 'SIGINT');
    await waitAfter(t1, stop, /server\.serve_forever\(\)[\s\S]*KeyboardInterrupt/);
    const { output } = await t4.exec('ps -o pid,args -C python3');
    assert.match(output, /python3 -b note_handler\.py/, 'the server still runs after Ctrl-C');
    assert.equal(t1.status, 'running');
    // The client leaves: the handler thread ends, and so does the process (killed by the SIGINT it got: 130).
    await quit(t2);
    await waitForExit(t1, 130);
  });

  test('TCPServer answers a second client only after the first leaves', async () => {
    const start = t1.text.length;
    socket.run('t1', SINGLE);
    await waitAfter(t1, start, /服务端已启动（TCPServer，单线程）/);
    await startClient(t2);
    await ask(t2, 'one', 'ONE');
    const from3 = await startClient(t3);
    t3.type('two\r');
    await waitAfter(t3, from3, /two\n/);
    // The first client is still served; the second one's message waits, unanswered and not even accepted.
    await ask(t2, 'ping', 'PING');
    assert.doesNotMatch(plain(t3.text.slice(from3)), /收到回复/);
    assert.equal(plain(t1.text.slice(start)).match(/客户端已连接/g)?.length, 1);

    await quit(t2);
    await waitAfter(t3, from3, /收到回复: TWO\n/);
    await waitAfter(t1, start, /客户端已连接[\s\S]*客户端已连接/);
    await quit(t3);
    socket.signal('t1', 'SIGINT');
    await waitAfter(t1, start, /服务端已停止/);
    await waitForExit(t1, 0);
  });

  test('ThreadingTCPServer answers both at once, one thread each; exit ends one connection; Ctrl-C exits', async () => {
    const start = t1.text.length;
    socket.run('t1', THREADING);
    await waitAfter(t1, start, /服务端已启动（ThreadingTCPServer，每个连接一个线程）/);
    await startClient(t2);
    await ask(t2, 'one', 'ONE');
    const from3 = await startClient(t3);
    await ask(t3, 'two', 'TWO'); // while client 1 is still connected
    assert.equal(t2.status, 'running');

    const threads = [...plain(t1.text.slice(start)).matchAll(/\[线程 (\d+)\] 客户端已连接/g)].map((m) => m[1]);
    assert.equal(threads.length, 2);
    assert.notEqual(threads[0], threads[1], 'each client has its own thread');
    const ps = await t4.exec('ps -L -o pid,lwp,args -C python3');
    assert.equal(ps.output.match(/server\.py/g)?.length, 3, `main thread + 2 handler threads:\n${ps.output}`);

    // exit, compared as bytes, ends this connection only.
    await ask(t3, 'exit', 'BYE');
    await waitAfter(t1, start, /b'exit'\n\[线程 \d+\] 客户端已断开/);
    await ask(t2, 'still there?', 'STILL THERE\\?');
    t3.type('after bye\r');
    await waitAfter(t3, from3, /服务端关闭了连接/);
    await waitForExit(t3, 0);

    // Ctrl-C with client 1 still connected: daemon threads do not hold the process back.
    socket.signal('t1', 'SIGINT');
    await waitAfter(t1, start, /服务端已停止/);
    await waitForExit(t1, 0, 5000);
    const from2 = t2.text.length;
    t2.type('anyone?\r');
    await waitAfter(t2, from2, /服务端关闭了连接/);
    await waitForExit(t2, 0);
  });

  test('the fixed server restarts at once on the same port (allow_reuse_address)', async () => {
    // The previous test stopped the server while a client was connected: the server closed first, so port 2333 has
    // a TIME-WAIT connection now, which does not stop a server with SO_REUSEADDR.
    const { output } = await t4.exec('ss -tan state time-wait');
    assert.match(output, /127\.0\.0\.1:2333\s/);
    const start = t1.text.length;
    socket.run('t1', THREADING);
    await waitAfter(t1, start, /正在监听 127\.0\.0\.1:2333/);
    socket.signal('t1', 'SIGINT');
    await waitForExit(t1, 0);
  });

  test('Node serves every client at once in one thread; TypeScript clients; Ctrl-C exits', async () => {
    const start = t1.text.length;
    socket.run('t1', NODE_SERVER);
    await waitAfter(t1, start, /服务端已启动（Node，单线程事件循环）/);
    await startClient(t2, TS_CLIENT);
    await ask(t2, 'one', 'ONE');
    const from3 = await startClient(t3, TS_CLIENT);
    await ask(t3, '你好 node', '你好 NODE');
    const threads = new Set([...plain(t1.text.slice(start)).matchAll(/\[线程 (\d+)\]/g)].map((m) => m[1]));
    assert.equal(threads.size, 1, 'one thread serves everybody');

    await ask(t3, 'exit', 'BYE');
    await waitAfter(t1, start, /"exit"\n\[线程 \d+\] 客户端已断开/);
    t3.type('after bye\r');
    await waitAfter(t3, from3, /服务端关闭了连接/);
    await waitForExit(t3, 0);

    socket.signal('t1', 'SIGINT');
    await waitAfter(t1, start, /服务端已停止/);
    await waitForExit(t1, 0, 5000);
    await quit(t2);
  });
});
