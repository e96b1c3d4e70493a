/** Lesson 7's checks, each both ways: unchecked before and after a wrong try, checked after the right action. */
import { describe, test } from 'node:test';
import { lessonLab } from '../support/lesson-tools.ts';
import { listening } from '../support/terminal-output.ts';

const PS = 'ps -L -o pid,lwp,args -C python3,node';

describe("lesson 7's checks", () => {
  const lab = lessonLab('07-socketserver-threads');
  const lesson = lab.learner(['t1', 't2', 't3', 't4']);
  const { t1, t2, t3, t4, checks } = lesson;

  test('nothing is checked at first', async () => {
    for (const id of ['bytes-warning', 'threads', 'bye', 'shutdown']) await checks.unchecked(id);
  });

  test('threads and bye: one client is not two, lines without exit get no BYE', async () => {
    await t1.start('python3 server.py', '正在监听');
    await t2.start('python3 client.py', '>>');
    await t4.runToEnd(PS);
    await checks.staysUnchecked('threads', 1000);
    await t3.start('python3 client.py', '>>');
    await t2.ask('hi', '收到回复');
    await t3.ask('hi', '收到回复');
    await t4.runToEnd(PS);
    await checks.passes('threads');
    await t2.stop();
    await t3.stop();

    await t4.exec("printf 'a\\nb\\n' | nc -N 127.0.0.1 2333");
    await checks.staysUnchecked('bye', 1000);
    await t4.exec("printf 'a\\nb\\nexit\\n' | nc -N 127.0.0.1 2333");
    await checks.passes('bye');
    await t1.stop();
  });

  test('bytes-warning: the fixed server has none, the note handler under -b has', async () => {
    // A sandbox of its own: the note's handler binds 2333 without SO_REUSEADDR, so no TIME-WAIT may be left on it
    // (a server that closes first keeps one, as the other tests' servers do after exit).
    const { t1, t2, t4, checks, stopAll } = await lab.newLearner(['t1', 't2', 't4']);
    const server = await t1.start('python3 server.py', '正在监听');
    await t2.start('python3 client.py', '>>');
    await t2.ask('hi', '收到回复');
    // The client leaves first, so that this connection's TIME-WAIT is on the client's side.
    await t2.stop();
    await server.wait('客户端已断开');
    await stopAll();
    await checks.staysUnchecked('bytes-warning', 1000);
    t1.run('python3 -b note_handler.py');
    await listening(t4, t1);
    await t2.start('python3 client.py', '>>');
    t2.type('hi\r');
    await checks.passes('bytes-warning');
    await stopAll();
  });

  test('shutdown: the command added in the editor, then sent', async () => {
    await lesson.edit('server.py', (text) =>
      text.replace(
        '                if data == b"exit":',
        '                if data == b"shutdown":\n                    self.request.sendall(b"STOPPING\\n")\n                    self.server.shutdown()\n                    break\n                if data == b"exit":',
      ),
    );
    await t1.start('python3 server.py', '正在监听');
    await t2.start('python3 client.py', '>>');
    await t2.ask('hello', '收到回复');
    await checks.staysUnchecked('shutdown', 1000);
    await t2.ask('shutdown', 'STOPPING');
    await checks.passes('shutdown');
    await lesson.stopAll();
  });
});
