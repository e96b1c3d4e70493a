import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FailureLimiter } from '../../server/src/http/rate-limiter.ts';

/** A limiter on a clock the test moves by hand. */
function limiterAt(start = 1_000_000, options: { limit?: number; windowMs?: number; maxKeys?: number } = {}) {
  const clock = { now: start };
  const limiter = new FailureLimiter({ limit: 3, windowMs: 60_000, ...options, now: () => clock.now });
  return { limiter, clock };
}

describe('FailureLimiter', () => {
  test('allows attempts until `limit` failures, then blocks', () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 3; i++) {
      assert.equal(limiter.retryAfterMs('a'), 0, `attempt ${i + 1}`);
      limiter.fail('a');
    }
    assert.equal(limiter.retryAfterMs('a'), 60_000);
  });

  test('keys are counted apart', () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 3; i++) limiter.fail('a');
    assert.ok(limiter.retryAfterMs('a') > 0);
    assert.equal(limiter.retryAfterMs('b'), 0);
  });

  test('the window slides: the block ends when the oldest counted failure is a window old', () => {
    const { limiter, clock } = limiterAt();
    limiter.fail('a');
    clock.now += 20_000;
    limiter.fail('a');
    clock.now += 20_000;
    limiter.fail('a');
    assert.equal(limiter.retryAfterMs('a'), 20_000);
    clock.now += 19_999;
    assert.equal(limiter.retryAfterMs('a'), 1);
    clock.now += 1;
    assert.equal(limiter.retryAfterMs('a'), 0, 'one failure left the window');
    limiter.fail('a');
    assert.equal(limiter.retryAfterMs('a'), 20_000, 'blocked again until the next one leaves');
  });

  test('failures older than the window are forgotten', () => {
    const { limiter, clock } = limiterAt();
    limiter.fail('a');
    limiter.fail('b');
    assert.equal(limiter.size, 2);
    clock.now += 60_001;
    assert.equal(limiter.size, 0);
    assert.equal(limiter.retryAfterMs('a'), 0);
  });

  test('memory stays bounded: past maxKeys the least recently failing keys go', () => {
    const { limiter } = limiterAt(1_000_000, { maxKeys: 100 });
    for (let i = 0; i < 1000; i++) limiter.fail(`10.0.${i >> 8}.${i & 255}`);
    assert.ok(limiter.size <= 100, `${limiter.size} keys kept`);
    for (let i = 0; i < 3; i++) limiter.fail('last');
    assert.ok(limiter.retryAfterMs('last') > 0, 'the most recent key is still counted');
  });

  test('refuses nonsense limits', () => {
    assert.throws(() => new FailureLimiter({ limit: 0, windowMs: 1000 }), RangeError);
    assert.throws(() => new FailureLimiter({ limit: 1, windowMs: 0 }), RangeError);
  });
});
