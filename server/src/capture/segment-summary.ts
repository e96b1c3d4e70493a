/**
 * Turns captured packets into the segments the wire view draws: addresses as endpoints, TCP sequence and
 * acknowledgement numbers relative to each direction's first one (as Wireshark shows them), so a handshake reads
 * seq=0, ack=1. Remembers at most CAPTURE.flows directions; a forgotten one starts again from the next number seen.
 */
import type { CaptureSegment } from '#protocol/capture.ts';
import { CAPTURE } from '#protocol/limits.ts';
import { decodePacket, endpointName, type Packet } from '#protocol/packet.ts';
import type { PcapRecord } from '#protocol/pcap.ts';

const MOD = 2 ** 32;

export class SegmentSummary {
  readonly #linkType: number;
  /** The first sequence number of each direction, by "src>dst"; in insertion order, the oldest first. */
  readonly #initial = new Map<string, number>();
  #count = 0;

  constructor(linkType: number) {
    this.#linkType = linkType;
  }

  /** `count` segments go by unread: the numbering goes on past them. */
  skip(count: number): void {
    this.#count += count;
  }

  /** The segment in `record`, or null when it is not TCP or UDP over IP (nothing else is shown). */
  summarise(record: PcapRecord): CaptureSegment | null {
    const packet = decodePacket(this.#linkType, record.data);
    if (!packet) return null;
    const { ip, transport } = packet;
    const src = endpointName(ip.src, transport.srcPort);
    const dst = endpointName(ip.dst, transport.dstPort);
    const base = {
      n: ++this.#count,
      timeUs: record.timeUs,
      protocol: transport.protocol,
      src,
      dst,
      length: packet.payloadLength,
      originalLength: record.originalLength,
      data: toBase64(record.data),
    };
    if (transport.protocol === 'udp') return { ...base, flags: [], seq: null, ack: null, window: null };
    return { ...base, flags: transport.flags, ...this.#relative(src, dst, transport), window: transport.window };
  }

  #relative(src: string, dst: string, tcp: Extract<Packet['transport'], { protocol: 'tcp' }>) {
    const forward = `${src}>${dst}`;
    const backward = `${dst}>${src}`;
    const syn = tcp.flags.includes('SYN');
    // A SYN starts a connection afresh: the same ports may be used again once the last one is gone.
    if (syn && !tcp.flags.includes('ACK')) this.#initial.delete(backward);
    if (syn) this.#initial.delete(forward);
    const seq = (tcp.seq - this.#initialOf(forward, tcp.seq) + MOD) % MOD;
    const hasAck = tcp.flags.includes('ACK');
    const ack = hasAck ? (tcp.ack - this.#initialOf(backward, tcp.ack) + MOD) % MOD : null;
    return { seq, ack };
  }

  #initialOf(direction: string, seen: number): number {
    const known = this.#initial.get(direction);
    if (known !== undefined) return known;
    this.#initial.set(direction, seen);
    if (this.#initial.size > CAPTURE.flows) {
      const oldest = this.#initial.keys().next().value;
      if (oldest !== undefined) this.#initial.delete(oldest);
    }
    return seen;
  }
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
