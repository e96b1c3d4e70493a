/**
 * Lesson 6 in a real sandbox, the way the lesson runs it: a receiver in t1, a sender of a 5 MB file named 数据.bin
 * in t2, sha256sum in t3; Python and TypeScript on both ends, and a sender that asks for ../../.bashrc.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LabSocket } from '../../src/components/lab/lab-socket.ts';
import {
  labSocket,
  newLearnerCookie,
  plain,
  probesAtPrompt,
  startTestLab,
  TerminalProbe,
  type TestLab,
} from '../support/lab-harness.ts';
import { waitAfter, waitForExit } from '../support/lesson-tools.ts';

const LAB = '06-file-transfer';
/** t1's commands in lab.json. */
const RECEIVER = { python: 0, typescript: 1 } as const;
/** t2's commands. */
const MAKE_FILE = 0;
const SENDER = { python: 1, typescript: 2 } as const;
const HOSTILE_SENDER = { python: 3, typescript: 4 } as const;
/** t3's commands. */
const SHA256 = 0;
type Lang = keyof typeof RECEIVER;

describe('lesson 6: file transfer', () => {
  let lab: TestLab;
  let socket: LabSocket;
  let t1: TerminalProbe;
  let t2: TerminalProbe;
  let t3: TerminalProbe;

  before(async () => {
    lab = await startTestLab();
    socket = labSocket(lab, LAB, await newLearnerCookie(lab));
    [t1, t2, t3] = await probesAtPrompt(socket, ['t1', 't2', 't3']);
  });

  after(async () => {
    socket?.close();
    await lab?.close();
  });

  async function startReceiver(lang: Lang): Promise<number> {
    const from = t1.text.length;
    socket.run('t1', RECEIVER[lang]);
    await waitAfter(t1, from, /接收方已启动，正在监听 127\.0\.0\.1:2333，文件保存到 received\//);
    return from;
  }

  /** Runs a command that ends by itself and waits for its exit status. */
  async function runToEnd(probe: TerminalProbe, index: number, code: number): Promise<void> {
    let started = false;
    socket.run(probe.id, index);
    await probe.until(() => {
      if (probe.status === 'running') started = true;
      return started && probe.status === 'idle';
    }, `${probe.id} to run command ${index} to its end`);
    assert.equal(probe.exitCode, code, `${probe.id} exit status`);
  }

  async function stopReceiver(): Promise<void> {
    socket.signal('t1', 'SIGINT');
    await waitForExit(t1, 0);
  }

  test('Make a 5 MB file: 数据.bin', async () => {
    const from = t2.text.length;
    await runToEnd(t2, MAKE_FILE, 0);
    assert.match(plain(t2.text.slice(from)), /5000000 .* 数据\.bin/);
  });

  for (const [receiver, sender] of [
    ['python', 'python'],
    ['typescript', 'typescript'],
    ['python', 'typescript'],
    ['typescript', 'python'],
  ] as const) {
    test(`${receiver} receiver, ${sender} sender: 5000000 bytes in many reads, equal SHA-256`, async () => {
      await t3.exec('rm -rf received');
      const from1 = await startReceiver(receiver);
      const from2 = t2.text.length;
      await runToEnd(t2, SENDER[sender], 0);
      // The header: name length 00 0a, the 10 UTF-8 bytes of 数据.bin, the size 5000000 = 0x4c4b40, all big-endian.
      assert.match(
        plain(t2.text.slice(from2)),
        /头部 20 字节: 00 0a e6 95 b0 e6 8d ae 2e 62 69 6e 00 00 00 00 00 4c 4b 40\n[\s\S]*已发送 5000000 字节/,
      );
      const counted = receiver === 'python' ? /recv\(\) 调用了 (\d+) 次/ : /读了 (\d+) 次/;
      await waitAfter(t1, from1, new RegExp(`已保存 received/数据\\.bin：5000000 字节，${counted.source}`));
      const calls = Number(counted.exec(plain(t1.text.slice(from1)))?.[1]);
      assert.ok(calls > 1, `one file, many reads (${calls})`);
      await stopReceiver();

      const from3 = t3.text.length;
      await runToEnd(t3, SHA256, 0);
      const sums = [...plain(t3.text.slice(from3)).matchAll(/^([0-9a-f]{64}) {2}(\S+)$/gm)];
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
      const from1 = await startReceiver(lang);
      const from2 = t2.text.length;
      socket.run('t2', HOSTILE_SENDER[lang]);
      await waitAfter(t1, from1, /文件名: ['"]\.\.\/\.\.\/\.bashrc['"]，大小: 5000000 字节/);
      await waitAfter(t1, from1, /拒绝：文件名含有路径分隔符；照原样保存会写到 ['"]\/home\/\.bashrc['"]/);
      // The receiver closed the connection with 5 MB unread: the sender's sendall fails.
      await waitAfter(t2, from2, /发送失败，接收方断开了连接/);
      await waitForExit(t2, 1);
      const { output } = await t3.exec('echo "[$(ls -A received 2>/dev/null)] [$(ls -A /home)]"');
      assert.match(output, /^\[\] \[learner\]$/m, 'nothing in received/, no .bashrc in /home');
      await stopReceiver();
    });
  }
});
