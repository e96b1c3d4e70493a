/**
 * Lesson 11 as a learner runs it, in a real sandbox: `pip install websockets` is refused (PEP 668) and the Debian
 * package is websockets 10.4, where the websockets ≥ 14 code cannot even import; the chat room on 10.4 and the one on
 * Node's ws broadcast every message to every client — the library's own `python3 -m websockets`, client.py and the
 * Node ws client.ts — and close everyone with 1001 on Ctrl-C.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LabSocket } from '../../src/components/lab/lab-socket.ts';
import { labSocket, newLearnerCookie, startTestLab, TerminalProbe, type TestLab } from '../support/lab-harness.ts';
import { runToEnd, watch } from '../support/lesson-tools.ts';

const LAB = '11-websockets-library';
/** lab.json: t1 [server.py, server.ts, server_new_api.py, --version]; t2 [python3 -m websockets, client.py,
 * client.ts]; t3 [client.ts, client.py, python3 -m websockets]. */
const T1_PYTHON = 0;
const T1_TYPESCRIPT = 1;
const T1_NEW_API = 2;
const T1_VERSION = 3;
const T2_WEBSOCKETS_CLI = 0;
const T3_NODE_CLIENT = 0;
const T3_PYTHON_CLIENT = 1;

/** "127.0.0.1:54321" as the chat server names a client: the port a client printed in its own join message. */
async function joinedAs(seen: (pattern: RegExp) => Promise<string>): Promise<string> {
  const joined = /\*\*\* (127\.0\.0\.1:\d+) 加入了聊天室/;
  const name = joined.exec(await seen(joined))?.[1];
  assert.ok(name);
  return name;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('lesson 11: the websockets library and a browser chat', () => {
  let lab: TestLab;
  const sockets: LabSocket[] = [];

  const learner = async () => {
    const socket = labSocket(lab, LAB, await newLearnerCookie(lab));
    sockets.push(socket);
    const [t1, t2, t3] = [1, 2, 3].map((n) => new TerminalProbe(socket, `t${n}`, 160, 40)) as [
      TerminalProbe,
      TerminalProbe,
      TerminalProbe,
    ];
    for (const probe of [t1, t2, t3]) await probe.waitForStatus('idle');
    return { socket, t1, t2, t3 };
  };

  before(async () => {
    lab = await startTestLab();
  });

  after(async () => {
    for (const socket of sockets) socket.close();
    await lab.close();
  });

  test("pip is refused by PEP 668, Debian's websockets is 10.4, and the websockets ≥ 14 code cannot import", async () => {
    const { socket, t1 } = await learner();
    assert.match(await runToEnd(socket, t1, T1_VERSION), /^websockets 10\.4$/m);

    const pip = await t1.exec('pip install websockets');
    assert.notEqual(pip.code, 0);
    assert.match(pip.output, /error: externally-managed-environment/);
    assert.match(pip.output, /apt install\s+python3-xyz/);

    const newApi = await runToEnd(socket, t1, T1_NEW_API);
    assert.match(newApi, /ModuleNotFoundError: No module named 'websockets\.asyncio'/);
    assert.equal(t1.exitCode, 1);
  });

  for (const server of [
    { lang: 'Python (websockets 10.4)', run: T1_PYTHON, node: true },
    { lang: 'TypeScript (ws)', run: T1_TYPESCRIPT, node: false },
  ]) {
    test(`the ${server.lang} chat room broadcasts every message to every client and closes them with 1001`, async () => {
      const { socket, t1, t2, t3 } = await learner();
      const serverSide = watch(t1);
      socket.run('t1', server.run);
      await serverSide(/聊天室已启动: ws:\/\/127\.0\.0\.1:8765\//);

      // Client 1: the interactive client shipped with the library.
      const seen2 = watch(t2);
      socket.run('t2', T2_WEBSOCKETS_CLI);
      await seen2(/Connected to ws:\/\/127\.0\.0\.1:8765\/\./);
      const name2 = await joinedAs(seen2);
      await serverSide(
        new RegExp(`${escape(name2)} 加入（路径 /，User-Agent: Python/3\\.11 websockets/10\\.4），在线 1 人`),
      );

      // Client 2: Node's ws (against the Python server) or client.py (against the Node server).
      const seen3 = watch(t3);
      socket.run('t3', server.node ? T3_NODE_CLIENT : T3_PYTHON_CLIENT);
      await seen3(/已连接 ws:\/\/127\.0\.0\.1:8765\//);
      const name3 = await joinedAs(seen3);
      await seen2(new RegExp(`< \\*\\*\\* ${escape(name3)} 加入了聊天室，在线 2 人`));

      t2.type('hello from the library client 你好\r');
      const line2 = `${name2}: hello from the library client 你好`;
      await serverSide(new RegExp(`^${escape(line2)}$`, 'm'));
      await seen3(new RegExp(`< ${escape(line2)}`));
      await seen2(new RegExp(`< ${escape(line2)}`)); // the sender gets its own message back

      t3.type('hello from client 2\r');
      const line3 = `${name3}: hello from client 2`;
      await seen2(new RegExp(`< ${escape(line3)}`));
      await seen3(new RegExp(`< ${escape(line3)}`));

      t3.type('\x04'); // Ctrl-D: a normal close
      await seen3(/连接已关闭: 1000/);
      await serverSide(new RegExp(`${escape(name3)} 离开（关闭码 1000），在线 1 人`));
      await seen2(new RegExp(`< \\*\\*\\* ${escape(name3)} 离开了聊天室，在线 1 人`));
      await t3.waitForStatus('idle');

      // The other client joins again and Ctrl-C on the server says goodbye to both with 1001.
      const again3 = watch(t3);
      socket.run('t3', server.node ? T3_PYTHON_CLIENT : T3_NODE_CLIENT);
      await again3(/已连接 ws:\/\/127\.0\.0\.1:8765\//);
      await joinedAs(again3);
      socket.signal('t1', 'SIGINT');
      await serverSide(/聊天室要关闭了: 给每个连接发 1001（going away）/);
      await seen2(/Connection closed: 1001 \(going away\)\./);
      await again3(/连接已关闭: 1001/);
      const end = await serverSide(/聊天室已关闭/);
      assert.equal(end.match(/离开（关闭码 1001）/g)?.length, 2, end);
      for (const probe of [t1, t2, t3]) await probe.waitForStatus('idle');
    });
  }
});
