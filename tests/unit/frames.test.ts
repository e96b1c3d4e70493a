import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeFrame, encodeInputFrame, MAX_CHANNEL } from '#protocol/frames.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

describe('encodeInputFrame / decodeFrame', () => {
  test('round-trips channel and UTF-8 text', () => {
    const text = 'héllo 你好 😀\r\n';
    const frame = decodeFrame(encodeInputFrame(7, text));
    assert.ok(frame);
    assert.equal(frame.channel, 7);
    assert.equal(utf8.decode(frame.payload), text);
  });

  test('the frame is the channel byte followed by the UTF-8 bytes', () => {
    assert.deepEqual([...encodeInputFrame(3, 'a你')], [3, 0x61, 0xe4, 0xbd, 0xa0]);
  });

  test('empty text gives a frame of just the channel byte', () => {
    const encoded = encodeInputFrame(12, '');
    assert.deepEqual([...encoded], [12]);
    const frame = decodeFrame(encoded);
    assert.ok(frame);
    assert.equal(frame.channel, 12);
    assert.equal(frame.payload.length, 0);
  });

  test('channels 0 and 255 are accepted', () => {
    assert.equal(MAX_CHANNEL, 255);
    assert.equal(decodeFrame(encodeInputFrame(0, 'x'))?.channel, 0);
    assert.equal(decodeFrame(encodeInputFrame(255, 'x'))?.channel, 255);
  });

  test('a channel outside 0..255 or not an integer throws RangeError', () => {
    for (const channel of [256, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => encodeInputFrame(channel, 'x'), RangeError, String(channel));
    }
  });
});

describe('decodeFrame', () => {
  test('an empty array is no frame', () => {
    assert.equal(decodeFrame(new Uint8Array(0)), null);
  });

  test('the payload is everything after the first byte', () => {
    const frame = decodeFrame(new Uint8Array([9, 1, 2, 3]));
    assert.ok(frame);
    assert.equal(frame.channel, 9);
    assert.deepEqual([...frame.payload], [1, 2, 3]);
  });

  test('works on a view into a larger buffer', () => {
    const backing = new Uint8Array([0xff, 4, 0x41, 0x42, 0xff]);
    const frame = decodeFrame(backing.subarray(1, 4));
    assert.ok(frame);
    assert.equal(frame.channel, 4);
    assert.deepEqual([...frame.payload], [0x41, 0x42]);
  });
});
