import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FRAME_BUFFER_BYTES, FrameBuffers } from '../../server/src/terminal/frame-buffers.ts';
import { OutputPump } from '../../server/src/terminal/output-pump.ts';
import { nextTurn, RecordingSink } from '../support/fake-terminal.ts';

describe('FrameBuffers', () => {
  test('a buffer comes back once its frame is sent, and is taken again rather than a new one', () => {
    let sentCount = 0;
    const buffers = new FrameBuffers(() => sentCount++);
    const first = buffers.take(100);
    const second = buffers.take(100);
    assert.notEqual(first.bytes.buffer, second.bytes.buffer, 'a buffer in flight is not handed out twice');
    first.sent();
    assert.equal(sentCount, 1, 'the owner hears of every sent frame');
    assert.equal(buffers.take(200), first, 'the sent buffer is reused');
  });

  test('frames larger than a reused buffer get one of their own, and giving it back changes nothing', () => {
    const buffers = new FrameBuffers(() => {});
    const large = buffers.take(FRAME_BUFFER_BYTES + 1);
    assert.ok(large.bytes.length >= FRAME_BUFFER_BYTES + 1);
    large.sent();
    const next = buffers.take(10);
    assert.notEqual(next.bytes.buffer, large.bytes.buffer);
  });

  test('past a handful of frames in flight, each further frame gets a buffer of its own', () => {
    const buffers = new FrameBuffers(() => {});
    const inFlight = Array.from({ length: 20 }, () => buffers.take(10));
    inFlight.forEach((b, i) => b.bytes.fill(i, 0, 10));
    assert.ok(
      inFlight.every((b, i) => b.bytes.subarray(0, 10).every((byte) => byte === i)),
      'no two frames in flight share memory',
    );
    for (const b of inFlight) b.sent();
  });
});

describe('OutputPump reuses frame buffers', () => {
  test('a frame not yet sent keeps its bytes while later frames are built', async () => {
    const sink = new RecordingSink();
    sink.autoSent = false;
    const pump = new OutputPump<RecordingSink>(3);
    pump.setSink(sink);
    const frames: Buffer[] = [];
    const output = (frame: Buffer, sent: () => void) => {
      frames.push(frame);
      sink.unsent.push(sent);
    };
    sink.output = output;
    pump.write(Buffer.from('first'));
    await nextTurn();
    pump.write(Buffer.from('second'));
    await nextTurn();
    assert.deepEqual(
      frames.map((f) => f.subarray(1).toString()),
      ['first', 'second'],
    );
    for (const sent of sink.unsent.splice(0)) sent();
    pump.write(Buffer.from('third'));
    await nextTurn();
    assert.equal(frames[2]?.subarray(1).toString(), 'third');
    assert.equal(frames[2]?.buffer, frames[1]?.buffer, 'the last buffer given back is the next one used');
  });
});
