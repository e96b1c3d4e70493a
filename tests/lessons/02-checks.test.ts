/** Lesson 2's checks, each both ways: unchecked before and after a wrong try, checked after the right action. */
import { describe, test } from 'node:test';
import { openLesson } from '../support/lesson-tools.ts';
import { listening } from '../support/terminal-output.ts';

describe("lesson 2's checks", () => {
  const lesson = openLesson('02-byte-stream', ['t1', 't2', 't4']);
  const { t1, t2, t4, checks } = lesson;

  test('nothing is checked at first', async () => {
    for (const id of ['merged', 'line-framing', 'length-framing', 'length-sender']) await checks.unchecked(id);
  });

  test('merged: upper_server with sender; the line server with the plain sender does not count', async () => {
    await t1.start('python3 line_server.py', '正在监听');
    // The line server waits for a newline that never comes: the sender waits for its reply, and is stopped.
    await t2.start('python3 sender.py', "sendall(b'second')");
    await lesson.stopAll();
    await checks.staysUnchecked('merged', 1000);
    await checks.unchecked('line-framing');
    await t1.start('python3 upper_server.py', '正在监听');
    await t2.runToEnd('python3 sender.py');
    await checks.passes('merged');
    await lesson.stopAll();
  });

  test('line and length framing each pass with their own server', async () => {
    await t1.start('python3 line_server.py', '正在监听');
    await t2.runToEnd('python3 line_sender.py');
    await checks.passes('line-framing');
    await checks.staysUnchecked('length-framing', 1000);
    await t1.stop();
    await t1.start('python3 length_server.py', '正在监听');
    await t2.runToEnd('python3 length_sender.py');
    await checks.passes('length-framing');
    await t1.stop();
  });

  test('length-sender: needs sender.py changed to send length headers, and the length server to read them', async () => {
    await t1.start('python3 length_server.py', '正在监听');
    await listening(t4, t1);
    // Unchanged, sender.py's bytes are read as a length header of b'firs': no message ever completes.
    await t2.start('python3 sender.py', "sendall(b'second')");
    await checks.staysUnchecked('length-sender', 2500);
    await t2.stop();
    await lesson.edit('sender.py', (text) =>
      text
        .replace('import socket', 'import socket\nimport struct')
        .replace('sock.sendall(b"first")', 'sock.sendall(struct.pack("!I", 5) + b"first")')
        .replace('sock.sendall(b"second")', 'sock.sendall(struct.pack("!I", 6) + b"second")')
        .replace('reply = receive(sock, len(b"FIRSTSECOND"))', 'reply = receive(sock, 4 + 5 + 4 + 6)\n        return'),
    );
    await t2.runToEnd('python3 sender.py');
    await checks.passes('length-sender');
    await lesson.stopAll();
  });
});
