import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { acceptFor, clientFrame, readFrame } from '../../server/src/panes/ws-client.ts';

describe('WebSocket client framing (RFC 6455)', () => {
  test('Sec-WebSocket-Accept is the RFC example value for the RFC example key', () => {
    assert.equal(acceptFor('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  test('client frames are masked, and unmask to the payload, at every length encoding', () => {
    for (const length of [0, 5, 125, 126, 65535, 65536]) {
      const payload = Buffer.alloc(length, 'x');
      const frame = clientFrame('text', payload);
      assert.equal(frame[0], 0x81, 'FIN + text');
      assert.equal((frame[1] as number) & 0x80, 0x80, 'masked');
      const read = readFrame(frame);
      assert.ok(read && !('error' in read));
      assert.equal(read.frame.masked, true);
      assert.equal(read.frame.opcode, 1);
      assert.ok(read.frame.payload.equals(payload), `length ${length}`);
      assert.equal(read.rest.length, 0);
    }
  });

  test('a frame split anywhere waits for the rest; two frames in one read are read one by one', () => {
    const frame = Buffer.from([0x81, 0x03, 0x61, 0x62, 0x63]);
    for (let cut = 0; cut < frame.length; cut++) assert.equal(readFrame(frame.subarray(0, cut)), null, `cut ${cut}`);
    const two = readFrame(Buffer.concat([frame, Buffer.from([0x88, 0x02, 0x03, 0xe8])]));
    assert.ok(two && !('error' in two));
    assert.equal(two.frame.payload.toString(), 'abc');
    const close = readFrame(two.rest);
    assert.ok(close && !('error' in close));
    assert.equal(close.frame.opcode, 8);
    assert.equal(close.frame.payload.readUInt16BE(0), 1000);
  });

  test('a frame announcing more than the pane accepts is refused before it arrives', () => {
    const header = Buffer.from([0x82, 0x7f, 0, 0, 0, 0, 0x10, 0, 0, 0]);
    assert.deepEqual(readFrame(header), { error: 'frame too big' });
  });
});
