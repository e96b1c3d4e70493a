/** How many shells each of the pool's sandboxes starts ahead, from the labs' terminals and the pool's size. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SANDBOX_POOL } from '#protocol/limits.ts';
import { shellsAhead } from '../../server/src/lab.ts';
import type { Lab, LabCatalog } from '../../server/src/lessons/lab-catalog.ts';

const catalog = (...terminalCounts: number[]): LabCatalog =>
  new Map(
    terminalCounts.map((count, i) => [
      `lab-${i}`,
      { manifest: { terminals: Array.from({ length: count }, (_, t) => ({ id: `t${t + 1}` })) } } as unknown as Lab,
    ]),
  );

test('as many as the lab with the most terminals, up to the limit per sandbox', () => {
  assert.equal(shellsAhead(catalog(1, 3, 2), 10), 3);
  assert.equal(shellsAhead(catalog(3, 8), 10), SANDBOX_POOL.shellsAhead);
});

test('a large pool gets fewer each, so that the whole pool holds at most the limit in all, and a huge one none', () => {
  assert.equal(shellsAhead(catalog(8), 100), 4);
  assert.equal(shellsAhead(catalog(8), 200), 2);
  assert.equal(shellsAhead(catalog(8), 300), 1);
  assert.equal(shellsAhead(catalog(8), SANDBOX_POOL.maxSize), 0);
  for (const size of [1, 99, 150, 401, 1000]) {
    assert.ok(shellsAhead(catalog(8), size) * size <= SANDBOX_POOL.shellsInAll, `pool of ${size}`);
  }
});
