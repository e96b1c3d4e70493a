/**
 * Lesson 14 as the learner runs it: Node and Python servers and clients across HTTP and WebSocket, UDP datagrams
 * that keep their boundaries and need nobody listening, an echo over the IPv6 loopback and over a Unix socket, and
 * Server-Sent Events and long polling watched with curl.
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

const LAB = '14-more';
/** lab.json, t1: servers on 127.0.0.1:2333. */
const T1 = { httpNode: 0, httpPython: 1, wsPython: 2, wsNode: 3, ssePython: 4, sseNode: 5 };
/** t2: their clients. */
const T2 = { httpPython: 0, httpNode: 1, wsNode: 2, wsPython: 3, sse: 4, poll: 5 };
/** t3: UDP receivers; t4: UDP senders (to 2333, then to 2334 where nobody listens). */
const T3 = { python: 0, node: 1 };
const T4 = { python: 0, node: 1, pythonNobody: 2, nodeNobody: 3 };
/** t5: echo servers; t6: echo clients. */
const T5 = { ipv6Python: 0, ipv6Node: 1, unixPython: 2, unixNode: 3 };
const T6 = { ipv6Python: 0, ipv6Node: 1, unixPython: 3, unixNode: 4, ipv4Python: 6 };

describe('lesson 14: more sockets', () => {
  let lab: TestLab;
  let socket: LabSocket;
  const t: Record<string, TerminalProbe> = {};
  const probe = (id: string) => t[id] as TerminalProbe;

  before(async () => {
    lab = await startTestLab();
    socket = labSocket(lab, LAB, await newLearnerCookie(lab));
    for (const id of ['t1', 't2', 't3', 't4', 't5', 't6', 't7']) t[id] = new TerminalProbe(socket, id, 120, 40);
    await Promise.all(Object.values(t).map((p) => p.waitForStatus('idle')));
  });

  /** Ctrl-C in every terminal that runs something, then waits for the prompts. */
  async function stopAll(): Promise<void> {
    for (const [id, p] of Object.entries(t)) if (p.status === 'running') socket.signal(id, 'SIGINT');
    await Promise.all(Object.values(t).map((p) => p.waitForStatus('idle')));
  }
  afterEach(() => stopAll());

  after(async () => {
    socket?.close();
    await lab?.close();
  });

  /** Runs `command` of terminal `id`; resolves with a function returning what this run has printed so far. */
  async function run(id: string, command: number, ready: RegExp, timeoutMs?: number): Promise<() => string> {
    const p = probe(id);
    const from = p.text.length;
    const screen = () => plain(p.text.slice(from));
    socket.run(id, command);
    await p.until(() => ready.test(screen()), `${id} to show ${ready}`, timeoutMs);
    return screen;
  }

  /** Runs a command that ends by itself and returns its output once the prompt is back. */
  async function runToEnd(
    id: string,
    command: number,
    ready: RegExp,
  ): Promise<{ screen: string; code: number | null }> {
    const screen = await run(id, command, ready);
    await probe(id).until(() => probe(id).status === 'idle', `${id} to finish`);
    return { screen: screen(), code: probe(id).exitCode };
  }

  test('Node http server ↔ Python urllib, Python http.server ↔ Node fetch', async () => {
    await run('t1', T1.httpNode, /Node http 服务端已启动: http:\/\/127\.0\.0\.1:2333\//);
    const python = await runToEnd('t2', T2.httpPython, /你的 User-Agent 是/);
    assert.equal(python.code, 0);
    assert.match(python.screen, /^HTTP\/1\.1 200 OK$/m);
    assert.match(python.screen, /^Content-Type: text\/plain; charset=utf-8$/m);
    assert.match(
      python.screen,
      /你好，这里是 Node\.js 的 http 服务端。\n你请求的是 \/，你的 User-Agent 是 Python-urllib\/3\.11/,
    );
    await probe('t1').waitForText(/GET \/ {2}User-Agent: Python-urllib\/3\.11/);
    await stopAll();

    await run('t1', T1.httpPython, /Python http 服务端已启动/);
    const node = await runToEnd('t2', T2.httpNode, /你的 User-Agent 是/);
    assert.equal(node.code, 0);
    assert.match(node.screen, /^HTTP 200 OK$/m);
    assert.match(node.screen, /^server: BaseHTTP\/0\.6 Python\/3\.11/m);
    assert.match(node.screen, /你好，这里是 Python 的 http\.server 服务端。\n你请求的是 \/，你的 User-Agent 是 node/);
  });

  for (const [name, server, client, serverSays, clientSays] of [
    ['Python websockets 10.4 server ↔ Node ws client', T1.wsPython, T2.wsNode, 'Python', 'Node 的 ws 客户端'],
    ['Node ws server ↔ Python websockets client', T1.wsNode, T2.wsPython, 'Node', 'Python 的 websockets 客户端'],
  ] as const) {
    test(name, async () => {
      const serverScreen = await run('t1', server, /WebSocket 服务端已启动: ws:\/\/127\.0\.0\.1:2333\//);
      const { screen, code } = await runToEnd('t2', client, /已关闭，关闭码 1000/);
      assert.equal(code, 0);
      assert.match(screen, new RegExp(`回复: ${serverSays} 服务端已收到: 你好，我是 ${clientSays}`));
      assert.match(screen, new RegExp(`回复: ${serverSays} 服务端已收到: 第二条消息`));
      await probe('t1').until(() => /关闭码 1000/.test(serverScreen()), 'the server to see the close');
      assert.match(serverScreen(), /WebSocket 连接: 127\.0\.0\.1:\d+，路径 \/chat/);
      assert.match(serverScreen(), new RegExp(`收到: 你好，我是 ${clientSays}`));
    });
  }

  for (const [receiver, sender] of [
    [T3.python, T4.node],
    [T3.node, T4.python],
  ] as const) {
    test(`UDP: three datagrams are three reads (${receiver === T3.python ? 'Python' : 'Node'} receiver)`, async () => {
      const received = await run('t3', receiver, /UDP 接收端已绑定 127\.0\.0\.1:2333/);
      const sent = await runToEnd('t4', sender, /3 个数据报都发出去了/);
      assert.equal(sent.code, 0);
      // The receiver sleeps 1 s after each read, so b and c wait in the queue together, and still come one by one.
      await probe('t3').until(() => /第 3 次/.test(received()), 'the third read');
      const reads = received()
        .split('\n')
        .filter((line) => /^第 \d 次/.test(line));
      assert.equal(reads.length, 3, received());
      for (const [i, letter] of ['a', 'b', 'c'].entries()) {
        assert.match(
          reads[i] as string,
          new RegExp(`^第 ${i + 1} 次.*: 1 字节 ['"]${letter}['"]，来自 127\\.0\\.0\\.1:\\d+$`),
        );
      }
    });
  }

  test('UDP: sending to a port nobody listens on still succeeds', async () => {
    for (const command of [T4.pythonNobody, T4.nodeNobody]) {
      const { screen, code } = await runToEnd('t4', command, /3 个数据报都发出去了/);
      assert.equal(code, 0);
      assert.match(screen, /→ 127\.0\.0\.1:2334，1 字节/);
      assert.doesNotMatch(screen, /Error|refused/i);
    }
  });

  test('IPv6 loopback: an echo on [::1]:2333, and 127.0.0.1 is another address', async () => {
    for (const [server, client] of [
      [T5.ipv6Python, T6.ipv6Node],
      [T5.ipv6Node, T6.ipv6Python],
    ] as const) {
      const serverScreen = await run('t5', server, /IPv6 echo 服务端已启动，正在监听 \[::1\]:2333/);
      const ss = await probe('t7').exec('ss -tln');
      assert.match(ss.output, /LISTEN .* \[::1\]:2333 /);
      const { screen, code } = await runToEnd('t6', client, /收到回显/);
      assert.equal(code, 0);
      assert.match(screen, /已连接 .*::1.*2333.*（(AF_INET6|IPv6)），本端地址 .*::1/);
      assert.match(screen, /收到回显: 你好，::1/);
      await probe('t5').until(() => /客户端已断开/.test(serverScreen()), 'the server to see the client leave');
      assert.match(serverScreen(), /客户端已连接: (\('::1', \d+, 0, 0\)|\[::1\]:\d+（IPv6）)/);
      await stopAll();
    }
    await run('t5', T5.ipv6Python, /正在监听 \[::1\]:2333/);
    const ipv4 = await runToEnd('t6', T6.ipv4Python, /连不上/);
    assert.equal(ipv4.code, 1);
    assert.match(ipv4.screen, /连不上 \('127\.0\.0\.1', 2333\): \[Errno 111\] Connection refused/);
  });

  test('AF_UNIX: an echo through /tmp/socket-lab.sock, which ss -x lists and the server removes', async () => {
    for (const [server, client] of [
      [T5.unixPython, T6.unixNode],
      [T5.unixNode, T6.unixPython],
    ] as const) {
      await run('t5', server, /Unix echo 服务端已启动，正在监听 \/tmp\/socket-lab\.sock/);
      const ls = await probe('t7').exec('ls -l /tmp/socket-lab.sock');
      assert.match(ls.output, /^s[rwx-]{9} .* \/tmp\/socket-lab\.sock$/m);
      const ss = await probe('t7').exec('ss -xl');
      assert.match(ss.output, /u_str +LISTEN .*\/tmp\/socket-lab\.sock/);
      const { screen, code } = await runToEnd('t6', client, /收到回显/);
      assert.equal(code, 0);
      assert.match(screen, /已连接 \/tmp\/socket-lab\.sock（AF_UNIX），本端地址 (''|"")/);
      assert.match(screen, /收到回显: 你好，\/tmp\/socket-lab\.sock/);
      await probe('t5').waitForText(/客户端已断开/);
      await stopAll();
      const gone = await probe('t7').exec('ls /tmp/socket-lab.sock');
      assert.notEqual(gone.code, 0, 'the server removes its socket file when it stops');
    }
  });

  for (const [name, server] of [
    ['Python', T1.ssePython],
    ['Node', T1.sseNode],
  ] as const) {
    test(`SSE and long polling (${name} server): curl receives the events`, async () => {
      await run('t1', server, /SSE 服务端已启动: http:\/\/127\.0\.0\.1:2333\/events/);
      // What the lab's curl -N shows: events arriving one after another on one response.
      const events = await run(
        't2',
        T2.sse,
        /id: (\d+)\ndata: 第 \1 条消息[^\n]*\n\nid: (\d+)\ndata: 第 \2 条消息/,
        15_000,
      );
      const ids = [...events().matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      assert.equal(ids[1], (ids[0] as number) + 1);
      socket.signal('t2', 'SIGINT');
      await probe('t2').waitForStatus('idle');
      // The response headers: an event stream without a length.
      const headers = await probe('t7').exec('curl -s -N --max-time 3 -D - -o /dev/null http://127.0.0.1:2333/events');
      assert.match(headers.output, /^Content-Type: text\/event-stream; charset=utf-8$/im);
      assert.doesNotMatch(headers.output, /^Content-Length:/im);
      // Long polling: the request waits for the next message, then gets an ordinary response.
      const poll = await runToEnd('t2', T2.poll, /第 \d+ 条消息，服务端时间 \d\d:\d\d:\d\d/);
      assert.equal(poll.code, 0);
    });
  }
});
