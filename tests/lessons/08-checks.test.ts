/** Lesson 8's checks, each both ways: unchecked before and after a wrong try, checked after the right action. */
import { describe, test } from 'node:test';
import { lessonLab } from '../support/lesson-tools.ts';

const PS = 'ps -L -o pid,lwp,stat,args -C python3';

describe("lesson 8's checks", () => {
  const lab = lessonLab('08-full-duplex-chat');

  test('chat, threads and exit: each needs both sides', async () => {
    const { t1, t2, t4, checks, stopAll } = await lab.newLearner(['t1', 't2', 't4']);
    for (const id of ['chat', 'exit', 'threads', 'no-daemon']) await checks.unchecked(id);
    await t1.start('python3 chat.py server', '等待对方连接');
    await t4.runToEnd(PS);
    await checks.staysUnchecked('threads', 1000);
    await t2.start('python3 chat.py client', '输入消息回车发送');
    await t2.ask('你好', '你好');
    await t1.until(() => /对方: 你好/.test(t1.text), 'the server side to hear it');
    await checks.staysUnchecked('chat', 1000);
    t1.type('hi\r');
    await t2.until(() => /对方: hi/.test(t2.text), 'the client side to hear it');
    await checks.passes('chat');
    await t4.runToEnd(PS);
    await checks.passes('threads');
    await checks.unchecked('exit');
    t2.type('exit\r');
    await checks.passes('exit');
    await stopAll();
  });

  test('no-daemon: unchanged, the other side leaving does not pass it; without daemon=True it does', async () => {
    const { t1, t2, checks, stopAll, edit } = await lab.newLearner(['t1', 't2']);
    const chatAndLeave = async (daemon: boolean) => {
      // What t1 shows from this round on: the first round's 对方结束了聊天 is still on its screen.
      const server = await t1.start('python3 chat.py server', '等待对方连接');
      await t2.start('python3 chat.py client', '输入消息回车发送');
      t2.type('exit\r');
      await server.wait('对方结束了聊天');
      // Without daemon=True the program waits for its keyboard thread: end of input (Ctrl-D) lets it end.
      if (!daemon) t1.type('\x04');
      await t1.waitForStatus('idle');
      await stopAll();
    };
    await chatAndLeave(true);
    await checks.staysUnchecked('no-daemon', 3000);
    await edit('chat.py', (text) => text.replace(', daemon=True)', ')'));
    await chatAndLeave(false);
    await checks.passes('no-daemon');
  });
});
