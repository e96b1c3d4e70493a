import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { splitText } from '../../src/components/lab/wire-limits.ts';
import { randomInt, seededRandom } from '../support/prng.ts';

const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

function assertWellSplit(text: string, size: number, pieces: string[]): void {
  const where = `size ${size}, text ${JSON.stringify(text)}`;
  assert.equal(pieces.join(''), text, where);
  for (const piece of pieces) {
    assert.ok(piece.length <= size, `piece of ${piece.length} > ${size}: ${where}`);
    assert.ok(piece.length > 0 || text === '', `empty piece: ${where}`);
    assert.ok(!isHigh(piece.charCodeAt(piece.length - 1)), `piece ends in a high surrogate: ${where}`);
    assert.ok(!isLow(piece.charCodeAt(0)), `piece starts with a low surrogate: ${where}`);
  }
}

describe('splitText', () => {
  test('text within the limit is one piece', () => {
    assert.deepEqual(splitText('hello', 5), ['hello']);
    assert.deepEqual(splitText('', 8), ['']);
  });

  test('cuts ASCII into pieces of exactly the limit, the rest last', () => {
    assert.deepEqual(splitText('abcdefgh', 3), ['abc', 'def', 'gh']);
  });

  test('moves a surrogate pair that would straddle the limit into the next piece', () => {
    assert.deepEqual(splitText('a😀b', 2), ['a', '😀', 'b']);
    assert.deepEqual(splitText('ab😀', 3), ['ab', '😀']);
  });

  test('random text of BMP and astral characters: pieces join back, fit the limit, keep pairs whole', () => {
    const random = seededRandom(2024);
    const alphabet = ['a', ' ', '\r', '你', 'é', '😀', '𡃁', '👍🏽'];
    for (let round = 0; round < 500; round++) {
      const length = randomInt(random, 0, 60);
      let text = '';
      for (let i = 0; i < length; i++) text += alphabet[randomInt(random, 0, alphabet.length - 1)];
      const size = randomInt(random, 2, 12);
      assertWellSplit(text, size, splitText(text, size));
    }
  });

  test('the real input chunk size on a large paste', () => {
    const text = '你好😀'.repeat(5000);
    const pieces = splitText(text, 8 * 1024);
    assertWellSplit(text, 8 * 1024, pieces);
    assert.equal(pieces.length, Math.ceil(text.length / (8 * 1024)));
  });

  test('terminates when the limit is smaller than a surrogate pair', () => {
    // Run apart: a loop that never ends would otherwise hang the whole test run.
    const moduleUrl = new URL('../../src/components/lab/wire-limits.ts', import.meta.url).href;
    const script = `
      const { splitText } = await import(${JSON.stringify(moduleUrl)});
      try { splitText('😀😀', 1); } catch {}
      console.log('finished');
    `;
    const child = spawnSync(process.execPath, ['--max-old-space-size=64', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    const lastError = child.stderr.trim().split('\n').at(-1);
    assert.equal(child.stdout.trim(), 'finished', `signal ${child.signal}, status ${child.status}: ${lastError}`);
  });
});
