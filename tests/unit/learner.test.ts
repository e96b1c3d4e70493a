import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { isLearnerId, LEARNER_COOKIE, learnerIdOf, newLearnerId } from '../../server/src/http/learner.ts';

const VALID = 'AbCdEfGhIjKlMnOpQr_-09';
const OTHER_VALID = 'zzzzzzzzzzzzzzzzzzzzzz';

const withCookie = (cookie?: string): IncomingMessage =>
  ({ headers: cookie === undefined ? {} : { cookie } }) as IncomingMessage;

describe('newLearnerId', () => {
  test('is 22 base64url characters', () => {
    const id = newLearnerId();
    assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(isLearnerId(id), true);
  });

  test('is different each time', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newLearnerId()));
    assert.equal(ids.size, 1000);
  });
});

describe('learnerIdOf', () => {
  test('the cookie name is socketlab_learner', () => {
    assert.equal(LEARNER_COOKIE, 'socketlab_learner');
  });

  test('no Cookie header means no learner', () => {
    assert.equal(learnerIdOf(withCookie()), null);
    assert.equal(learnerIdOf(withCookie('')), null);
  });

  test('reads the id from a single cookie', () => {
    assert.equal(learnerIdOf(withCookie(`socketlab_learner=${VALID}`)), VALID);
  });

  test('picks the learner cookie among others, with or without spaces', () => {
    assert.equal(learnerIdOf(withCookie(`theme=dark; socketlab_learner=${VALID}; lang=zh-CN`)), VALID);
    assert.equal(learnerIdOf(withCookie(`theme=dark;socketlab_learner=${VALID};lang=zh-CN`)), VALID);
  });

  test('picks the valid one when several learner cookies are sent', () => {
    assert.equal(learnerIdOf(withCookie(`socketlab_learner=short; socketlab_learner=${VALID}`)), VALID);
    assert.equal(learnerIdOf(withCookie(`socketlab_learner=${VALID}; socketlab_learner=<x>`)), VALID);
  });

  test('takes the first of two valid learner cookies', () => {
    assert.equal(learnerIdOf(withCookie(`socketlab_learner=${OTHER_VALID}; socketlab_learner=${VALID}`)), OTHER_VALID);
  });

  test('ignores cookies whose name only resembles the learner cookie', () => {
    for (const name of ['xsocketlab_learner', 'socketlab_learner_old', 'SOCKETLAB_LEARNER', 'socketlab']) {
      assert.equal(learnerIdOf(withCookie(`${name}=${VALID}`)), null, name);
    }
  });

  test('rejects malformed ids', () => {
    const malformed = [
      '',
      VALID.slice(0, 21),
      `${VALID}A`,
      'AAAAAAAAAAAAAAAAAAAA==',
      'AAAAAAAAAAAAAAAAAAAA+/',
      'AAAAAAAAAAAAAAAAAAAAA.',
      `"${VALID}"`,
      "' OR '1'='1' --AAAAAAAA",
      '<script>alert(1)</script>',
      '../../../../etc/passwd',
      'AAAAAAAAAAAAAAAAAAAAA\u00e9',
      'AAAAAAAAAAA AAAAAAAAAA',
      '%41AAAAAAAAAAAAAAAAAAA',
    ];
    for (const value of malformed) {
      assert.equal(learnerIdOf(withCookie(`socketlab_learner=${value}`)), null, JSON.stringify(value));
      assert.equal(isLearnerId(value), false, JSON.stringify(value));
    }
  });

  test('a valid id with something appended is not accepted as a prefix match', () => {
    assert.equal(learnerIdOf(withCookie(`socketlab_learner=${VALID}/../x`)), null);
    assert.equal(learnerIdOf(withCookie(`socketlab_learner=${VALID}=`)), null);
  });

  test('a learner cookie without a value is ignored', () => {
    assert.equal(learnerIdOf(withCookie(`socketlab_learner; other=${VALID}`)), null);
  });
});
