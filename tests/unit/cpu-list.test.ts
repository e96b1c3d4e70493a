import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatCpuList, parseCpuList, splitCpus } from '../../server/src/sandbox/cpu-list.ts';

describe('CPU lists', () => {
  test('reads the kernel format, ranges and single CPUs, with a trailing newline', () => {
    assert.deepEqual(parseCpuList('0-1\n'), [0, 1]);
    assert.deepEqual(parseCpuList('0-2,5,8-9'), [0, 1, 2, 5, 8, 9]);
    assert.deepEqual(parseCpuList('\n'), [], 'an empty cpuset');
  });

  test('refuses what is not a CPU list', () => {
    for (const text of ['a', '1-', '3-1', '1,,x', '-1']) assert.throws(() => parseCpuList(text), /not a CPU list/);
  });

  test('writes runs back as ranges, whatever the order', () => {
    assert.equal(formatCpuList([5, 0, 1, 2, 9]), '0-2,5,9');
    assert.equal(formatCpuList([1]), '1');
    assert.equal(formatCpuList(parseCpuList('0-63')), '0-63');
  });

  test("keeps the lab's lowest CPUs for the backend and gives the workspaces the rest", () => {
    assert.deepEqual(splitCpus([0, 1], 1), { kept: true, backend: [0], workspaces: [1] });
    assert.deepEqual(splitCpus([2, 3, 6, 7], 2), { kept: true, backend: [2, 3], workspaces: [6, 7] });
  });

  test('keeps nothing when asked to, or when the workspaces would have no CPU left', () => {
    assert.deepEqual(splitCpus([0, 1], 0), { kept: false, why: '--backend-cpus 0' });
    const one = splitCpus([0], 1);
    assert.equal(one.kept, false);
    assert.match(one.kept ? '' : one.why, /the lab has 1 CPU, none left/);
    assert.equal(splitCpus([0, 1], 2).kept, false);
  });
});
