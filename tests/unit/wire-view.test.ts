/**
 * What the wire view draws, without a browser: lifelines named by role as connections open, the arrow's label, the
 * payload's start as text in the chosen encoding, the filters, and a segment's header fields and hex lines.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { CaptureSegment } from '#protocol/capture.ts';
import { decodePacket } from '#protocol/packet.ts';
import { PcapReader } from '#protocol/pcap.ts';
import { SegmentSummary } from '../../server/src/capture/segment-summary.ts';
import { headerFields, hexLines } from '../../src/components/lab/wire-detail.ts';
import { Lifelines } from '../../src/components/lab/wire-lifelines.ts';
import { base64ToBytes, isPureAck, payloadPreview, segmentLabel, shown } from '../../src/components/lab/wire-text.ts';

async function capture(name: string): Promise<{ linkType: number; segments: CaptureSegment[] }> {
  const reader = new PcapReader();
  const records = reader.push(await readFile(path.join(import.meta.dirname, '..', 'fixtures', 'pcap', `${name}.pcap`)));
  const linkType = reader.header?.linkType ?? -1;
  const summary = new SegmentSummary(linkType);
  return { linkType, segments: records.map((r) => summary.summarise(r)).filter((s) => s !== null) };
}

describe('wire view', () => {
  test('the side a SYN goes to is the server, the side it comes from a client, numbered as they come', async () => {
    const { segments } = await capture('tcp-session');
    const lifelines = new Lifelines(9);
    for (const segment of segments) lifelines.place(segment);
    assert.deepEqual(
      lifelines.endpoints.map((e) => [e.column, e.role, e.client, e.address.endsWith(':23331')]),
      [
        [0, 'client', 1, false],
        [1, 'server', 0, true],
      ],
    );
  });

  test("the lab's server port names the server even without a SYN; UDP ends have no role", async () => {
    const { segments } = await capture('udp');
    const lifelines = new Lifelines(23334);
    const first = lifelines.place(segments[0] as CaptureSegment);
    assert.equal(first.changed, true);
    assert.equal(first.to.role, 'server');
    assert.equal(first.from.role, null);
    assert.equal(lifelines.place(segments[1] as CaptureSegment).changed, false, 'nothing new');
  });

  test('labels, payload text in the chosen encoding and the filters', async () => {
    const { linkType, segments } = await capture('tcp-session');
    const at = (i: number) => segments[i] as CaptureSegment;
    const [syn, synAck, ack, data, reply] = [at(0), at(1), at(2), at(3), at(5)];
    assert.match(segmentLabel(syn), /^SYN seq=0 win=65495 len=0$/);
    assert.match(segmentLabel(synAck), /^SYN,ACK seq=0 ack=1 win=65483 len=0$/);
    const utf8 = new TextDecoder('utf-8');
    assert.equal(payloadPreview(base64ToBytes(data.data), linkType, utf8), '"hello\\n"');
    assert.equal(payloadPreview(base64ToBytes(reply.data), linkType, utf8), '"你好\\n"');
    assert.equal(payloadPreview(base64ToBytes(ack.data), linkType, utf8), '');
    assert.notEqual(payloadPreview(base64ToBytes(reply.data), linkType, new TextDecoder('gb18030')), '"你好\\n"');
    assert.equal(isPureAck(ack), true);
    assert.equal(isPureAck(data), false);
    assert.equal(shown(ack, { port: null, hideAcks: true }), false);
    assert.equal(shown(data, { port: 23331, hideAcks: true }), true);
    assert.equal(shown(data, { port: 80, hideAcks: false }), false);
    const udp = (await capture('udp')).segments[0] as CaptureSegment;
    assert.equal(segmentLabel(udp), 'UDP len=3');
  });

  test("a segment's fields by layer, and its payload as hex lines beside ASCII", async () => {
    const { linkType, segments } = await capture('tcp-session');
    const packet = decodePacket(linkType, base64ToBytes((segments[3] as CaptureSegment).data));
    assert.ok(packet);
    const layers = headerFields(packet);
    assert.deepEqual(
      layers.map(([name]) => name),
      ['IPv4', 'TCP'],
    );
    const tcp = new Map(layers[1]?.[1]);
    assert.equal(tcp.get('destination port'), 23331);
    assert.equal(tcp.get('flags'), 'PSH ACK');
    assert.deepEqual(hexLines(packet.payload), { hex: ['0000  68 65 6c 6c 6f 0a'], text: ['hello.'] });
    const six = await capture('tcp-ipv6-nano');
    const v6 = decodePacket(six.linkType, base64ToBytes((six.segments[0] as CaptureSegment).data));
    assert.equal(new Map(v6 ? headerFields(v6)[0]?.[1] : []).get('source'), '::1');
  });
});
