/**
 * Nothing lost: a learner's files survive an idle reap, a `kill -9` of the backend and a restart; "Reset files" puts
 * the originals back; a damaged or missing database stops the start instead of starting empty.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DATABASE_FILE, Store } from '../../server/src/store/store.ts';
import { runBackend, startBackendProcess } from '../support/backend-process.ts';
import { cgroupDirsOf } from '../support/host-processes.ts';
import { fixtureExamples, FIXTURE_LAB } from '../support/fixture-lab.ts';
import { labSocket, newLearnerCookie, probesAtPrompt, startTestLab } from '../support/lab-harness.ts';
import { eventually } from '../support/waiters.ts';

/** The groups a backend run as its own process made (`socket-lab-<its pid>-…`), in each hierarchy it shares with us. */
async function labGroupsOf(pid: number): Promise<string[]> {
  const found: string[] = [];
  for (const dir of new Set((await cgroupDirsOf('self')).values())) {
    const names = (await readdir(dir)).filter((name) => name.startsWith(`socket-lab-${pid}-`));
    found.push(...names.map((name) => path.join(dir, name)));
  }
  return found;
}

const learnerOf = (cookie: string) => cookie.split('=')[1] as string;

/** The learner's work in the store, as the next workspace would get it. */
function savedPaths(store: Store, cookie: string): string[] {
  return store.work.list(learnerOf(cookie), FIXTURE_LAB).map((f) => (f.deleted ? `-${f.path}` : f.path));
}

describe('learners’ work is kept', () => {
  let examples: Awaited<ReturnType<typeof fixtureExamples>>;
  let dataDir: string;
  before(async () => {
    examples = await fixtureExamples();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-work-'));
  });
  after(async () => {
    await examples.remove();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = (extra: string[] = []) => startTestLab(['--examples-dir', examples.dir, ...extra]);

  test('files written, changed and deleted come back after an idle reap', async () => {
    const lab = await start(['--idle-timeout', '1']);
    try {
      const cookie = await newLearnerCookie(lab);
      let socket = labSocket(lab, FIXTURE_LAB, cookie);
      let [t1] = await probesAtPrompt(socket, ['t1']);
      await t1.exec(
        'mkdir -p notes && echo "你好 work" > notes/mine.txt && echo "# changed" >> send.py && rm echo_server.py',
      );
      await eventually(
        () => savedPaths(lab.site.lab.store, cookie).join() === '-echo_server.py,notes/mine.txt,send.py',
        'the changes to be saved',
      );
      socket.close();
      await eventually(() => lab.site.lab.registry.size === 0, 'the workspace to be reaped');

      socket = labSocket(lab, FIXTURE_LAB, cookie);
      [t1] = await probesAtPrompt(socket, ['t1']);
      const { output } = await t1.exec('cat notes/mine.txt; tail -1 send.py; ls echo_server.py 2>&1');
      assert.match(output, /你好 work/);
      assert.match(output, /# changed/);
      assert.match(output, /No such file/);
      socket.close();
    } finally {
      await lab.close();
    }
  });

  test('a file changed back to the original is no longer kept, and a file too big is skipped with a notice', async () => {
    const lab = await start();
    try {
      const cookie = await newLearnerCookie(lab);
      const socket = labSocket(lab, FIXTURE_LAB, cookie);
      const [t1] = await probesAtPrompt(socket, ['t1']);
      await t1.exec('cp send.py send.bak && echo x >> send.py');
      await eventually(() => savedPaths(lab.site.lab.store, cookie).includes('send.py'), 'send.py saved');
      await t1.exec('cp send.bak send.py && head -c 6000000 /dev/zero > big.bin');
      await t1.waitForText(/not saved: big\.bin \(5\.7 MiB\)/);
      await eventually(() => savedPaths(lab.site.lab.store, cookie).join() === 'send.bak', 'only send.bak kept');
      socket.close();
    } finally {
      await lab.close();
    }
  });

  test('"Reset files" puts the originals back and forgets the changes', async () => {
    const lab = await start();
    try {
      const cookie = await newLearnerCookie(lab);
      const socket = labSocket(lab, FIXTURE_LAB, cookie);
      let [t1] = await probesAtPrompt(socket, ['t1']);
      await t1.exec('echo mine > mine.txt && rm send.py');
      await eventually(() => savedPaths(lab.site.lab.store, cookie).length === 2, 'the changes saved');
      socket.resetFiles();
      await t1.until(() => t1.detachedReason === 'workspace-ended', 'the workspace to end');
      // The socket reconnects to a fresh workspace by itself.
      [t1] = await probesAtPrompt(socket, ['t1']);
      const { output } = await t1.exec('ls');
      assert.match(output, /echo_server\.py/);
      assert.match(output, /send\.py/);
      assert.doesNotMatch(output, /mine\.txt/);
      assert.deepEqual(savedPaths(lab.site.lab.store, cookie), []);
      socket.close();
    } finally {
      await lab.close();
    }
  });

  test('after kill -9 of the backend and a new start, the same cookie finds its files', async () => {
    const args = ['--port', '0', '--examples-dir', examples.dir, '--data-dir', dataDir];
    let backend = await startBackendProcess({ args });
    let lab = { url: backend.url, origin: backend.url };
    const cookie = await newLearnerCookie(lab);
    let socket = labSocket(lab, FIXTURE_LAB, cookie);
    let [t1] = await probesAtPrompt(socket, ['t1']);
    await t1.exec('echo "survives a crash" > crash.txt');
    // Read-only from here: the backend owns the database; WAL lets both look at once.
    const store = await Store.open(dataDir);
    try {
      await eventually(() => savedPaths(store, cookie).includes('crash.txt'), 'crash.txt saved');
    } finally {
      store.close();
    }
    // The staged tools and workspace directories it made in the temporary directory, which only its successor removes.
    const scratch = (await readdir(os.tmpdir())).filter((name) => name.startsWith(`socket-lab-${backend.child.pid}-`));
    assert.equal(scratch.length, 1, 'one scratch directory, named for its backend');
    await backend.stop('SIGKILL');
    socket.close();

    backend = await startBackendProcess({ args });
    try {
      assert.ok(!existsSync(path.join(os.tmpdir(), scratch[0] as string)), "the crashed backend's scratch is removed");
      lab = { url: backend.url, origin: backend.url };
      socket = labSocket(lab, FIXTURE_LAB, cookie);
      [t1] = await probesAtPrompt(socket, ['t1']);
      assert.match((await t1.exec('cat crash.txt')).output, /survives a crash/);
      socket.close();
    } finally {
      await backend.stop();
    }
  });

  test('with nobody reading its log it keeps serving; a hangup stops it like SIGTERM: work saved, nothing left', async () => {
    const backend = await startBackendProcess({
      args: ['--port', '0', '--examples-dir', examples.dir, '--data-dir', dataDir],
    });
    try {
      const lab = { url: backend.url, origin: backend.url };
      // The `| tee` or the terminal that read its log is gone: every line it writes from now on fails (EPIPE).
      backend.child.stdout?.destroy();
      backend.child.stderr?.destroy();
      const cookie = await newLearnerCookie(lab);
      const socket = labSocket(lab, FIXTURE_LAB, cookie);
      // Starting a workspace logs lines; the backend outlives them.
      const [t1] = await probesAtPrompt(socket, ['t1']);
      await t1.exec('echo "written just before the hangup" > last.txt');
      const groups = await labGroupsOf(backend.child.pid as number);
      assert.ok(groups.length > 0, 'the lab made its groups');

      await backend.stop('SIGHUP');
      assert.equal(backend.child.exitCode, 0, 'a stop, not a crash');
      const store = await Store.open(dataDir);
      try {
        assert.ok(savedPaths(store, cookie).includes('last.txt'), 'the last file is saved on the way out');
      } finally {
        store.close();
      }
      for (const dir of groups) assert.equal(existsSync(dir), false, `${dir} is removed`);
      socket.close();
    } finally {
      await backend.stop();
    }
  });

  test('a damaged or missing database stops the start with a clear error, and is left as it was', async () => {
    const broken = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-broken-'));
    try {
      const file = path.join(broken, DATABASE_FILE);
      const text = 'this is not a database, but it might be someone’s backup';
      await writeFile(file, text);
      const damaged = await runBackend({ args: ['--port', '0', '--data-dir', broken] });
      assert.equal(damaged.code, 1);
      assert.match(damaged.output, /is damaged/);
      assert.match(damaged.output, /no learner's work is lost/);
      assert.equal(await readFile(file, 'utf8'), text);

      const fresh = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-fresh-'));
      (await Store.open(fresh)).close();
      await rm(path.join(fresh, DATABASE_FILE));
      const missing = await runBackend({ args: ['--port', '0', '--data-dir', fresh] });
      await rm(fresh, { recursive: true, force: true });
      assert.equal(missing.code, 1);
      assert.match(missing.output, /is missing/);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});
