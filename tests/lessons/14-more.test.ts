/**
 * Lesson 14 as the learner runs it: Node and Python servers and clients across HTTP and WebSocket, UDP datagrams
 * that keep their boundaries and need nobody listening, an echo over the IPv6 loopback and over a Unix socket, and
 * Server-Sent Events and long polling watched with curl.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { openLesson } from '../support/lesson-tools.ts';

/** What the commands run, in examples/14-more/lab.json. t1: servers on 127.0.0.1:2333. */
const T1 = {
  httpNode: 'node http_server.ts',
  httpPython: 'python3 http_server.py',
  wsPython: 'python3 ws_server.py',
  wsNode: 'node ws_server.ts',
  ssePython: 'python3 sse_server.py',
  sseNode: 'node sse_server.ts',
};
/** t2: their clients. */
const T2 = {
  httpPython: 'python3 http_get.py',
  httpNode: 'node http_get.ts',
  wsNode: 'node ws_client.ts',
  wsPython: 'python3 ws_client.py',
  sse: 'curl -N http://127.0.0.1:2333/events',
  poll: 'curl http://127.0.0.1:2333/poll',
};
/** t3: UDP receivers; t4: UDP senders (to 2333, then to 2334 where nobody listens). */
const T3 = { python: 'python3 udp_recv.py', node: 'node udp_recv.ts' };
const T4 = {
  python: 'python3 udp_send.py',
  node: 'node udp_send.ts',
  pythonNobody: 'python3 udp_send.py 2334',
  nodeNobody: 'node udp_send.ts 2334',
};
/** t5: echo servers; t6: echo clients. */
const T5 = {
  ipv6Python: 'python3 echo6.py',
  ipv6Node: 'node echo6.ts',
  unixPython: 'python3 unix_echo.py',
  unixNode: 'node unix_echo.ts',
};
const T6 = {
  ipv6Python: 'python3 echo_client.py ::1',
  ipv6Node: 'node echo_client.ts ::1',
  unixPython: 'python3 echo_client.py /tmp/socket-lab.sock',
  unixNode: 'node echo_client.ts /tmp/socket-lab.sock',
  ipv4Python: 'python3 echo_client.py 127.0.0.1',
};

describe('lesson 14: more sockets', () => {
  const lesson = openLesson('14-more', ['t1', 't2', 't3', 't4', 't5', 't6', 't7'], { cols: 120, rows: 40 });
  const { t1, t2, t3, t4, t5, t6, t7 } = lesson;
  afterEach(() => lesson.stopAll());

  test('Node http server ↔ Python urllib, Python http.server ↔ Node fetch', async () => {
    const nodeServer = await t1.start(T1.httpNode, /Node http 服务端已启动: http:\/\/127\.0\.0\.1:2333\//);
    const python = await t2.runToEnd(T2.httpPython);
    assert.equal(t2.exitCode, 0, python);
    assert.match(python, /^HTTP\/1\.1 200 OK$/m);
    assert.match(python, /^Content-Type: text\/plain; charset=utf-8$/m);
    assert.match(
      python,
      /你好，这里是 Node\.js 的 http 服务端。\n你请求的是 \/，你的 User-Agent 是 Python-urllib\/3\.11/,
    );
    await nodeServer.wait(/GET \/ {2}User-Agent: Python-urllib\/3\.11/);
    await lesson.stopAll();

    await t1.start(T1.httpPython, /Python http 服务端已启动/);
    const node = await t2.runToEnd(T2.httpNode);
    assert.equal(t2.exitCode, 0, node);
    assert.match(node, /^HTTP 200 OK$/m);
    assert.match(node, /^server: BaseHTTP\/0\.6 Python\/3\.11/m);
    assert.match(node, /你好，这里是 Python 的 http\.server 服务端。\n你请求的是 \/，你的 User-Agent 是 node/);
  });

  for (const [name, server, client, serverSays, clientSays] of [
    ['Python websockets 10.4 server ↔ Node ws client', T1.wsPython, T2.wsNode, 'Python', 'Node 的 ws 客户端'],
    ['Node ws server ↔ Python websockets client', T1.wsNode, T2.wsPython, 'Node', 'Python 的 websockets 客户端'],
  ] as const) {
    test(name, async () => {
      const serverSide = await t1.start(server, /WebSocket 服务端已启动: ws:\/\/127\.0\.0\.1:2333\//);
      const screen = await t2.runToEnd(client);
      assert.equal(t2.exitCode, 0, screen);
      assert.match(screen, /已关闭，关闭码 1000/);
      assert.match(screen, new RegExp(`回复: ${serverSays} 服务端已收到: 你好，我是 ${clientSays}`));
      assert.match(screen, new RegExp(`回复: ${serverSays} 服务端已收到: 第二条消息`));
      await serverSide.wait(/关闭码 1000/);
      assert.match(serverSide.text(), /WebSocket 连接: 127\.0\.0\.1:\d+，路径 \/chat/);
      assert.match(serverSide.text(), new RegExp(`收到: 你好，我是 ${clientSays}`));
    });
  }

  for (const [receiver, sender] of [
    [T3.python, T4.node],
    [T3.node, T4.python],
  ] as const) {
    test(`UDP: three datagrams are three reads (${receiver === T3.python ? 'Python' : 'Node'} receiver)`, async () => {
      const received = await t3.start(receiver, /UDP 接收端已绑定 127\.0\.0\.1:2333/);
      const sent = await t4.runToEnd(sender);
      assert.equal(t4.exitCode, 0, sent);
      assert.match(sent, /3 个数据报都发出去了/);
      // The receiver sleeps 1 s after each read, so b and c wait in the queue together, and still come one by one.
      const reads = (await received.wait(/第 3 次/)).split('\n').filter((line) => /^第 \d 次/.test(line));
      assert.equal(reads.length, 3, received.text());
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
      const screen = await t4.runToEnd(command);
      assert.equal(t4.exitCode, 0, screen);
      assert.match(screen, /3 个数据报都发出去了/);
      assert.match(screen, /→ 127\.0\.0\.1:2334，1 字节/);
      assert.doesNotMatch(screen, /Error|refused/i);
    }
  });

  test('IPv6 loopback: an echo on [::1]:2333, and 127.0.0.1 is another address', async () => {
    for (const [server, client] of [
      [T5.ipv6Python, T6.ipv6Node],
      [T5.ipv6Node, T6.ipv6Python],
    ] as const) {
      const serverSide = await t5.start(server, /IPv6 echo 服务端已启动，正在监听 \[::1\]:2333/);
      const ss = await t7.exec('ss -tln');
      assert.match(ss.output, /LISTEN .* \[::1\]:2333 /);
      const screen = await t6.runToEnd(client);
      assert.equal(t6.exitCode, 0, screen);
      assert.match(screen, /已连接 .*::1.*2333.*（(AF_INET6|IPv6)），本端地址 .*::1/);
      assert.match(screen, /收到回显: 你好，::1/);
      await serverSide.wait(/客户端已断开/);
      assert.match(serverSide.text(), /客户端已连接: (\('::1', \d+, 0, 0\)|\[::1\]:\d+（IPv6）)/);
      await lesson.stopAll();
    }
    await t5.start(T5.ipv6Python, /正在监听 \[::1\]:2333/);
    const ipv4 = await t6.runToEnd(T6.ipv4Python);
    assert.equal(t6.exitCode, 1, ipv4);
    assert.match(ipv4, /连不上 \('127\.0\.0\.1', 2333\): \[Errno 111\] Connection refused/);
  });

  test('AF_UNIX: an echo through /tmp/socket-lab.sock, which ss -x lists and the server removes', async () => {
    for (const [server, client] of [
      [T5.unixPython, T6.unixNode],
      [T5.unixNode, T6.unixPython],
    ] as const) {
      const serverSide = await t5.start(server, /Unix echo 服务端已启动，正在监听 \/tmp\/socket-lab\.sock/);
      const ls = await t7.exec('ls -l /tmp/socket-lab.sock');
      assert.match(ls.output, /^s[rwx-]{9} .* \/tmp\/socket-lab\.sock$/m);
      const ss = await t7.exec('ss -xl');
      assert.match(ss.output, /u_str +LISTEN .*\/tmp\/socket-lab\.sock/);
      const screen = await t6.runToEnd(client);
      assert.equal(t6.exitCode, 0, screen);
      assert.match(screen, /已连接 \/tmp\/socket-lab\.sock（AF_UNIX），本端地址 (''|"")/);
      assert.match(screen, /收到回显: 你好，\/tmp\/socket-lab\.sock/);
      await serverSide.wait(/客户端已断开/);
      await lesson.stopAll();
      const gone = await t7.exec('ls /tmp/socket-lab.sock');
      assert.notEqual(gone.code, 0, 'the server removes its socket file when it stops');
    }
  });

  for (const [name, server] of [
    ['Python', T1.ssePython],
    ['Node', T1.sseNode],
  ] as const) {
    test(`SSE and long polling (${name} server): curl receives the events`, async () => {
      await t1.start(server, /SSE 服务端已启动: http:\/\/127\.0\.0\.1:2333\/events/);
      // What the lab's curl -N shows: events arriving one after another on one response.
      const events = await t2.start(
        T2.sse,
        /id: (\d+)\ndata: 第 \1 条消息[^\n]*\n\nid: (\d+)\ndata: 第 \2 条消息/,
        15_000,
      );
      const ids = [...events.text().matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      assert.equal(ids[1], (ids[0] as number) + 1);
      await t2.stop();
      // The response headers: an event stream without a length.
      const headers = await t7.exec('curl -s -N --max-time 3 -D - -o /dev/null http://127.0.0.1:2333/events');
      assert.match(headers.output, /^Content-Type: text\/event-stream; charset=utf-8$/im);
      assert.doesNotMatch(headers.output, /^Content-Length:/im);
      // Long polling: the request waits for the next message, then gets an ordinary response.
      const poll = await t2.runToEnd(T2.poll);
      assert.equal(t2.exitCode, 0, poll);
      assert.match(poll, /第 \d+ 条消息，服务端时间 \d\d:\d\d:\d\d/);
    });
  }
});
