/** Lesson 5's checks, each both ways: unchecked before and after a wrong try, checked after the right action. */
import { describe, test } from 'node:test';
import { lessonLab } from '../support/lesson-tools.ts';
import { listening } from '../support/terminal-output.ts';

/** The note's server has no SO_REUSEADDR: each test has a sandbox, and so a port 2333, of its own. */
describe("lesson 5's checks", () => {
  const lab = lessonLab('05-http-by-hand');
  const learner = () => lab.newLearner(['t1', 't2', 't3']);

  test("the note's server: curl times out, the lab's own request never completes", async () => {
    const lesson = await learner();
    const { t1, t2, t3, checks } = lesson;
    for (const id of ['note-never-ends', 'content-length', 'by-hand', 'fix-note']) await checks.unchecked(id);
    t1.run('python3 note_server.py');
    await listening(t3, t1);
    await t2.runToEnd('curl -v --max-time 3 http://127.0.0.1:2333/');
    await checks.passes('note-never-ends');
    await checks.staysUnchecked('content-length', 1000);
    await checks.unchecked('fix-note');
    await lesson.stopAll();
  });

  test('the fixed server completes; nc without -C is not "by hand", with -C it is', async () => {
    const lesson = await learner();
    const { t1, t2, t3, checks } = lesson;
    await t1.start('python3 server.py', '2333');
    await t2.runToEnd('curl -v http://127.0.0.1:2333/');
    await checks.passes('content-length');
    await checks.staysUnchecked('fix-note', 1000);
    const session = async (command: string) => {
      t3.type(`${command}\r`);
      await t3.waitForStatus('running');
      t3.type('GET /hello HTTP/1.1\rHost: 127.0.0.1\r\r');
    };
    await session('nc 127.0.0.1 2333');
    await t3.until(() => /nc 127\.0\.0\.1 2333/.test(t3.text), 'nc to be typed');
    await t3.stop();
    await checks.staysUnchecked('by-hand', 1000);
    await session('nc -C 127.0.0.1 2333');
    await checks.passes('by-hand');
    await lesson.stopAll();
  });

  test("fix-note: the note's server changed to send a Content-Length", async () => {
    const lesson = await learner();
    const { t1, t3, checks } = lesson;
    await lesson.edit('note_server.py', (text) =>
      text
        .replace('conn.send(b"HTTP/1.1 200 OK \\r\\n\\r\\n")', 'pass')
        .replace(
          "conn.send(show_str.encode('GB2312'))",
          "body = show_str.encode('GB2312'); conn.send(b'HTTP/1.1 200 OK\\r\\nContent-Length: ' + str(len(body)).encode() + b'\\r\\n\\r\\n' + body)",
        ),
    );
    t1.run('python3 note_server.py');
    await listening(t3, t1);
    await checks.passes('fix-note');
    await lesson.stopAll();
  });
});
