/**
 * Lesson 9 as the learner runs it: one thread serving many sockets. The selectors echo server (and its Node twin)
 * answers two clients that are connected at the same time; in the asyncio chat room (and its Node twin) a line typed
 * in one client reaches the others; `ps -T` shows the Python server's single thread.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { openLesson } from '../support/lesson-tools.ts';
import { type Output } from '../support/terminal-output.ts';

/** What t1's commands run, in examples/09-selectors-asyncio/lab.json. */
const ECHO_PY = 'python3 echo_server.py';
const ECHO_TS = 'node echo_server.ts';
const CHAT_PY = 'python3 chat_server.py';
const CHAT_TS = 'node chat_server.ts';
/** t2–t4's. */
const NC = 'nc 127.0.0.1 2333';
const CLIENT_PY = 'python3 chat_client.py';
const CLIENT_TS = 'node chat_client.ts';

/** How often `line` occurs in what a terminal showed. */
function count(shown: Output, line: string): number {
  return shown.text().split(line).length - 1;
}

describe('lesson 9: one thread, many sockets', () => {
  const lesson = openLesson('09-selectors-asyncio', ['t1', 't2', 't3', 't4', 't5'], { cols: 120, rows: 40 });
  const { t1, t2, t3, t4, t5 } = lesson;

  // A failed test must not leave its programs running into the next one.
  afterEach(() => lesson.stopAll());

  for (const [server, command, clients] of [
    ['echo_server.py (selectors)', ECHO_PY, [NC, NC]],
    ['echo_server.ts (Node event loop)', ECHO_TS, [CLIENT_PY, CLIENT_TS]],
  ] as const) {
    test(`${server} serves two connected clients at once`, async () => {
      const served = await t1.start(command, /已启动，正在监听 127\.0\.0\.1:2333/);
      const connected = (run: string) => (run === NC ? /nc 127\.0\.0\.1 2333/ : /已连接到 127\.0\.0\.1:2333/);
      const client1 = await t2.start(clients[0], connected(clients[0]));
      await served.wait(/在线 1 个/);
      const client2 = await t3.start(clients[1], connected(clients[1]));
      await served.wait(/在线 2 个/);

      // Client 2 is served while client 1 is still connected (lesson 1's server made it wait), then client 1 too.
      for (const [probe, shown, line] of [
        [t3, client2, 'second client says hi'],
        [t2, client1, 'first client 你好'],
      ] as const) {
        probe.type(`${line}\r`);
        // The terminal shows the typed line once (its own echo) and the server's echo once more.
        await probe.until(() => count(shown, line) >= 2, `${probe.id} to get "${line}" echoed back`);
        await served.wait(new RegExp(`收到 127\\.0\\.0\\.1:\\d+ 的 \\d+ 字节: ${line}`));
      }
      if (command === ECHO_PY) assert.match(served.text(), /在线 2 个，线程数 1）/, 'one thread serves both clients');
      await lesson.stopAll();
      assert.match(served.text(), /服务端已停止/);
    });
  }

  for (const [server, command, clients, pythonThreads] of [
    ['chat_server.py (asyncio)', CHAT_PY, [CLIENT_PY, CLIENT_TS, NC], true],
    ['chat_server.ts (Node event loop)', CHAT_TS, [NC, CLIENT_PY, CLIENT_TS], false],
  ] as const) {
    test(`${server}: a line from one client reaches all the others`, async () => {
      const served = await t1.start(command, /聊天室（.+）已启动，正在监听 127\.0\.0\.1:2333，pid \d+/);
      const pid = /pid (\d+)/.exec(served.text())?.[1] as string;
      const ids = ['t2', 't3', 't4'] as const;
      const shown = {} as Record<(typeof ids)[number], Output>;
      for (const [i, id] of ids.entries()) {
        shown[id] = await lesson[id].start(clients[i] as string, /欢迎 127\.0\.0\.1:\d+，在线 \d 人/);
        await served.wait(new RegExp(`加入（在线 ${i + 1} 人`));
      }
      // Everyone hears about the others joining.
      await shown.t2.wait(/加入了聊天室[\s\S]*加入了聊天室/);

      for (const [from, line] of [
        ['t2', 'hello from client 1'],
        ['t4', '客户端 3 说你好'],
      ] as const) {
        lesson[from].type(`${line}\r`);
        const relayed = new RegExp(`127\\.0\\.0\\.1:\\d+: ${line}`);
        await served.wait(relayed);
        for (const id of ids.filter((id) => id !== from)) await shown[id].wait(relayed);
        // The sender is not sent its own line: it shows only what the terminal echoed as it was typed.
        await shown[from].wait(line);
        assert.equal(count(shown[from], line), 1);
      }

      // One process; `ps -T` lists its threads: one for asyncio, several for Node (its JavaScript runs on one).
      const ps = await t5.exec(`ps -T -p ${pid} --no-headers | wc -l`);
      const threads = Number(/^(\d+)\s*$/m.exec(ps.output)?.[1]);
      if (pythonThreads) assert.equal(threads, 1, ps.output);
      else assert.ok(threads > 1, ps.output);

      // A client leaving is announced to the rest.
      t4.interrupt();
      await shown.t2.wait(/离开了聊天室/);
      // Its prompt back first: stopAll would otherwise press Ctrl-C again at a terminal still shown as running, and
      // bash, handling that at its fresh prompt, drops the first key of the next test's command (seen: `ode: command
      // not found` for `node chat_client.ts`).
      await t4.waitForStatus('idle');
      await lesson.stopAll();
      // The clients notice the server going away (nc just ends).
      await shown.t3.wait(/服务端关闭了连接|\$ /);
    });
  }

  test('asyncio comes with Python: no pip needed', async () => {
    const where = await t5.exec(`python3 -c 'import asyncio; print(asyncio.__file__)'`);
    assert.match(where.output, /^\/usr\/lib\/python3\.11\/asyncio\/__init__\.py$/m);
    const marker = await t5.exec('cat /usr/lib/python3.11/EXTERNALLY-MANAGED');
    assert.match(marker.output, /To install Python packages system-wide, try apt install/);
  });
});
