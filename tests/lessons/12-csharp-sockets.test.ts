/**
 * Lesson 12 as the learner runs it: the C# echo server and client, compiled with mcs in the sandbox and run on Mono,
 * talk to lesson 1's Python and TypeScript programs in both directions; GB2312 works through I18N.CJK.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
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

const LAB = '12-csharp-sockets';
/** lab.json: t1's commands are [C#, Python, TypeScript] servers; t2's [C#, Python, TypeScript] clients. */
const CSHARP = 0;
const PYTHON = 1;
const TYPESCRIPT = 2;
/** t3's commands are [Python, TypeScript, C# (compiled in t2)] clients. */
const T3_TYPESCRIPT = 1;
const T3_CSHARP = 2;
/** t4's second command compiles and runs Encodings.cs. */
const T4_ENCODINGS = 1;

const mono = existsSync('/usr/bin/mcs') ? {} : { skip: 'Mono (mono-mcs) is not installed' };

describe('lesson 12: C# sockets', () => {
  let lab: TestLab;
  let socket: LabSocket;
  const t: Record<string, TerminalProbe> = {};
  const probe = (id: string) => t[id] as TerminalProbe;

  before(async () => {
    lab = await startTestLab();
    socket = labSocket(lab, LAB, await newLearnerCookie(lab));
    for (const id of ['t1', 't2', 't3', 't4']) t[id] = new TerminalProbe(socket, id, 120, 40);
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
  async function run(id: string, command: number, ready: RegExp, timeoutMs = 30_000): Promise<() => string> {
    const p = probe(id);
    const from = p.text.length;
    const screen = () => plain(p.text.slice(from));
    socket.run(id, command);
    await p.until(() => ready.test(screen()), `${id} to show ${ready}`, timeoutMs);
    return screen;
  }

  /** Types `message` in a client terminal and waits for the reply; then an empty line ends the client. */
  async function talk(id: string, screen: () => string, message: string): Promise<void> {
    probe(id).type(`${message}\r`);
    await probe(id).until(
      () => screen().includes(`客户端收到服务器回复的消息: 服务端已收到: ${message}`),
      `${id} to get the reply to "${message}"`,
    );
  }

  async function quit(id: string, screen: () => string): Promise<void> {
    probe(id).type('\r');
    await probe(id).until(() => /connect close\.\./.test(screen()), `${id} to say connect close..`);
    await probe(id).waitForStatus('idle');
    assert.equal(probe(id).exitCode, 0);
  }

  test('Python and TypeScript clients talk to the C# server (mcs TcpEcho.cs && mono TcpEcho.exe)', mono, async () => {
    const server = await run('t1', CSHARP, /服务端已启动，正在监听 127\.0\.0\.1:2333/);
    assert.doesNotMatch(server(), /error CS\d+/);

    const py = await run('t2', PYTHON, />>/);
    await talk('t2', py, '你好，C# 服务端');
    await probe('t1').until(
      () => /服务端收到客户端发来的消息: 你好，C# 服务端/.test(server()),
      'the C# server to print it',
    );
    await quit('t2', py);
    await probe('t1').until(() => /客户端已断开: 127\.0\.0\.1:\d+/.test(server()), 'the C# server to see EOF');

    const ts = await run('t3', T3_TYPESCRIPT, />>/);
    await talk('t3', ts, 'hello from TypeScript');
    await quit('t3', ts);
    assert.match(server(), /服务端收到客户端发来的消息: hello from TypeScript/);
    // Read() returned 0 twice: each client's close was seen, and the server is still serving.
    assert.equal(server().match(/客户端已断开/g)?.length, 2);
    assert.equal(probe('t1').status, 'running');
  });

  test('the C# client talks to the Python server and to the TypeScript server', mono, async () => {
    for (const [command, clientTerminal, clientCommand] of [
      [PYTHON, 't2', CSHARP],
      [TYPESCRIPT, 't3', T3_CSHARP],
    ] as const) {
      const server = await run('t1', command, /服务端已启动，正在监听 127\.0\.0\.1:2333/);
      const client = await run(clientTerminal, clientCommand, /已连接到服务端 127\.0\.0\.1:2333[\s\S]*>>/);
      assert.doesNotMatch(client(), /error CS\d+/);
      await talk(clientTerminal, client, `C# 客户端 ${command}`);
      await probe('t1').until(
        () => server().includes(`服务端收到客户端发来的消息: C# 客户端 ${command}`),
        'the server to print the C# message',
      );
      await quit(clientTerminal, client);
      await probe('t1').until(() => /客户端已断开/.test(server()), 'the server to see the C# client leave');
      await stopAll();
    }
  });

  test('without a server the C# client says Connection refused', mono, async () => {
    const client = await run('t2', CSHARP, /连不上服务端: Connection refused/);
    await probe('t2').waitForStatus('idle');
    assert.equal(probe('t2').exitCode, 1);
    assert.doesNotMatch(client(), /Unhandled Exception/);
  });

  test('Encoding.GetEncoding("GB2312") works (I18N.CJK) and is code page 936', mono, async () => {
    const screen = await run('t4', T4_ENCODINGS, /严格模式/);
    await probe('t4').waitForStatus('idle');
    assert.equal(probe('t4').exitCode, 0);
    assert.match(screen(), /Encoding\.GetEncoding\("GB2312"\) 是代码页 936/);
    assert.match(screen(), /utf-8 +E4-BD-A0-E5-A5-BD +你好/);
    assert.match(screen(), /gb2312 +C4-E3-BA-C3 +你好/);
    assert.match(screen(), /gb2312 +3F-3F +😀 → 解码回来是 \?\?/);
    assert.match(screen(), /EncoderFallbackException: Unable to translate Unicode character/);
  });
});
