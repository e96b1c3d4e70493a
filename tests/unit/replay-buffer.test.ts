import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ReplayBuffer } from '../../server/src/terminal/replay-buffer.ts';
import { randomInt, seededRandom } from '../support/prng.ts';

const text = (value: string): Buffer => Buffer.from(value, 'latin1');
const shown = (buffer: ReplayBuffer): string => buffer.contents().toString('latin1');

describe('ReplayBuffer constructor', () => {
  test('rejects a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => new ReplayBuffer(capacity), RangeError, String(capacity));
    }
  });

  test('starts empty', () => {
    const buffer = new ReplayBuffer(16);
    assert.equal(buffer.capacity, 16);
    assert.equal(buffer.length, 0);
    assert.equal(buffer.contents().length, 0);
  });
});

describe('ReplayBuffer under capacity', () => {
  test('returns everything appended, in order', () => {
    const buffer = new ReplayBuffer(64);
    buffer.append(text('first line\n'));
    buffer.append(text('second'));
    buffer.append(text(' line\n'));
    assert.equal(shown(buffer), 'first line\nsecond line\n');
    assert.equal(buffer.length, 23);
  });

  test('an empty chunk changes nothing', () => {
    const buffer = new ReplayBuffer(8);
    buffer.append(text('ab'));
    buffer.append(new Uint8Array(0));
    assert.equal(shown(buffer), 'ab');
  });

  test('filling exactly to capacity in several chunks keeps the first line', () => {
    const buffer = new ReplayBuffer(10);
    buffer.append(text('ab\n'));
    buffer.append(text('cdefghi'));
    assert.equal(shown(buffer), 'ab\ncdefghi');
  });

  test('filling exactly to capacity in one chunk keeps the first line too, since nothing was dropped', () => {
    const buffer = new ReplayBuffer(10);
    buffer.append(text('ab\ncdefghi'));
    assert.equal(shown(buffer), 'ab\ncdefghi');
  });

  test('keeps its own copy of the bytes', () => {
    const buffer = new ReplayBuffer(16);
    const chunk = text('abc');
    buffer.append(chunk);
    chunk.fill(0x7a);
    assert.equal(shown(buffer), 'abc');
  });

  test('grows past the 4096-byte first allocation up to a capacity that is not a power of two', () => {
    const buffer = new ReplayBuffer(5000);
    const data = Buffer.alloc(4999, 0x61);
    buffer.append(data.subarray(0, 3000));
    buffer.append(data.subarray(3000));
    assert.equal(buffer.length, 4999);
    assert.ok(buffer.contents().equals(data));
  });
});

describe('ReplayBuffer overflow', () => {
  test('after overflow the replay starts after the first newline', () => {
    const buffer = new ReplayBuffer(16);
    buffer.append(text('line one\n'));
    buffer.append(text('line two\n'));
    buffer.append(text('line three\n'));
    // The last 16 bytes are " two\nline three\n": the cut-off " two" is left out.
    assert.equal(buffer.length, 16);
    assert.equal(shown(buffer), 'line three\n');
  });

  test('after overflow with no newline kept, all kept bytes are returned', () => {
    const buffer = new ReplayBuffer(8);
    buffer.append(text('0123456'));
    buffer.append(text('789abc'));
    assert.equal(shown(buffer), '56789abc');
  });

  test('a single chunk larger than capacity keeps its last bytes', () => {
    const buffer = new ReplayBuffer(8);
    buffer.append(text('ab'));
    buffer.append(text('0123456789abcdef'));
    assert.equal(buffer.length, 8);
    assert.equal(shown(buffer), '89abcdef');
  });

  test('a single chunk larger than capacity also drops its first partial line', () => {
    const buffer = new ReplayBuffer(10);
    buffer.append(text('abcdef\nghijklmn'));
    // Kept: "f\nghijklmn".
    assert.equal(buffer.length, 10);
    assert.equal(shown(buffer), 'ghijklmn');
  });

  test('appending after a chunk larger than capacity continues from it', () => {
    const buffer = new ReplayBuffer(8);
    buffer.append(text('0123456789'));
    buffer.append(text('xyz'));
    assert.equal(shown(buffer), '56789xyz');
  });

  test('never holds more than capacity, however much is appended', () => {
    const random = seededRandom(7);
    const buffer = new ReplayBuffer(100);
    for (let i = 0; i < 500; i++) {
      buffer.append(Buffer.alloc(randomInt(random, 1, 250), 0x61));
      assert.ok(buffer.length <= 100, `length ${buffer.length} after append ${i}`);
      assert.ok(buffer.contents().length <= 100);
    }
    assert.equal(buffer.length, 100);
  });
});

describe('ReplayBuffer against a reference model', () => {
  /** Random bytes other than newline, so contents() is exactly the kept bytes. */
  function randomChunk(random: () => number, size: number): Buffer {
    const chunk = Buffer.alloc(size);
    for (let i = 0; i < size; i++) chunk[i] = 0x0b + randomInt(random, 0, 0xf4);
    return chunk;
  }

  for (const { capacity, maxChunk, seed } of [
    { capacity: 1, maxChunk: 3, seed: 1 },
    { capacity: 7, maxChunk: 10, seed: 2 },
    { capacity: 100, maxChunk: 37, seed: 3 },
    { capacity: 4096, maxChunk: 1500, seed: 4 },
    { capacity: 5000, maxChunk: 6000, seed: 5 },
  ]) {
    test(`capacity ${capacity}, chunks of 1..${maxChunk} bytes: keeps exactly the last bytes`, () => {
      const random = seededRandom(seed);
      const buffer = new ReplayBuffer(capacity);
      let reference = Buffer.alloc(0);
      let appended = 0;
      // Enough to wrap around the ring many times.
      while (appended < capacity * 30) {
        const chunk = randomChunk(random, randomInt(random, 1, maxChunk));
        buffer.append(chunk);
        appended += chunk.length;
        reference = Buffer.concat([reference, chunk]);
        if (reference.length > capacity) reference = reference.subarray(reference.length - capacity);
        assert.equal(buffer.length, reference.length);
        assert.ok(buffer.contents().equals(reference), `after ${appended} bytes`);
      }
    });
  }
});

describe('ReplayBuffer.clear', () => {
  test('empties the buffer', () => {
    const buffer = new ReplayBuffer(8);
    buffer.append(text('0123456789'));
    buffer.clear();
    assert.equal(buffer.length, 0);
    assert.equal(buffer.contents().length, 0);
  });

  test('forgets the overflow, so the next first line is kept', () => {
    const buffer = new ReplayBuffer(8);
    buffer.append(text('0123\n56789'));
    buffer.clear();
    buffer.append(text('ab\ncd'));
    assert.equal(shown(buffer), 'ab\ncd');
  });
});
