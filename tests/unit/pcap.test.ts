/**
 * The wire view's parsing, on captures tcpdump recorded on a real loopback (tests/fixtures/pcap/record.sh): the pcap
 * stream in any pieces, both byte orders and timestamp precisions, IPv4 and IPv6, TCP and UDP, a packet cut by the
 * snap length and a file cut in the middle of a record; then the segments the view draws.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { captureSegmentSchema, type CaptureSegment } from '#protocol/capture.ts';
import { decodePacket, type TcpHeader } from '#protocol/packet.ts';
import { LINK_TYPES, PcapFormatError, pcapFile, PcapReader, type PcapRecord } from '#protocol/pcap.ts';
import { SegmentSummary } from '../../server/src/capture/segment-summary.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'pcap');
const fixture = (name: string) => readFile(path.join(FIXTURES, `${name}.pcap`));

/** Every record of `bytes`, fed to the reader `piece` bytes at a time. */
function readAll(bytes: Uint8Array, piece = bytes.length) {
  const reader = new PcapReader();
  const records: PcapRecord[] = [];
  for (let at = 0; at < bytes.length; at += piece) records.push(...reader.push(bytes.subarray(at, at + piece)));
  return { reader, records };
}

function segments(bytes: Uint8Array): CaptureSegment[] {
  const { reader, records } = readAll(bytes);
  const summary = new SegmentSummary(reader.header?.linkType ?? -1);
  return records.map((r) => summary.summarise(r)).filter((s) => s !== null);
}

/** "SYN seq=0" etc.: what a row of the diagram says. */
const line = (s: CaptureSegment) => `${s.src}>${s.dst} ${s.flags.join(',')} seq=${s.seq} ack=${s.ack} len=${s.length}`;

/** The same capture as a big-endian file: what a capture written on another machine looks like. */
function bigEndian(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes);
  const view = new DataView(copy.buffer);
  const swap32 = (at: number) => view.setUint32(at, view.getUint32(at, true), false);
  const swap16 = (at: number) => view.setUint16(at, view.getUint16(at, true), false);
  [0, 8, 12, 16, 20].forEach(swap32);
  [4, 6].forEach(swap16);
  for (let at = 24; at < copy.length;) {
    const captured = view.getUint32(at + 8, true);
    [0, 4, 8, 12].forEach((field) => swap32(at + field));
    at += 16 + captured;
  }
  return copy;
}

describe('pcap stream', () => {
  test('a handshake, data both ways and both FINs, whether it arrives whole or a byte at a time', async () => {
    const bytes = await fixture('tcp-session');
    const whole = readAll(bytes);
    const bytewise = readAll(bytes, 1);
    assert.equal(whole.reader.header?.linkType, LINK_TYPES.ethernet, 'tcpdump reads lo as Ethernet');
    assert.equal(whole.reader.header?.snapLength, 2048);
    assert.equal(whole.records.length, 10);
    assert.deepEqual(bytewise.records, whole.records);
    assert.equal(whole.reader.leftover, 0);
  });

  test('big-endian files read the same', async () => {
    const bytes = await fixture('tcp-session');
    assert.deepEqual(readAll(bigEndian(bytes)).records, readAll(bytes).records);
  });

  test('nanosecond timestamps come out in microseconds', async () => {
    const { reader, records } = readAll(await fixture('tcp-ipv6-nano'));
    assert.equal(reader.header?.nanoseconds, true);
    assert.ok(
      records.every((r) => Number.isInteger(r.timeUs) && r.timeUs > 1.6e15),
      'microseconds since the epoch',
    );
  });

  test('a record cut off at the end stays waiting, and the whole ones before it are read', async () => {
    const { reader, records } = readAll(await fixture('truncated'), 7);
    assert.equal(records.length, 7);
    assert.equal(reader.leftover, 16 + 36, 'the last record: its header and the 36 bytes that made it');
  });

  test('garbage is refused as such', () => {
    assert.throws(
      () => new PcapReader().push(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\nabcdefgh')),
      PcapFormatError,
    );
    const bytes = new Uint8Array(40);
    new DataView(bytes.buffer).setUint32(0, 0xa1b2c3d4, true);
    new DataView(bytes.buffer).setUint32(32, 0xffffffff, true);
    assert.throws(() => new PcapReader().push(bytes), /more than any snap length/);
  });

  test('a written file reads back as the records it was written from', async () => {
    const { reader, records } = readAll(await fixture('tcp-rst'));
    const written = pcapFile(reader.header?.linkType ?? 0, 2048, records);
    const again = readAll(written);
    assert.deepEqual(again.records, records);
    assert.equal(again.reader.header?.linkType, LINK_TYPES.ethernet);
  });
});

describe('packets', () => {
  test('IPv4 and TCP headers, every field', async () => {
    const { records } = readAll(await fixture('tcp-session'));
    const syn = decodePacket(LINK_TYPES.ethernet, (records[0] as PcapRecord).data);
    assert.ok(syn);
    assert.equal(syn.ip.version, 4);
    assert.equal(syn.ip.src, '127.0.0.1');
    assert.equal(syn.ip.version === 4 && syn.ip.dontFragment, true);
    assert.equal(syn.ip.version === 4 && syn.ip.ttl, 64);
    const tcp = syn.transport as TcpHeader;
    assert.equal(tcp.dstPort, 23331);
    assert.deepEqual(tcp.flags, ['SYN']);
    assert.equal(tcp.window, 65495);
    assert.equal(tcp.optionsLength, 20);
    assert.deepEqual(tcp.options.slice(0, 2), ['mss 65495', 'sackOK']);
    assert.match(tcp.options[2] ?? '', /^TS val \d+ ecr 0$/);
    assert.deepEqual(tcp.options.slice(3), ['nop', 'wscale 10']);
    const data = decodePacket(LINK_TYPES.ethernet, (records[3] as PcapRecord).data);
    assert.equal(new TextDecoder().decode(data?.payload), 'hello\n');
  });

  test('IPv6 addresses in their short form', async () => {
    const { records } = readAll(await fixture('tcp-ipv6-nano'));
    const packet = decodePacket(LINK_TYPES.ethernet, (records[3] as PcapRecord).data);
    assert.equal(packet?.ip.version, 6);
    assert.equal(packet?.ip.src, '::1');
    assert.equal(new TextDecoder().decode(packet?.payload), 'over six');
  });

  test('a packet cut by the snap length decodes as far as it goes', async () => {
    const { records } = readAll(await fixture('truncated'));
    const packet = decodePacket(LINK_TYPES.ethernet, (records[3] as PcapRecord).data);
    assert.equal(packet?.payloadLength, 3000);
    assert.equal(packet?.truncated, true);
    assert.ok((packet?.payload.length ?? 0) < 80);
  });

  test('anything but TCP or UDP over IP, or too short to say, is not a segment', () => {
    assert.equal(decodePacket(LINK_TYPES.ethernet, new Uint8Array(10)), null);
    const arp = new Uint8Array(42);
    arp[12] = 0x08;
    arp[13] = 0x06;
    assert.equal(decodePacket(LINK_TYPES.ethernet, arp), null);
    assert.equal(decodePacket(9999, new Uint8Array(60)), null);
  });
});

describe('segments as the wire view draws them', () => {
  test('the handshake, the data and the teardown with relative numbers', async () => {
    const all = segments(await fixture('tcp-session'));
    const [client, server] = ['127.0.0.1:' + all[0]?.src.split(':')[1], '127.0.0.1:23331'];
    assert.deepEqual(all.map(line), [
      `${client}>${server} SYN seq=0 ack=null len=0`,
      `${server}>${client} SYN,ACK seq=0 ack=1 len=0`,
      `${client}>${server} ACK seq=1 ack=1 len=0`,
      `${client}>${server} PSH,ACK seq=1 ack=1 len=6`,
      `${server}>${client} ACK seq=1 ack=7 len=0`,
      `${server}>${client} PSH,ACK seq=1 ack=7 len=7`,
      `${client}>${server} ACK seq=7 ack=8 len=0`,
      `${client}>${server} FIN,ACK seq=7 ack=8 len=0`,
      `${server}>${client} FIN,ACK seq=8 ack=8 len=0`,
      `${client}>${server} ACK seq=8 ack=9 len=0`,
    ]);
    for (const segment of all) assert.ok(captureSegmentSchema.safeParse(segment).success, 'valid on the wire');
  });

  test('a write to a closed peer answered by RST', async () => {
    const all = segments(await fixture('tcp-rst'));
    const last = all.at(-1);
    assert.deepEqual(last?.flags, ['RST']);
    assert.equal(last?.seq, 2, 'the server had sent its FIN: seq 1, then 2');
    assert.equal(all.at(-2)?.length, 7);
  });

  test('UDP datagrams keep their lengths and have no sequence numbers', async () => {
    const all = segments(await fixture('udp'));
    assert.deepEqual(
      all.map((s) => [s.protocol, s.length, s.seq, s.flags.length]),
      [
        ['udp', 3, null, 0],
        ['udp', 3, null, 0],
        ['udp', 7, null, 0],
      ],
    );
  });

  test('IPv6 endpoints in brackets', async () => {
    const [first] = segments(await fixture('tcp-ipv6-nano'));
    assert.match(first?.dst ?? '', /^\[::1\]:23333$/);
  });
});
