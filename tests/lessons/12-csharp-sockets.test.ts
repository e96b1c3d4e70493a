/**
 * Lesson 12 as the learner runs it: the C# echo server and client, compiled with mcs in the sandbox and run on Mono,
 * talk to lesson 1's Python and TypeScript programs in both directions; GB2312 works through I18N.CJK.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { afterEach, describe, test } from 'node:test';
import { openLesson, type LessonTerminal } from '../support/lesson-tools.ts';
import { type Output } from '../support/terminal-output.ts';

/** What the commands run, in examples/12-csharp-sockets/lab.json: servers in t1, clients in t2 and t3. */
const SERVER = {
  csharp: 'mcs TcpEcho.cs && mono TcpEcho.exe',
  python: 'python3 server.py',
  typescript: 'node server.ts',
};
const T2_CLIENT = { csharp: 'mcs EchoClient.cs && mono EchoClient.exe', python: 'python3 client.py' };
const T3_CLIENT = { typescript: 'node client.ts', csharp: 'mono EchoClient.exe' };
/** t4 compiles and runs Encodings.cs. */
const T4_ENCODINGS = 'mcs Encodings.cs && mono Encodings.exe';
/** mcs compiles first: a program may take a while to say it started. */
const COMPILED = 30_000;

const mono = existsSync('/usr/bin/mcs') ? {} : { skip: 'Mono (mono-mcs) is not installed' };

describe('lesson 12: C# sockets', () => {
  const lesson = openLesson('12-csharp-sockets', ['t1', 't2', 't3', 't4'], { cols: 120, rows: 40 });
  const { t1, t2, t3, t4 } = lesson;
  afterEach(() => lesson.stopAll());

  /** Types `message` in a client terminal and waits for the reply. */
  const talk = (client: LessonTerminal, message: string) =>
    client.ask(message, `客户端收到服务器回复的消息: 服务端已收到: ${message}`);

  /** An empty line ends the client. */
  async function quit(client: LessonTerminal, shown: Output): Promise<void> {
    client.type('\r');
    await shown.wait(/connect close\.\./);
    await client.waitForStatus('idle');
    assert.equal(client.exitCode, 0);
  }

  test('Python and TypeScript clients talk to the C# server (mcs TcpEcho.cs && mono TcpEcho.exe)', mono, async () => {
    const server = await t1.start(SERVER.csharp, /服务端已启动，正在监听 127\.0\.0\.1:2333/, COMPILED);
    assert.doesNotMatch(server.text(), /error CS\d+/);

    const py = await t2.start(T2_CLIENT.python, />>/, COMPILED);
    await talk(t2, '你好，C# 服务端');
    await server.wait(/服务端收到客户端发来的消息: 你好，C# 服务端/);
    await quit(t2, py);
    await server.wait(/客户端已断开: 127\.0\.0\.1:\d+/);

    const ts = await t3.start(T3_CLIENT.typescript, />>/, COMPILED);
    await talk(t3, 'hello from TypeScript');
    await quit(t3, ts);
    assert.match(server.text(), /服务端收到客户端发来的消息: hello from TypeScript/);
    // Read() returned 0 twice: each client's close was seen, and the server is still serving.
    assert.equal(server.text().match(/客户端已断开/g)?.length, 2);
    assert.equal(t1.status, 'running');
  });

  test('the C# client talks to the Python server and to the TypeScript server', mono, async () => {
    for (const [name, serverRun, client, clientRun] of [
      ['Python', SERVER.python, t2, T2_CLIENT.csharp],
      ['TypeScript', SERVER.typescript, t3, T3_CLIENT.csharp],
    ] as const) {
      const server = await t1.start(serverRun, /服务端已启动，正在监听 127\.0\.0\.1:2333/, COMPILED);
      const shown = await client.start(clientRun, /已连接到服务端 127\.0\.0\.1:2333[\s\S]*>>/, COMPILED);
      assert.doesNotMatch(shown.text(), /error CS\d+/);
      await talk(client, `C# 客户端 → ${name}`);
      await server.wait(`服务端收到客户端发来的消息: C# 客户端 → ${name}`);
      await quit(client, shown);
      await server.wait(/客户端已断开/);
      await lesson.stopAll();
    }
  });

  test('without a server the C# client says Connection refused', mono, async () => {
    const client = await t2.start(T2_CLIENT.csharp, /连不上服务端: Connection refused/, COMPILED);
    await t2.waitForStatus('idle');
    assert.equal(t2.exitCode, 1);
    assert.doesNotMatch(client.text(), /Unhandled Exception/);
  });

  test('Encoding.GetEncoding("GB2312") works (I18N.CJK) and is code page 936', mono, async () => {
    const shown = await t4.start(T4_ENCODINGS, /严格模式/, COMPILED);
    await t4.waitForStatus('idle');
    assert.equal(t4.exitCode, 0);
    const screen = shown.text();
    assert.match(screen, /Encoding\.GetEncoding\("GB2312"\) 是代码页 936/);
    assert.match(screen, /utf-8 +E4-BD-A0-E5-A5-BD +你好/);
    assert.match(screen, /gb2312 +C4-E3-BA-C3 +你好/);
    assert.match(screen, /gb2312 +3F-3F +😀 → 解码回来是 \?\?/);
    assert.match(screen, /EncoderFallbackException: Unable to translate Unicode character/);
  });
});
