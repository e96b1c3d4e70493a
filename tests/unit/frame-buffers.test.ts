import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FRAME_BUFFER_BYTES, FrameBuffers } from '../../server/src/terminal/frame-buffers.ts';
import { OutputPump } from '../../server/src/terminal/output-pump.ts';
import { RecordingSink } from '../support/fake-terminal.ts';

describe('FrameBuffers', () => {
  test('a buffer comes back once its frame is sent, and is taken again rather than a new one', () => {
    let sentCount = 0;
    const buffers = new FrameBuffers(() => sentCount++);
    const first = buffers.take(10_000);
    const second = buffers.take(10_000);
    assert.notEqual(first.bytes.buffer, second.bytes.buffer, 'a buffer in flight is not handed out twice');
    first.sent();
    assert.equal(sentCount, 1, 'the owner hears of every sent frame');
    assert.equal(buffers.take(20_000), first, 'the sent buffer is reused');
  });

  test('frames larger than a reused buffer get one of their own, and giving it back changes nothing', () => {
    const buffers = new FrameBuffers(() => {});
    const large = buffers.take(FRAME_BUFFER_BYTES + 1);
    assert.ok(large.bytes.length >= FRAME_BUFFER_BYTES + 1);
    large.sent();
    const next = buffers.take(5_000);
    assert.notEqual(next.bytes.buffer, large.bytes.buffer);
  });

  test('a small frame (an echo) is cut from shared memory: a quiet terminal keeps no buffer of its own', () => {
    const buffers = new FrameBuffers(() => {});
    const echo = buffers.take(3);
    assert.ok(echo.bytes.buffer.byteLength > echo.bytes.length, 'a slice of a larger shared slab');
    echo.sent();
    assert.notEqual(buffers.take(5_000).bytes, echo.bytes);
  });

  test('past a handful of frames in flight, each further frame gets a buffer of its own', () => {
    const buffers = new FrameBuffers(() => {});
    const inFlight = Array.from({ length: 20 }, () => buffers.take(5_000));
    inFlight.forEach((b, i) => b.bytes.fill(i, 0, 5_000));
    assert.ok(
      inFlight.every((b, i) => b.bytes.subarray(0, 5_000).every((byte) => byte === i)),
      'no two frames in flight share memory',
    );
    for (const b of inFlight) b.sent();
  });
});

describe('OutputPump reuses frame buffers', () => {
  test('a bulk frame not yet sent keeps its bytes while later frames are built; a sent one is reused', async () => {
    const sink = new RecordingSink();
    const pump = new OutputPump<RecordingSink>(3, 0);
    pump.setSink(sink);
    const frames: Buffer[] = [];
    const unsent: (() => void)[] = [];
    sink.output = (frame, sent) => {
      frames.push(frame);
      unsent.push(sent);
    };
    const bulk = (letter: string) => Buffer.alloc(5_000, letter);
    pump.write(bulk('a'));
    pump.flush();
    pump.write(bulk('b'));
    pump.flush();
    assert.deepEqual(
      frames.map((f) => f.subarray(1).toString()),
      ['a'.repeat(5_000), 'b'.repeat(5_000)],
    );
    for (const sent of unsent.splice(0)) sent();
    pump.write(bulk('c'));
    pump.flush();
    assert.equal(frames[2]?.subarray(1).toString(), 'c'.repeat(5_000));
    assert.ok(
      frames[2]?.buffer === frames[1]?.buffer && frames[2]?.byteOffset === frames[1]?.byteOffset,
      'the last buffer given back is the next one used',
    );
  });
});
