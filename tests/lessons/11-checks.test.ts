/** Lesson 11's checks, each both ways: unchecked before and after a wrong try, checked after the right action. */
import { describe, test } from 'node:test';
import { openLesson } from '../support/lesson-tools.ts';

const CLI = 'python3 -m websockets ws://127.0.0.1:8765/';

describe("lesson 11's checks", () => {
  const lesson = openLesson('11-websockets-library', ['t1', 't2', 't3']);
  const { t1, t2, t3, checks } = lesson;

  test('two clients, /room and 1009: one client, the root path and a small message do not count', async () => {
    for (const id of ['two-clients', 'room-path', 'too-big', 'origins']) await checks.unchecked(id);
    await t1.start('/usr/bin/python3 server.py', '聊天室已启动');
    await t2.start('python3 client.py', '');
    await t1.until(() => /加入/.test(t1.text), 'the first client to join');
    await checks.staysUnchecked('two-clients', 2500);
    await checks.unchecked('room-path');
    await t3.start('node client.ts', '');
    await checks.passes('two-clients');
    await lesson.stopAll();

    await t1.start('/usr/bin/python3 server.py', '聊天室已启动');
    await t2.exec(`python3 -c 'print("x"*2000)' | python3 -m websockets ws://127.0.0.1:8765/room`);
    await checks.passes('room-path');
    await checks.unchecked('too-big');
    await t2.exec(`python3 -c 'print("x"*2000000)' | ${CLI}`);
    await checks.passes('too-big');
    await lesson.stopAll();
  });

  test('origins: the command-line client is refused only once the server lists its origins', async () => {
    await lesson.edit('server.py', (text) =>
      text.replace(
        'websockets.serve(handler, HOST, PORT)',
        'websockets.serve(handler, HOST, PORT, origins=["http://example.com"])',
      ),
    );
    await checks.staysUnchecked('origins', 3000);
    await t1.start('/usr/bin/python3 server.py', '聊天室已启动');
    await t2.runToEnd(CLI);
    await checks.passes('origins');
    await lesson.stopAll();
  });
});
