import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FLOW_CONTROL } from '#protocol/limits.ts';
import { OutputPump, type OutputSource } from '../../server/src/terminal/output-pump.ts';
import { nextTurn, RecordingSink } from '../support/fake-terminal.ts';

const CHANNEL = 5;

function pump(holdMs?: number) {
  const source: OutputSource & { paused: boolean } = {
    paused: false,
    pause: () => void (source.paused = true),
    resume: () => void (source.paused = false),
  };
  const sink = new RecordingSink();
  const output = new OutputPump<RecordingSink>(CHANNEL, holdMs);
  output.setSource(source);
  output.setSink(sink);
  return { output, sink, source };
}

describe('OutputPump frames output', () => {
  test('what is written in one turn of the event loop goes out as one frame when the turn ends', async () => {
    const { output, sink } = pump();
    output.write(Buffer.from('hello '));
    output.write(Buffer.from('world'));
    assert.equal(sink.frames.length, 0, 'nothing is sent within the turn');
    await nextTurn();
    assert.equal(sink.frames.length, 1);
    assert.equal(sink.frames[0]?.[0], CHANNEL, 'the first byte is the channel');
    assert.equal(sink.text(), 'hello world');
    output.write(Buffer.from('!'));
    await nextTurn();
    assert.equal(sink.frames.length, 2, 'the next turn makes the next frame');
  });

  test('flush sends at once, so that a control message sent next comes behind the output', async () => {
    const { output, sink } = pump();
    output.write(Buffer.from('ls\r\n'));
    output.flush();
    sink.control({ type: 'status', terminal: 't1', status: 'running', exitCode: null });
    await nextTurn();
    assert.deepEqual(sink.order, ['frame', 'status'], 'the scheduled flush found nothing left to send');
  });

  test('without a sink nothing is queued, and what was queued for a sink that left is dropped', async () => {
    const { output, sink } = pump();
    output.write(Buffer.from('for the old view'));
    output.setSink(null);
    output.write(Buffer.from('for nobody'));
    await nextTurn();
    output.setSink(sink);
    await nextTurn();
    assert.equal(sink.frames.length, 0);
  });

  test('reset drops what was queued for the old screen', async () => {
    const { output, sink } = pump();
    output.write(Buffer.from('stale'));
    output.reset();
    output.write(Buffer.from('fresh'));
    await nextTurn();
    assert.equal(sink.text(), 'fresh');
  });

  test('bulk output is held for a larger frame, for a bounded time', async () => {
    const { output, sink } = pump(50);
    const read = Buffer.alloc(4096, 0x61);
    output.write(read);
    await nextTurn();
    assert.equal(sink.frames.length, 0, 'a full pty read waits for more');
    output.write(read);
    await nextTurn();
    assert.equal(sink.frames.length, 0);
    await sink.until(() => sink.frames.length === 1, 'the held output');
    assert.equal(sink.bytes(), 2 * read.length, 'both reads in one frame');
    output.write(Buffer.from('$ '));
    await nextTurn();
    assert.equal(sink.frames.length, 2, 'a prompt after the flood goes at the end of its turn');
  });

  test('held bulk output goes as soon as it makes a full frame', async () => {
    const { output, sink } = pump(60_000);
    for (let i = 0; i < 7; i++) {
      output.write(Buffer.alloc(4096, 0x61));
      await nextTurn();
    }
    assert.equal(sink.frames.length, 0);
    output.write(Buffer.alloc(4096, 0x61));
    await nextTurn();
    assert.equal(sink.frames.length, 1, 'sent at the end of the turn that filled it, not when the hold ends');
    assert.equal(sink.bytes(), 8 * 4096);
  });

  test('flush sends held bulk output at once', async () => {
    const { output, sink } = pump(20);
    output.write(Buffer.alloc(4096, 0x61));
    await nextTurn();
    output.flush();
    assert.equal(sink.frames.length, 1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(sink.frames.length, 1, 'nothing sent twice when the hold ends');
  });

  test('empty output makes no frame', async () => {
    const { output, sink } = pump();
    output.write(Buffer.alloc(0));
    output.flush();
    await nextTurn();
    assert.equal(sink.frames.length, 0);
  });
});

describe('OutputPump flow control', () => {
  const write = (output: OutputPump, bytes: number) => {
    output.write(Buffer.alloc(bytes, 0x61));
    output.flush();
    output.update();
  };

  test('reading pauses past the high watermark of unacknowledged output and resumes below the low one', () => {
    const { output, source } = pump();
    write(output, FLOW_CONTROL.highWatermark);
    assert.equal(source.paused, false, 'at the watermark, not past it');
    write(output, 1);
    assert.equal(source.paused, true);
    output.ack(FLOW_CONTROL.highWatermark - FLOW_CONTROL.lowWatermark);
    assert.equal(source.paused, true, 'between the watermarks it stays paused');
    output.ack(2);
    assert.equal(source.paused, false);
  });

  test("what a page holds back, less than an acknowledgement's batch, does not keep reading paused", () => {
    const { output, source } = pump();
    write(output, FLOW_CONTROL.highWatermark + 1);
    assert.equal(source.paused, true);
    output.ack(FLOW_CONTROL.highWatermark + 1 - (FLOW_CONTROL.ackBatch - 1));
    assert.equal(source.paused, false);
  });

  test('output queued but not yet sent counts as unacknowledged', () => {
    const { output, source } = pump();
    output.write(Buffer.alloc(FLOW_CONTROL.highWatermark + 1));
    output.update();
    assert.equal(source.paused, true);
  });

  test("a socket's backlog pauses reading however much the page acknowledges, and each sent frame re-checks", () => {
    const { output, sink, source } = pump();
    sink.autoSent = false;
    sink.backlogBytes = FLOW_CONTROL.highWatermark + 1;
    write(output, 10);
    output.ack(10);
    assert.equal(source.paused, true);
    sink.backlogBytes = 0;
    for (const sent of sink.unsent) sent();
    assert.equal(source.paused, false);
  });

  test('with no view the source is not read; a view that comes back resumes it', () => {
    const { output, sink, source } = pump();
    output.setSink(null);
    output.update();
    assert.equal(source.paused, true);
    output.setSink(sink);
    output.update();
    assert.equal(source.paused, false);
  });

  test('acknowledging more than was sent counts as nothing outstanding, not as credit', () => {
    const { output, source } = pump();
    output.ack(1_000_000);
    write(output, FLOW_CONTROL.highWatermark + 1);
    assert.equal(source.paused, true);
  });

  test('a new source starts unpaused; without one nothing is paused or resumed', () => {
    const { output, source } = pump();
    output.setSink(null);
    output.update();
    assert.equal(source.paused, true);
    const fresh = { paused: false, pause: () => void (fresh.paused = true), resume: () => void (fresh.paused = false) };
    output.setSource(null);
    output.update();
    output.setSource(fresh);
    assert.equal(fresh.paused, false);
    output.update();
    assert.equal(fresh.paused, true, 'still no view: the new source is paused too');
  });
});
