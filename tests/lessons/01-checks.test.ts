/**
 * Lesson 1's checks, each both ways: unchecked before the learner does it and after a wrong try, checked after the
 * right action. One learner, in the order the lesson goes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openLesson } from '../support/lesson-tools.ts';
import { listening } from '../support/terminal-output.ts';

describe("lesson 1's checks", () => {
  const lesson = openLesson('01-first-client-server', ['t1', 't2', 't3', 't4']);
  const { t1, t2, t3, t4, checks } = lesson;

  test('nothing is checked before the learner does anything', async () => {
    for (const id of ['listening', 'reply', 'two-clients', 'refused', 'upper-case']) await checks.unchecked(id);
  });

  test('a client with no server is refused: "refused" passes; the note\'s server does not listen', async () => {
    t1.run('python3 note_original.py');
    await t1.until(() => t1.status === 'idle' && t1.exitCode === 1, 'the note to fail');
    await checks.staysUnchecked('listening');
    await t2.runToEnd('python3 client.py');
    await checks.passes('refused');
  });

  test('the server listens; a reply; two clients at once (one alone is not enough)', async () => {
    const served = await t1.start('python3 server.py', '正在监听');
    await checks.passes('listening');
    await t2.start('python3 client.py', '已连接到服务端');
    await checks.staysUnchecked('two-clients', 2500);
    await checks.unchecked('reply');
    await t2.ask('你好', '客户端收到服务器回复的消息');
    await checks.passes('reply');
    await t3.start('node client.ts', '已连接到服务端');
    await checks.passes('two-clients');
    t2.type('\r');
    t3.type('\r');
    await served.wait('客户端已断开');
    await lesson.stopAll();
  });

  test('upper case: the unchanged server, and one changed elsewhere, do not pass; one that upper-cases does', async () => {
    await t1.start('python3 server.py', '正在监听');
    await listening(t4, t1);
    // No probe while the lesson's files are as they were: the server prints only what the learner sends it.
    await checks.staysUnchecked('upper-case');
    await t1.stop();
    assert.doesNotMatch(t1.text, /socket lab check/);

    // A change that is not the one asked for: the probe reaches the server, which answers in lower case.
    await lesson.edit('server.py', (text) => text.replace('HOST, PORT = ', '# 改过\nHOST, PORT = '));
    await t1.start('python3 server.py', '正在监听');
    await t1.until(() => /socket lab check/.test(t1.text), 'the probe to reach the server');
    await checks.staysUnchecked('upper-case', 2000);
    await t1.stop();

    await lesson.edit('server.py', (text) =>
      text.replace('conn.sendall(f"服务端已收到: {message}"', 'conn.sendall(f"服务端已收到: {message.upper()}"'),
    );
    await t1.start('python3 server.py', '正在监听');
    await checks.passes('upper-case');
    await t1.stop();
  });
});
