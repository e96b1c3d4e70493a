import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, test } from 'node:test';
import { MIGRATIONS } from '../../server/src/store/migrations.ts';
import { DATABASE_FILE, inspectStore, Store, StoreError } from '../../server/src/store/store.ts';
import { useTempDir } from '../support/temp-dir.ts';

describe('Store', () => {
  const dir = useTempDir('store-test-', { each: true });

  test('a new store is private, in WAL mode, at the latest schema, and says where it is', async () => {
    const store = await Store.open(path.join(dir(), 'data'));
    store.close();
    const file = path.join(dir(), 'data', DATABASE_FILE);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const db = new DatabaseSync(file);
    assert.equal((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
    assert.equal((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, MIGRATIONS.length);
    db.close();
    assert.match(await readFile(path.join(dir(), 'data', 'socket-lab-data.txt'), 'utf8'), /\.backup/);
  });

  test('learners keep their first name and first-seen time; last-seen moves, at most once a minute', async () => {
    const store = await Store.open(dir());
    store.learners.add('L1', 'Ann', 1000);
    store.learners.add('L1', 'Someone else', 2000);
    store.learners.touch('L1', 30_000);
    assert.deepEqual(store.learners.get('L1'), { id: 'L1', displayName: 'Ann', firstSeen: 1000, lastSeen: 1000 });
    store.learners.touch('L1', 70_000);
    assert.equal(store.learners.get('L1')?.lastSeen, 70_000);
    assert.equal(store.learners.get('nobody'), null);
    assert.equal(store.learners.count(), 1);
    store.close();
  });

  test('work is saved, replaced, dropped and cleared per learner and lesson', async () => {
    const store = await Store.open(dir());
    store.learners.add('L1', '');
    store.learners.add('L2', '');
    const file = (p: string, text: string) => ({
      path: p,
      deleted: false as const,
      content: Buffer.from(text),
      mode: 0o644,
    });
    store.work.save('L1', 'lab', [file('a.py', 'one'), { path: 'gone.py', deleted: true }], []);
    store.work.save('L2', 'lab', [file('a.py', 'theirs')], []);
    store.work.save('L1', 'lab', [file('a.py', 'two!')], ['gone.py']);
    assert.deepEqual(store.work.list('L1', 'lab'), [file('a.py', 'two!')]);
    assert.equal(store.work.bytes('L1', 'lab'), 4);
    store.work.clear('L1', 'lab');
    assert.deepEqual(store.work.list('L1', 'lab'), []);
    assert.deepEqual(store.work.list('L2', 'lab'), [file('a.py', 'theirs')]);
    store.close();
  });

  test('a database from a newer version is refused, untouched', async () => {
    (await Store.open(dir())).close();
    const db = new DatabaseSync(path.join(dir(), DATABASE_FILE));
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    await assert.rejects(
      Store.open(dir()),
      (error: Error) => error instanceof StoreError && /newer/.test(error.message),
    );
  });

  test('doctor reads a store without creating one', async () => {
    assert.match((await inspectStore(dir())).detail, /made at the first start/);
    await assert.rejects(stat(path.join(dir(), DATABASE_FILE)));
    (await Store.open(dir())).close();
    assert.deepEqual(await inspectStore(dir()), {
      ok: true,
      detail: `${path.join(dir(), DATABASE_FILE)} (0 learners)`,
    });
  });
});
