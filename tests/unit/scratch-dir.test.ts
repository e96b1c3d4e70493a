/**
 * A backend's scratch directory is named for its owner, and the next backend removes the ones whose owner is gone:
 * nothing else in the temporary directory, and nothing with a mount still in it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createRecordingLogger } from '../../server/src/log.ts';
import { ownerTag } from '../../server/src/sandbox/instance-owner.ts';
import { makeScratchDir, removeStaleScratchDirs } from '../../server/src/sandbox/scratch-dir.ts';
import { useTempDir } from '../support/temp-dir.ts';

describe('scratch directories of stopped backends', () => {
  const tmp = useTempDir('scratch-dirs-');

  test("only a gone backend's are removed", async () => {
    const mine = await makeScratchDir(tmp(), await ownerTag());
    // This process's pid with another start time: the process that tag names has ended.
    const gone = await makeScratchDir(tmp(), `${process.pid}-1`);
    await mkdir(path.join(gone, 'tools'));
    const others = ['socket-lab-data-abcdef', 'socket-lab-abcdef', 'socket-lab-doctor-abcdef', 'unrelated'];
    for (const name of others) await mkdir(path.join(tmp(), name));
    const log = createRecordingLogger();

    await removeStaleScratchDirs(tmp(), log);

    assert.deepEqual((await readdir(tmp())).sort(), [path.basename(mine), ...others].sort());
    assert.ok(log.lines.some((l) => l.level === 'info' && l.fields['dir'] === gone));
  });

  test(
    'one with something still mounted in it is kept, and says why',
    { skip: process.getuid?.() !== 0 && 'needs root: a mount' },
    async () => {
      const gone = await makeScratchDir(tmp(), `${process.pid}-2`);
      const mountPoint = path.join(gone, 'workspaces', 'w1');
      await mkdir(mountPoint, { recursive: true });
      execFileSync('/usr/bin/mount', ['-t', 'tmpfs', '-o', 'size=1m', 'scratch-dir-test', mountPoint]);
      try {
        const log = createRecordingLogger();
        await removeStaleScratchDirs(tmp(), log);
        assert.ok(existsSync(mountPoint));
        assert.ok(log.lines.some((l) => l.level === 'warn' && /still mounted/.test(l.message)));
      } finally {
        execFileSync('/usr/bin/umount', [mountPoint]);
      }
      await removeStaleScratchDirs(tmp(), createRecordingLogger());
      assert.ok(!existsSync(gone));
    },
  );

  test('a temporary directory that cannot be read is logged, not thrown', async () => {
    const log = createRecordingLogger();
    await removeStaleScratchDirs(path.join(tmp(), 'missing'), log);
    assert.ok(log.lines.some((l) => l.level === 'warn'));
  });
});
