/**
 * Lesson 6 in a real sandbox, the way the lesson runs it: a receiver in t1, a sender of a 5 MB file named 数据.bin
 * in t2, sha256sum in t3; Python and TypeScript on both ends, and a sender that asks for ../../.bashrc.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openLesson } from '../support/lesson-tools.ts';
import { waitForExit } from '../support/terminal-output.ts';

/** What the commands run, in examples/06-file-transfer/lab.json: t1 receives, t2 makes the file and sends it. */
const RECEIVER = { python: 'python3 recv_file.py', typescript: 'node recv_file.ts' } as const;
const MAKE_FILE = 'head -c 5000000 /dev/urandom > 数据.bin && ls -l 数据.bin';
const SENDER = { python: 'python3 send_file.py 数据.bin', typescript: 'node send_file.ts 数据.bin' } as const;
const HOSTILE_SENDER = {
  python: 'python3 send_file.py 数据.bin --name ../../.bashrc',
  typescript: 'node send_file.ts 数据.bin --name ../../.bashrc',
} as const;
/** t3 checks. */
const SHA256 = 'sha256sum 数据.bin received/数据.bin';
type Lang = keyof typeof RECEIVER;

describe('lesson 6: file transfer', () => {
  const { t1, t2, t3 } = openLesson('06-file-transfer', ['t1', 't2', 't3']);

  const startReceiver = (lang: Lang) =>
    t1.start(RECEIVER[lang], /接收方已启动，正在监听 127\.0\.0\.1:2333，文件保存到 received\//);

  async function stopReceiver(): Promise<void> {
    t1.interrupt();
    await waitForExit(t1, 0);
  }

  test('Make a 5 MB file: 数据.bin', async () => {
    const made = await t2.runToEnd(MAKE_FILE);
    assert.equal(t2.exitCode, 0, made);
    assert.match(made, /5000000 .* 数据\.bin/);
  });

  for (const [receiver, sender] of [
    ['python', 'python'],
    ['typescript', 'typescript'],
    ['python', 'typescript'],
    ['typescript', 'python'],
  ] as const) {
    test(`${receiver} receiver, ${sender} sender: 5000000 bytes in many reads, equal SHA-256`, async () => {
      await t3.exec('rm -rf received');
      const received = await startReceiver(receiver);
      const sent = await t2.runToEnd(SENDER[sender]);
      assert.equal(t2.exitCode, 0, sent);
      // The header: name length 00 0a, the 10 UTF-8 bytes of 数据.bin, the size 5000000 = 0x4c4b40, all big-endian.
      assert.match(
        sent,
        /头部 20 字节: 00 0a e6 95 b0 e6 8d ae 2e 62 69 6e 00 00 00 00 00 4c 4b 40\n[\s\S]*已发送 5000000 字节/,
      );
      const counted = receiver === 'python' ? /recv\(\) 调用了 (\d+) 次/ : /读了 (\d+) 次/;
      const saved = await received.wait(new RegExp(`已保存 received/数据\\.bin：5000000 字节，${counted.source}`));
      const calls = Number(counted.exec(saved)?.[1]);
      assert.ok(calls > 1, `one file, many reads (${calls})`);
      await stopReceiver();

      const checked = await t3.runToEnd(SHA256);
      assert.equal(t3.exitCode, 0, checked);
      const sums = [...checked.matchAll(/^([0-9a-f]{64}) {2}(\S+)$/gm)];
      assert.deepEqual(
        sums.map((m) => m[2]),
        ['数据.bin', 'received/数据.bin'],
      );
      assert.equal(sums[0]?.[1], sums[1]?.[1], 'the same SHA-256 on both sides');
    });
  }

  for (const lang of ['python', 'typescript'] as const) {
    test(`${lang}: a sender that names the file ../../.bashrc is refused and nothing is written`, async () => {
      await t3.exec('rm -rf received');
      const received = await startReceiver(lang);
      const sent = t2.run(HOSTILE_SENDER[lang]);
      await received.wait(/文件名: ['"]\.\.\/\.\.\/\.bashrc['"]，大小: 5000000 字节/);
      await received.wait(/拒绝：文件名含有路径分隔符；照原样保存会写到 ['"]\/home\/\.bashrc['"]/);
      // The receiver closed the connection with 5 MB unread: the sender's sendall fails.
      await sent.wait(/发送失败，接收方断开了连接/);
      await waitForExit(t2, 1);
      const { output } = await t3.exec('echo "[$(ls -A received 2>/dev/null)] [$(ls -A /home)]"');
      assert.match(output, /^\[\] \[learner\]$/m, 'nothing in received/, no .bashrc in /home');
      await stopReceiver();
    });
  }
});
