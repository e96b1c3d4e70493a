/**
 * Lesson 11 as a learner runs it, in a real sandbox: `pip install websockets` is refused (PEP 668) and the Debian
 * package is websockets 10.4, where the websockets ≥ 14 code cannot even import; the chat room on 10.4 and the one on
 * Node's ws broadcast every message to every client — the library's own `python3 -m websockets`, client.py and the
 * Node ws client.ts — and close everyone with 1001 on Ctrl-C.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lessonLab } from '../support/lesson-tools.ts';
import { type Output } from '../support/terminal-output.ts';

/** What the commands run, in examples/11-websockets-library/lab.json. */
const T1_PYTHON = '/usr/bin/python3 server.py';
const T1_TYPESCRIPT = 'node server.ts';
const T1_NEW_API = '/usr/bin/python3 server_new_api.py';
const T1_VERSION = '/usr/bin/python3 -m websockets --version';
const T2_WEBSOCKETS_CLI = 'python3 -m websockets ws://127.0.0.1:8765/';
const T3_NODE_CLIENT = 'node client.ts';
const T3_PYTHON_CLIENT = 'python3 client.py';

/** "127.0.0.1:54321" as the chat server names a client: the port a client printed in its own join message. */
async function joinedAs(seen: Output): Promise<string> {
  const joined = /\*\*\* (127\.0\.0\.1:\d+) 加入了聊天室/;
  const name = joined.exec(await seen.wait(joined))?.[1];
  assert.ok(name);
  return name;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('lesson 11: the websockets library and a browser chat', () => {
  // Each test has a learner of its own, in a fresh sandbox.
  const lab = lessonLab('11-websockets-library');
  const learner = () => lab.newLearner(['t1', 't2', 't3'], { cols: 160, rows: 40 });

  test("pip is refused by PEP 668, Debian's websockets is 10.4, and the websockets ≥ 14 code cannot import", async () => {
    const { t1 } = await learner();
    assert.match(await t1.runToEnd(T1_VERSION), /^websockets 10\.4$/m);

    const pip = await t1.exec('pip install websockets');
    assert.notEqual(pip.code, 0);
    assert.match(pip.output, /error: externally-managed-environment/);
    assert.match(pip.output, /apt install\s+python3-xyz/);

    const newApi = await t1.runToEnd(T1_NEW_API);
    assert.match(newApi, /ModuleNotFoundError: No module named 'websockets\.asyncio'/);
    assert.equal(t1.exitCode, 1);
  });

  for (const server of [
    { lang: 'Python (websockets 10.4)', run: T1_PYTHON, node: true },
    { lang: 'TypeScript (ws)', run: T1_TYPESCRIPT, node: false },
  ]) {
    test(`the ${server.lang} chat room broadcasts every message to every client and closes them with 1001`, async () => {
      const { t1, t2, t3 } = await learner();
      const serverSide = await t1.start(server.run, /聊天室已启动: ws:\/\/127\.0\.0\.1:8765\//);

      // Client 1: the interactive client shipped with the library.
      const seen2 = await t2.start(T2_WEBSOCKETS_CLI, /Connected to ws:\/\/127\.0\.0\.1:8765\/\./);
      const name2 = await joinedAs(seen2);
      await serverSide.wait(
        new RegExp(`${escape(name2)} 加入（路径 /，User-Agent: Python/3\\.11 websockets/10\\.4），在线 1 人`),
      );

      // Client 2: Node's ws (against the Python server) or client.py (against the Node server).
      const seen3 = await t3.start(
        server.node ? T3_NODE_CLIENT : T3_PYTHON_CLIENT,
        /已连接 ws:\/\/127\.0\.0\.1:8765\//,
      );
      const name3 = await joinedAs(seen3);
      await seen2.wait(new RegExp(`< \\*\\*\\* ${escape(name3)} 加入了聊天室，在线 2 人`));

      t2.type('hello from the library client 你好\r');
      const line2 = `${name2}: hello from the library client 你好`;
      await serverSide.wait(new RegExp(`^${escape(line2)}$`, 'm'));
      await seen3.wait(new RegExp(`< ${escape(line2)}`));
      await seen2.wait(new RegExp(`< ${escape(line2)}`)); // the sender gets its own message back

      t3.type('hello from client 2\r');
      const line3 = `${name3}: hello from client 2`;
      await seen2.wait(new RegExp(`< ${escape(line3)}`));
      await seen3.wait(new RegExp(`< ${escape(line3)}`));

      t3.type('\x04'); // Ctrl-D: a normal close
      await seen3.wait(/连接已关闭: 1000/);
      await serverSide.wait(new RegExp(`${escape(name3)} 离开（关闭码 1000），在线 1 人`));
      await seen2.wait(new RegExp(`< \\*\\*\\* ${escape(name3)} 离开了聊天室，在线 1 人`));
      await t3.waitForStatus('idle');

      // The other client joins again and Ctrl-C on the server says goodbye to both with 1001.
      const again3 = await t3.start(
        server.node ? T3_PYTHON_CLIENT : T3_NODE_CLIENT,
        /已连接 ws:\/\/127\.0\.0\.1:8765\//,
      );
      await joinedAs(again3);
      t1.interrupt();
      await serverSide.wait(/聊天室要关闭了: 给每个连接发 1001（going away）/);
      await seen2.wait(/Connection closed: 1001 \(going away\)\./);
      await again3.wait(/连接已关闭: 1001/);
      const end = await serverSide.wait(/聊天室已关闭/);
      assert.equal(end.match(/离开（关闭码 1001）/g)?.length, 2, end);
      for (const probe of [t1, t2, t3]) await probe.waitForStatus('idle');
    });
  }
});
