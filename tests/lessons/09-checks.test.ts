/** Lesson 9's checks, each both ways: unchecked before and after a wrong try, checked after the right action. */
import { describe, test } from 'node:test';
import { lessonLab } from '../support/lesson-tools.ts';

const IDS = ['t1', 't2', 't3', 't4', 't5'] as const;

describe("lesson 9's checks", () => {
  const lab = lessonLab('09-selectors-asyncio');

  test('echo, three in the chat room, a line too long', async () => {
    const { t1, t2, t3, t4, t5, checks, stopAll } = await lab.newLearner(IDS);
    for (const id of ['echo', 'three-in-chat', 'too-long', 'slow-handler']) await checks.unchecked(id);
    await t1.start('python3 echo_server.py', '正在监听');
    await checks.staysUnchecked('echo', 1000);
    t2.run('nc 127.0.0.1 2333');
    await t1.until(() => /已连接|连接/.test(t1.text.split('正在监听').pop() ?? ''), 'nc to connect');
    await t2.ask('hello', /hello[\s\S]*hello/);
    await checks.passes('echo');
    await stopAll();

    await t1.start('python3 chat_server.py', '正在监听');
    await t2.start('python3 chat_client.py', '已连接');
    await t3.start('python3 chat_client.py', '已连接');
    await checks.staysUnchecked('three-in-chat', 2500);
    await t4.start('python3 chat_client.py', '已连接');
    await checks.passes('three-in-chat');

    await t5.exec(`python3 -c "print('x' * 1000)" | nc -N 127.0.0.1 2333`);
    await checks.staysUnchecked('too-long', 1000);
    await t5.exec(`python3 -c "print('x' * 70000)" | nc -N 127.0.0.1 2333`);
    await checks.passes('too-long');
    await stopAll();
  });

  test('slow-handler: the room as it is does not pass; with time.sleep(5) in handle, run and used, it does', async () => {
    const { t1, t2, checks, stopAll, edit } = await lab.newLearner(['t1', 't2']);
    await t1.start('python3 chat_server.py', '正在监听');
    await t2.start('python3 chat_client.py', '已连接');
    t2.type('hi\r');
    await t1.until(() => /: hi/.test(t1.text), 'the room to hear hi');
    await checks.staysUnchecked('slow-handler', 3000);
    await stopAll();
    await edit('chat_server.py', (text) =>
      text
        .replace('import asyncio', 'import asyncio\nimport time')
        .replace(
          'print(f"{name}: {text}", flush=True)',
          'print(f"{name}: {text}", flush=True)\n            time.sleep(5)',
        ),
    );
    await t1.start('python3 chat_server.py', '正在监听');
    await t2.start('python3 chat_client.py', '已连接');
    t2.type('slow\r');
    await checks.passes('slow-handler');
    await stopAll();
  });
});
