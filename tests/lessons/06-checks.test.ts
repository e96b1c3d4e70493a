/** Lesson 6's checks, each both ways: unchecked before and after a wrong try, checked after the right action. */
import { describe, test } from 'node:test';
import { openLesson } from '../support/lesson-tools.ts';

const CUT_SHORT = `python3 -c 'import socket, struct; s = socket.create_connection(("127.0.0.1", 2333)); n = b"half.bin"; s.sendall(struct.pack("!H", len(n)) + n + struct.pack("!Q", 5000000) + b"x" * 1000)'`;

describe("lesson 6's checks", () => {
  const lesson = openLesson('06-file-transfer', ['t1', 't2', 't3']);
  const { t1, t2, t3, checks } = lesson;

  test('nothing is checked at first; a file compared with itself is not the received one', async () => {
    for (const id of ['transfer', 'same-hash', 'bad-name', 'cut-short', 'sendfile']) await checks.unchecked(id);
    await t2.runToEnd('head -c 5000000 /dev/urandom > 数据.bin && ls -l 数据.bin');
    await t3.exec('sha256sum 数据.bin 数据.bin');
    await checks.staysUnchecked('same-hash', 1000);
  });

  test('a cut-short transfer and a bad name are refused; a whole one is saved and hashes the same', async () => {
    await t1.start('python3 recv_file.py', '正在监听');
    await t2.exec(CUT_SHORT);
    await checks.passes('cut-short');
    await checks.unchecked('transfer');
    await t2.runToEnd('python3 send_file.py 数据.bin --name ../../.bashrc');
    await checks.passes('bad-name');
    await checks.unchecked('transfer');
    await t2.runToEnd('python3 send_file.py 数据.bin');
    await checks.passes('transfer');
    await checks.unchecked('sendfile');
    await t3.runToEnd('sha256sum 数据.bin received/数据.bin');
    await checks.passes('same-hash');
  });

  test('sendfile: the changed sender, sent again', async () => {
    await lesson.edit('send_file.py', (text) =>
      // The loop and its count, all three lines: a stray `sent += len(chunk)` left behind is an IndentationError.
      text.replace(
        /while chunk := f\.read\(65536\):\n\s+sock\.sendall\(chunk\)[^\n]*\n\s+sent \+= len\(chunk\)/,
        'sent = sock.sendfile(f)',
      ),
    );
    await t2.runToEnd('python3 send_file.py 数据.bin');
    await checks.passes('sendfile');
    await lesson.stopAll();
  });
});
