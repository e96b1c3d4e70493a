/**
 * Lesson 12's checks, each both ways: unchecked before and after a wrong try, checked after the right action. Mono
 * compiles each program first, which takes a few seconds.
 */
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { openLesson } from '../support/lesson-tools.ts';
import { listening } from '../support/terminal-output.ts';

const COMPILE_MS = 60_000;
const mono = existsSync('/usr/bin/mcs') ? {} : { skip: 'Mono (mono-mcs) is not installed' };
const SERVER = 'mcs TcpEcho.cs && mono TcpEcho.exe';
const CLIENT = 'mcs EchoClient.cs && mono EchoClient.exe';

describe("lesson 12's checks", () => {
  const lesson = openLesson('12-csharp-sockets', ['t1', 't2', 't3', 't4']);
  const { t1, t2, t3, t4, checks } = lesson;

  test('refused, csharp-server, cross-talk: each from its own step', mono, async () => {
    for (const id of ['csharp-server', 'refused', 'cross-talk', 'upper-case']) await checks.unchecked(id);
    await t2.runToEnd('python3 client.py');
    await checks.staysUnchecked('refused', 1000);
    await t2.runToEnd(CLIENT, COMPILE_MS);
    await checks.passes('refused');

    await t1.start('python3 server.py', '正在监听');
    await checks.staysUnchecked('csharp-server', 2500);
    await checks.unchecked('cross-talk');
    await t3.start('mono EchoClient.exe', '已连接到服务端');
    await t3.ask('你好', '客户端收到服务器回复的消息');
    await checks.passes('cross-talk');
    await lesson.stopAll();

    await t1.start(SERVER, '正在监听', COMPILE_MS);
    await checks.passes('csharp-server');
    await lesson.stopAll();
  });

  test(
    'upper-case: the C# server as it is answers the probe unchanged; with ToUpperInvariant it passes',
    mono,
    async () => {
      const server = await t1.start(SERVER, '正在监听', COMPILE_MS);
      await listening(t4, t1);
      await server.wait(/socket lab check/);
      await checks.staysUnchecked('upper-case', 2000);
      await t1.stop();
      await lesson.edit('TcpEcho.cs', (text) =>
        text.replace(
          'Utf8.GetBytes($"服务端已收到: {message}")',
          'Utf8.GetBytes($"服务端已收到: {message.ToUpperInvariant()}")',
        ),
      );
      await t1.start(SERVER, '正在监听', COMPILE_MS);
      await checks.passes('upper-case');
      await lesson.stopAll();
    },
  );
});
