/**
 * Lesson 7 in a real sandbox, the way the lesson runs it: the note's socketserver handler under `python3 -b` (t1)
 * with clients in t2 and t3, then TCPServer against ThreadingTCPServer, the fixed server, and the Node version.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openLesson, type LessonTerminal } from '../support/lesson-tools.ts';
import { from, waitForExit, type Output } from '../support/terminal-output.ts';

/** What t1's commands run, in examples/07-socketserver-threads/lab.json. */
const NOTE = 'python3 -b note_handler.py';
const THREADING = 'python3 server.py';
const SINGLE = 'python3 server.py --single';
const NODE_SERVER = 'node server.ts';
/** t2's and t3's. */
const PYTHON_CLIENT = 'python3 client.py';
const TS_CLIENT = 'node client.ts';

describe('lesson 7: socketserver threads', () => {
  const { t1, t2, t3, t4 } = openLesson('07-socketserver-threads', ['t1', 't2', 't3', 't4']);

  /** Starts a client in `probe` and waits for its prompt; returns what it shows. */
  const startClient = (probe: LessonTerminal, command = PYTHON_CLIENT): Promise<Output> =>
    probe.start(command, /已连接到服务端 127\.0\.0\.1:2333[^\n]*\n>>/);

  /** Types a line into a client and waits for the reply. */
  const ask = (probe: LessonTerminal, line: string, reply: string) =>
    probe.ask(line, new RegExp(`收到回复: ${reply}\\n`));

  /** Quits a client with an empty line. */
  async function quit(probe: LessonTerminal): Promise<void> {
    probe.type('\r');
    await waitForExit(probe, 0);
  }

  test("the note's handler under -b: BytesWarning, exit matches nothing, Ctrl-C waits for the client", async () => {
    const server = await t1.start(NOTE, /服务器已开启/);
    await startClient(t2);
    await ask(t2, 'hello', 'HELLO');
    await server.wait(/receive from \(\('127\.0\.0\.1', \d+\)\):b'hello'/);
    await server.wait(/BytesWarning: Comparison between bytes and string\n\s+if self\.data == 'exit':/);

    // b'exit' == 'exit' is False: the reply is EXIT, the handler goes on, the client stays connected.
    await ask(t2, 'exit', 'EXIT');
    await server.wait(/b'exit'/);
    assert.doesNotMatch(server.text(), /server exit/);
    assert.equal(t2.status, 'running');

    // Ctrl-C stops serve_forever() and the traceback appears, but the process waits for the handler thread.
    const stopping = from(t1);
    t1.interrupt();
    await stopping.wait(/server\.serve_forever\(\)[\s\S]*KeyboardInterrupt/);
    const { output } = await t4.exec('ps -o pid,args -C python3');
    assert.match(output, /python3 -b note_handler\.py/, 'the server still runs after Ctrl-C');
    assert.equal(t1.status, 'running');
    // The client leaves: the handler thread ends, and so does the process (killed by the SIGINT it got: 130).
    await quit(t2);
    await waitForExit(t1, 130);
  });

  test('TCPServer answers a second client only after the first leaves', async () => {
    const server = await t1.start(SINGLE, /服务端已启动（TCPServer，单线程）/);
    await startClient(t2);
    await ask(t2, 'one', 'ONE');
    const client3 = await startClient(t3);
    t3.type('two\r');
    await client3.wait(/two\n/);
    // The first client is still served; the second one's message waits, unanswered and not even accepted.
    await ask(t2, 'ping', 'PING');
    assert.doesNotMatch(client3.text(), /收到回复/);
    assert.equal(server.text().match(/客户端已连接/g)?.length, 1);

    await quit(t2);
    await client3.wait(/收到回复: TWO\n/);
    await server.wait(/客户端已连接[\s\S]*客户端已连接/);
    await quit(t3);
    t1.interrupt();
    await server.wait(/服务端已停止/);
    await waitForExit(t1, 0);
  });

  test('ThreadingTCPServer answers both at once, one thread each; exit ends one connection; Ctrl-C exits', async () => {
    const server = await t1.start(THREADING, /服务端已启动（ThreadingTCPServer，每个连接一个线程）/);
    await startClient(t2);
    await ask(t2, 'one', 'ONE');
    await startClient(t3);
    await ask(t3, 'two', 'TWO'); // while client 1 is still connected
    assert.equal(t2.status, 'running');

    const threads = [...server.text().matchAll(/\[线程 (\d+)\] 客户端已连接/g)].map((m) => m[1]);
    assert.equal(threads.length, 2);
    assert.notEqual(threads[0], threads[1], 'each client has its own thread');
    const ps = await t4.exec('ps -L -o pid,lwp,args -C python3');
    assert.equal(ps.output.match(/server\.py/g)?.length, 3, `main thread + 2 handler threads:\n${ps.output}`);

    // exit, compared as bytes, ends this connection only.
    await ask(t3, 'exit', 'BYE');
    await server.wait(/b'exit'\n\[线程 \d+\] 客户端已断开/);
    await ask(t2, 'still there?', 'STILL THERE\\?');
    await t3.ask('after bye', /服务端关闭了连接/);
    await waitForExit(t3, 0);

    // Ctrl-C with client 1 still connected: daemon threads do not hold the process back.
    t1.interrupt();
    await server.wait(/服务端已停止/);
    await waitForExit(t1, 0, 5000);
    await t2.ask('anyone?', /服务端关闭了连接/);
    await waitForExit(t2, 0);
  });

  test('the fixed server restarts at once on the same port (allow_reuse_address)', async () => {
    // The previous test stopped the server while a client was connected: the server closed first, so port 2333 has
    // a TIME-WAIT connection now, which does not stop a server with SO_REUSEADDR.
    const { output } = await t4.exec('ss -tan state time-wait');
    assert.match(output, /127\.0\.0\.1:2333\s/);
    await t1.start(THREADING, /正在监听 127\.0\.0\.1:2333/);
    t1.interrupt();
    await waitForExit(t1, 0);
  });

  test('Node serves every client at once in one thread; TypeScript clients; Ctrl-C exits', async () => {
    const server = await t1.start(NODE_SERVER, /服务端已启动（Node，单线程事件循环）/);
    await startClient(t2, TS_CLIENT);
    await ask(t2, 'one', 'ONE');
    await startClient(t3, TS_CLIENT);
    await ask(t3, '你好 node', '你好 NODE');
    const threads = new Set([...server.text().matchAll(/\[线程 (\d+)\]/g)].map((m) => m[1]));
    assert.equal(threads.size, 1, 'one thread serves everybody');

    await ask(t3, 'exit', 'BYE');
    await server.wait(/"exit"\n\[线程 \d+\] 客户端已断开/);
    await t3.ask('after bye', /服务端关闭了连接/);
    await waitForExit(t3, 0);

    t1.interrupt();
    await server.wait(/服务端已停止/);
    await waitForExit(t1, 0, 5000);
    await quit(t2);
  });
});
