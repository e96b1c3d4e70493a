/**
 * Lesson 9 as the learner runs it: one thread serving many sockets. The selectors echo server (and its Node twin)
 * answers two clients that are connected at the same time; in the asyncio chat room (and its Node twin) a line typed
 * in one client reaches the others; `ps -T` shows the Python server's single thread.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { LabSocket } from '../../src/components/lab/lab-socket.ts';
import {
  labSocket,
  newLearnerCookie,
  plain,
  startTestLab,
  TerminalProbe,
  type TestLab,
} from '../support/lab-harness.ts';

const LAB = '09-selectors-asyncio';
/** lab.json: t1's commands. */
const ECHO_PY = 0;
const ECHO_TS = 1;
const CHAT_PY = 2;
const CHAT_TS = 3;
/** t2–t4's commands. */
const NC = 0;
const CLIENT_PY = 1;
const CLIENT_TS = 2;

/** How often `text` occurs on a terminal's screen. */
function count(probe: TerminalProbe, text: string): number {
  return plain(probe.text).split(text).length - 1;
}

describe('lesson 9: one thread, many sockets', () => {
  let lab: TestLab;
  let socket: LabSocket;
  const t: Record<string, TerminalProbe> = {};

  before(async () => {
    lab = await startTestLab();
    socket = labSocket(lab, LAB, await newLearnerCookie(lab));
    for (const id of ['t1', 't2', 't3', 't4', 't5']) t[id] = new TerminalProbe(socket, id, 120, 40);
    await Promise.all(Object.values(t).map((probe) => probe.waitForStatus('idle')));
  });

  // A failed test must not leave its programs running into the next one.
  afterEach(() => stopAll());

  after(async () => {
    socket?.close();
    await lab?.close();
  });

  /** Runs `command` of terminal `id` and waits for `ready` on its screen (only in what this run printed). */
  async function run(id: string, command: number, ready: RegExp): Promise<void> {
    const probe = t[id] as TerminalProbe;
    const from = probe.text.length;
    socket.run(id, command);
    await probe.until(() => ready.test(plain(probe.text.slice(from))), `${id} to show ${ready}`);
  }

  /** Ctrl-C in every terminal that runs something, then waits for the prompts. */
  async function stopAll(): Promise<void> {
    for (const [id, probe] of Object.entries(t)) if (probe.status === 'running') socket.signal(id, 'SIGINT');
    await Promise.all(Object.values(t).map((probe) => probe.waitForStatus('idle')));
  }

  for (const [server, command, clients] of [
    ['echo_server.py (selectors)', ECHO_PY, [NC, NC]],
    ['echo_server.ts (Node event loop)', ECHO_TS, [CLIENT_PY, CLIENT_TS]],
  ] as const) {
    test(`${server} serves two connected clients at once`, async () => {
      const t1 = t['t1'] as TerminalProbe;
      const start = t1.text.length;
      await run('t1', command, /已启动，正在监听 127\.0\.0\.1:2333/);
      await run('t2', clients[0], clients[0] === NC ? /nc 127\.0\.0\.1 2333/ : /已连接到 127\.0\.0\.1:2333/);
      await t1.waitForText(/在线 1 个/);
      await run('t3', clients[1], clients[1] === NC ? /nc 127\.0\.0\.1 2333/ : /已连接到 127\.0\.0\.1:2333/);
      await t1.waitForText(/在线 2 个/);

      // Client 2 is served while client 1 is still connected (lesson 1's server made it wait), then client 1 too.
      for (const [id, line] of [
        ['t3', 'second client says hi'],
        ['t2', 'first client 你好'],
      ] as const) {
        const probe = t[id] as TerminalProbe;
        probe.type(`${line}\r`);
        // The terminal shows the typed line once (its own echo) and the server's echo once more.
        await probe.until(() => count(probe, line) >= 2, `${id} to get "${line}" echoed back`);
        await t1.waitForText(new RegExp(`收到 127\\.0\\.0\\.1:\\d+ 的 \\d+ 字节: ${line}`));
      }
      const screen = plain(t1.text.slice(start));
      if (command === ECHO_PY) assert.match(screen, /在线 2 个，线程数 1）/, 'one thread serves both clients');
      await stopAll();
      assert.match(plain(t1.text.slice(start)), /服务端已停止/);
    });
  }

  for (const [server, command, clients, pythonThreads] of [
    ['chat_server.py (asyncio)', CHAT_PY, [CLIENT_PY, CLIENT_TS, NC], true],
    ['chat_server.ts (Node event loop)', CHAT_TS, [NC, CLIENT_PY, CLIENT_TS], false],
  ] as const) {
    test(`${server}: a line from one client reaches all the others`, async () => {
      const t1 = t['t1'] as TerminalProbe;
      const start = t1.text.length;
      await run('t1', command, /聊天室（.+）已启动，正在监听 127\.0\.0\.1:2333，pid \d+/);
      const pid = /pid (\d+)/.exec(plain(t1.text.slice(start)))?.[1] as string;
      const ids = ['t2', 't3', 't4'] as const;
      for (const [i, id] of ids.entries()) {
        await run(id, clients[i] as number, /欢迎 127\.0\.0\.1:\d+，在线 \d 人/);
        await t1.waitForText(new RegExp(`加入（在线 ${i + 1} 人`));
      }
      // Everyone hears about the others joining.
      await (t['t2'] as TerminalProbe).waitForText(/加入了聊天室[\s\S]*加入了聊天室/);

      for (const [from, line] of [
        ['t2', 'hello from client 1'],
        ['t4', '客户端 3 说你好'],
      ] as const) {
        (t[from] as TerminalProbe).type(`${line}\r`);
        await t1.waitForText(new RegExp(`127\\.0\\.0\\.1:\\d+: ${line}`));
        for (const id of ids.filter((id) => id !== from)) {
          await (t[id] as TerminalProbe).waitForText(new RegExp(`127\\.0\\.0\\.1:\\d+: ${line}`));
        }
        // The sender is not sent its own line: it shows only what the terminal echoed as it was typed.
        assert.equal(count(t[from] as TerminalProbe, line), 1);
      }

      // One process; `ps -T` lists its threads: one for asyncio, several for Node (its JavaScript runs on one).
      const ps = await (t['t5'] as TerminalProbe).exec(`ps -T -p ${pid} --no-headers | wc -l`);
      const threads = Number(/^(\d+)\s*$/m.exec(ps.output)?.[1]);
      if (pythonThreads) assert.equal(threads, 1, ps.output);
      else assert.ok(threads > 1, ps.output);

      // A client leaving is announced to the rest.
      socket.signal('t4', 'SIGINT');
      await (t['t2'] as TerminalProbe).waitForText(/离开了聊天室/);
      await stopAll();
      // The clients notice the server going away (nc just ends).
      assert.match(plain((t['t3'] as TerminalProbe).text), /服务端关闭了连接|\$ /);
    });
  }

  test('asyncio comes with Python: no pip needed', async () => {
    const t5 = t['t5'] as TerminalProbe;
    const where = await t5.exec(`python3 -c 'import asyncio; print(asyncio.__file__)'`);
    assert.match(where.output, /^\/usr\/lib\/python3\.11\/asyncio\/__init__\.py$/m);
    const marker = await t5.exec('cat /usr/lib/python3.11/EXTERNALLY-MANAGED');
    assert.match(marker.output, /To install Python packages system-wide, try apt install/);
  });
});
