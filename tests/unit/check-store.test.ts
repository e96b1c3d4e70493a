import assert from 'node:assert/strict';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, test } from 'node:test';
import { MIGRATIONS } from '../../server/src/store/migrations.ts';
import { DATABASE_FILE, Store } from '../../server/src/store/store.ts';
import { useTempDir } from '../support/temp-dir.ts';

describe('passed checks in the store', () => {
  const dir = useTempDir('check-store-', { each: true });

  test('a database of schema 1 is brought to the latest, its learners and work kept', async () => {
    const file = path.join(dir(), DATABASE_FILE);
    const old = new DatabaseSync(file);
    old.exec(MIGRATIONS[0] as string);
    old.exec('PRAGMA user_version = 1');
    old.prepare('INSERT INTO learners VALUES (?, ?, ?, ?)').run('L1', 'Ann', 1, 1);
    old.close();
    const store = await Store.open(dir());
    assert.equal(store.learners.get('L1')?.displayName, 'Ann');
    store.checks.pass('L1', '01-first-client-server', 'listening', 5000);
    assert.deepEqual([...store.checks.passed('L1', '01-first-client-server')], [['listening', 5000]]);
    store.close();
  });

  test('a pass is kept once, with its first time, and survives reopening', async () => {
    let store = await Store.open(dir());
    store.learners.add('L1', 'Ann');
    store.learners.add('L2', 'Bo');
    store.checks.pass('L1', '01-a', 'one', 1000);
    store.checks.pass('L1', '01-a', 'one', 9000);
    store.checks.pass('L1', '02-b', 'two', 2000);
    store.checks.pass('L2', '01-a', 'one', 3000);
    store.close();
    store = await Store.open(dir());
    assert.deepEqual([...store.checks.passed('L1', '01-a')], [['one', 1000]]);
    assert.deepEqual(
      store.checks.all('L1').sort((a, b) => a.passedAt - b.passedAt),
      [
        { labId: '01-a', checkId: 'one', passedAt: 1000 },
        { labId: '02-b', checkId: 'two', passedAt: 2000 },
      ],
    );
    assert.equal(store.checks.passed('nobody', '01-a').size, 0);
    store.close();
  });
});
