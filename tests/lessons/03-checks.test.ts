/**
 * Lesson 3's checks, each both ways: unchecked before and after a wrong try, checked after the right action. The
 * note's server has no SO_REUSEADDR, so each test that crashes it has a sandbox (and port 2333) of its own.
 */
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { lessonLab, type Lesson } from '../support/lesson-tools.ts';
import { listening } from '../support/terminal-output.ts';

type Lesson3 = Lesson<'t1' | 't2' | 't3'>;

describe("lesson 3's checks", () => {
  const lab = lessonLab('03-bytes-and-text');
  const learner = () => lab.newLearner(['t1', 't2', 't3']);
  const noteServer = async ({ t1, t3 }: Lesson3) => {
    t1.run('python3 note_fixed.py');
    await listening(t3, t1);
  };

  test('encodings: the printf lines do not count, encodings.py does', async () => {
    const { t3, checks } = await learner();
    for (const id of ['gb2312-talk', 'decode-error', 'encodings', 'split-fixed', 'gbk-client']) {
      await checks.unchecked(id);
    }
    await t3.runToEnd("printf '\\xe4\\xbd\\xa0\\xe5\\xa5\\xbd\\n'");
    await checks.staysUnchecked('encodings', 1000);
    await t3.runToEnd('python3 encodings.py');
    await checks.passes('encodings');
  });

  test('gb2312-talk, then decode-error: GB2312 bytes are read, UTF-8 ones crash the note server', async () => {
    const lesson = await learner();
    const { t1, t2, checks } = lesson;
    await noteServer(lesson);
    // The note's server reads one message per connection: each message here is a client of its own.
    const say = async (text: string) => {
      await t2.start('python3 note_fixed.py client', '>>');
      await t2.ask(text, '客户端收到服务器回复的消息');
      t2.type('\r');
      await t2.waitForStatus('idle');
    };
    await say('hello');
    await checks.staysUnchecked('gb2312-talk', 1000);
    await say('你好');
    await checks.passes('gb2312-talk');
    await checks.unchecked('decode-error');
    await t2.start('python3 bytes_client.py', '>>');
    t2.type('你好\r');
    await t1.waitForStatus('idle');
    await checks.passes('decode-error');
    await lesson.stopAll();
  });

  test('split-fixed: the plain split server does not count, the fixed one does', async () => {
    const { t1, t2, checks, stopAll } = await learner();
    await t1.start('python3 split_server.py', '正在监听');
    await t2.runToEnd('python3 split_sender.py');
    await stopAll();
    await checks.staysUnchecked('split-fixed', 1000);
    await t1.start('python3 split_server_fixed.py', '正在监听');
    await t2.runToEnd('python3 split_sender.py');
    await checks.passes('split-fixed');
    await stopAll();
  });

  test('gbk-client: the unchanged bytes_client crashes the server; changed to send GBK, it passes', async () => {
    const lesson = await learner();
    const { t1, t2, checks } = lesson;
    await noteServer(lesson);
    await t2.start('python3 bytes_client.py', '>>');
    t2.type('你好\r');
    await t1.waitForStatus('idle');
    await t2.stop();
    await checks.staysUnchecked('gbk-client', 1000);
    await lesson.edit('bytes_client.py', (text) =>
      text.replace('sock.sendall(line)', 'sock.sendall(line.decode("utf-8").encode("gbk"))'),
    );
    // The crash left the note's connection in TIME-WAIT on the server's side: a new sandbox would not wait, this one
    // does, so the server is run until it binds.
    await noteServerWhenFree(lesson);
    await t2.start('python3 bytes_client.py', '>>');
    t2.type('你好\r');
    await checks.passes('gbk-client');
    await lesson.stopAll();
  });
});

/** Linux keeps a connection in TIME-WAIT for 60 s (TCP_TIMEWAIT_LEN, not a setting); a little more to be sure. */
const TIME_WAIT_MS = 65_000;

/**
 * Runs the note's server once 2333 is free again (it has no SO_REUSEADDR). Tries until TIME-WAIT is surely over:
 * a count of tries had ended after 15 s once the sandbox started Python faster.
 */
async function noteServerWhenFree({ t1, t3 }: Lesson3): Promise<void> {
  const deadline = Date.now() + TIME_WAIT_MS;
  while (Date.now() < deadline) {
    const { code } = await t1.exec(`python3 -c "import socket; socket.socket().bind(('127.0.0.1', 2333))"`);
    if (code === 0) break;
    await sleep(500);
  }
  t1.run('python3 note_fixed.py');
  await listening(t3, t1);
}
