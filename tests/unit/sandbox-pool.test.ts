/**
 * The sandbox pool's bookkeeping, on fake sandboxes: it fills to its size, refills behind a take, gives each sandbox
 * a slot of its own that the registry cannot hand out meanwhile, replaces one whose holder died, frees the slot of
 * one it could not start, and releases everything not taken on close.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRecordingLogger } from '../../server/src/log.ts';
import { SandboxPool } from '../../server/src/workspace/sandbox-pool.ts';
import { Slots } from '../../server/src/workspace/slots.ts';
import type { PreparedHost } from '../../server/src/workspace/workspace-host.ts';
import { eventually } from '../support/waiters.ts';

class FakeHosts {
  readonly made: string[] = [];
  readonly released: string[] = [];
  readonly #ends = new Map<string, () => void>();
  failNext = false;
  /** While set, a sandbox being started waits for it. */
  gate: Promise<void> | null = null;
  /** How long starting a sandbox takes, in ms. */
  startMs = 0;
  /** When each sandbox started to be made (performance.now()). */
  readonly startedAt: number[] = [];

  prepare = async (name: string): Promise<PreparedHost> => {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('bwrap: no');
    }
    this.made.push(name);
    this.startedAt.push(performance.now());
    await this.gate;
    if (this.startMs > 0) await new Promise((resolve) => setTimeout(resolve, this.startMs));
    const { promise: ended, resolve } = Promise.withResolvers<undefined>();
    this.#ends.set(name, () => resolve(undefined));
    const release = async () => void this.released.push(name);
    return {
      root: `/tmp/${name}`,
      home: `/tmp/${name}/home`,
      identity: null,
      runtime: {
        shell: () => assert.fail(),
        command: () => assert.fail(),
        connect: () => assert.fail(),
        ended,
        kill: release,
      },
      disk: { release: async () => undefined },
      cgroup: null,
      shells: [],
    } as unknown as PreparedHost;
  };

  /** The holder of sandbox `name` dies. */
  die(name: string): void {
    this.#ends.get(name)?.();
  }
}

function setup(size: number) {
  const hosts = new FakeHosts();
  const slots = new Slots();
  const log = createRecordingLogger();
  const pool = new SandboxPool({
    size,
    slots,
    identityForSlot: (slot) => ({ uid: 1000 + slot, gid: 1000 + slot }),
    prepare: hosts.prepare,
    log,
  });
  return { hosts, slots, pool, log };
}

describe('SandboxPool', () => {
  test('fills to its size, one slot each, and refills behind a take', async () => {
    const { hosts, slots, pool } = setup(3);
    pool.start();
    await eventually(() => pool.ready === 3, '3 ready');
    // The registry's next workspace gets a slot none of the pool's has.
    assert.equal(slots.take(), 4);
    const taken = pool.take();
    assert.ok(taken);
    assert.deepEqual(taken.identity, { uid: 1001, gid: 1001 });
    await eventually(() => pool.ready === 3, 'refilled');
    assert.equal(hosts.made.length, 4);
    assert.deepEqual(hosts.released, []);
    await pool.close();
    assert.equal(hosts.released.length, 3, 'the three not taken are released');
    // Their slots are free again; the taken one and the registry's are not.
    assert.deepEqual([slots.take(), slots.take(), slots.take(), slots.take()], [2, 3, 5, 6]);
  });

  test('fills at full pace at first, and refills behind takes at about a tenth of the time', async () => {
    const { hosts, pool } = setup(3);
    hosts.startMs = 40;
    pool.start();
    await eventually(() => pool.ready === 3, '3 ready');
    const fill = hosts.startedAt.slice(0, 3);
    // Before any take: one after the other, with only the short pause between.
    assert.ok((fill[2] as number) - (fill[0] as number) < 2 * 40 + 200, `filled over ${fill.join(', ')}`);
    pool.take();
    pool.take();
    await eventually(() => pool.ready === 3, 'refilled', 5000);
    const [first, second] = hosts.startedAt.slice(3) as [number, number];
    // The second refill waited 9 times as long as the first took (40 ms) after it; unpaced, they were 60 ms apart.
    assert.ok(second - first >= 9 * 40, `refills began ${(second - first).toFixed(0)} ms apart`);
    await pool.close();
  });

  test('replaces a sandbox whose holder died while it waited', async () => {
    const { hosts, pool } = setup(2);
    pool.start();
    await eventually(() => pool.ready === 2, '2 ready');
    const [first] = hosts.made as [string];
    hosts.die(first);
    await eventually(() => hosts.released.includes(first) && pool.ready === 2 && hosts.made.length === 3, 'replaced');
    await pool.close();
  });

  test('a sandbox that cannot start frees its slot, says so and stops the filling until the next take', async () => {
    const { hosts, slots, pool, log } = setup(2);
    hosts.failNext = true;
    pool.start();
    await eventually(
      () => log.lines.some((l) => l.message === 'could not start a sandbox ahead'),
      'the failure logged',
    );
    assert.equal(pool.ready, 0);
    assert.equal(pool.take(), null);
    await eventually(() => pool.ready === 2, 'filled on the next take');
    await pool.close();
    assert.equal(slots.take(), 1, 'the failed slot was freed');
  });

  test('close waits for a sandbox being started and releases it too; nothing refills after', async () => {
    const { hosts, pool } = setup(1);
    const gate = Promise.withResolvers<undefined>();
    hosts.gate = gate.promise;
    pool.start();
    await eventually(() => hosts.made.length === 1, 'a sandbox being started');
    const closed = pool.close();
    gate.resolve(undefined);
    await closed;
    assert.deepEqual(hosts.released, hosts.made);
    assert.equal(pool.take(), null);
    assert.equal(pool.ready, 0);
    assert.equal(hosts.made.length, 1);
  });
});
