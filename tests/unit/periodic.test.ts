import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { Periodic, SPREAD } from '../../server/src/periodic.ts';

const PERIOD = 1000;

/** A Periodic on mocked timers whose draws come from `draws` in turn; `runs` lists the mocked times it ran at. */
function periodicAt(t: TestContext, draws: number[]) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  const runs: number[] = [];
  let next = 0;
  const periodic = new Periodic(
    PERIOD,
    () => runs.push(Date.now()),
    () => draws[next++ % draws.length] as number,
  );
  return { periodic, runs };
}

/** Moves the mocked clock in 10 ms steps: one tick runs only the timers that were due before it started. */
function advance(t: TestContext, ms: number): void {
  for (let done = 0; done < ms; done += 10) t.mock.timers.tick(10);
}

describe('Periodic', () => {
  test('each wait is drawn within the spread around the period, from the previous run', (t) => {
    const { periodic, runs } = periodicAt(t, [0, 1, 0.5]);
    periodic.start();
    advance(t, 5000);
    const low = PERIOD * (1 - SPREAD);
    const high = PERIOD * (1 + SPREAD);
    assert.deepEqual(runs.slice(0, 4), [low, low + high, low + high + PERIOD, 2 * low + high + PERIOD]);
  });

  test("timers started together, as a class's workspaces are, first run spread over the spread", (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
    const firstRuns: number[] = [];
    const timers = Array.from({ length: 50 }, () => {
      const timer = new Periodic(PERIOD, () => {
        firstRuns.push(Date.now());
        timer.stop();
      });
      return timer;
    });
    for (const timer of timers) timer.start();
    advance(t, 2 * PERIOD);
    assert.equal(firstRuns.length, 50);
    // Uniform over 500 ms: all 50 within 200 ms of each other has a chance of about 1e-18.
    assert.ok(Math.max(...firstRuns) - Math.min(...firstRuns) > 200, String(firstRuns));
  });

  test('start is idempotent, stop stops it and says so, and it can start again', (t) => {
    const { periodic, runs } = periodicAt(t, [0.5]);
    periodic.start();
    periodic.start();
    assert.equal(periodic.running, true);
    advance(t, PERIOD);
    assert.equal(runs.length, 1, 'a second start did not add a second timer');
    periodic.stop();
    periodic.stop();
    assert.equal(periodic.running, false);
    advance(t, 10 * PERIOD);
    assert.equal(runs.length, 1);
    periodic.start();
    advance(t, PERIOD);
    assert.equal(runs.length, 2);
  });

  test('a run that stops it is its last', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let count = 0;
    const periodic = new Periodic(PERIOD, () => {
      count += 1;
      periodic.stop();
    });
    periodic.start();
    advance(t, 10 * PERIOD);
    assert.equal(count, 1);
  });
});
