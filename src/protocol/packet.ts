/**
 * Decodes one captured packet: the link header of a loopback capture, IPv4 or IPv6, then TCP or UDP, every header
 * field by name. A packet cut short by the snap length decodes as far as its bytes go (`truncated`). No Node APIs:
 * the backend summarises segments with it and the page shows a segment's whole headers with it.
 */
import { LINK_TYPES } from './pcap.ts';

export const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'] as const;
export type TcpFlag = (typeof TCP_FLAGS)[number];

export interface Ipv4Header {
  version: 4;
  headerLength: number;
  dscp: number;
  ecn: number;
  totalLength: number;
  identification: number;
  dontFragment: boolean;
  moreFragments: boolean;
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  checksum: number;
  src: string;
  dst: string;
}

export interface Ipv6Header {
  version: 6;
  headerLength: number;
  trafficClass: number;
  flowLabel: number;
  payloadLength: number;
  nextHeader: number;
  hopLimit: number;
  src: string;
  dst: string;
}

export interface TcpHeader {
  protocol: 'tcp';
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  headerLength: number;
  flags: TcpFlag[];
  window: number;
  checksum: number;
  urgent: number;
  optionsLength: number;
  /** Options as tcpdump prints them: "mss 65495", "sackOK", "TS val 1 ecr 0", "nop", "wscale 7". */
  options: string[];
}

export interface UdpHeader {
  protocol: 'udp';
  srcPort: number;
  dstPort: number;
  length: number;
  checksum: number;
}

export interface Packet {
  ip: Ipv4Header | Ipv6Header;
  transport: TcpHeader | UdpHeader;
  /** The payload's length on the wire, from the headers. */
  payloadLength: number;
  /** The payload bytes captured: fewer than payloadLength when the snap length cut it. */
  payload: Uint8Array;
  truncated: boolean;
}

const IP_TCP = 6;
const IP_UDP = 17;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
/** IPv6 extension headers that may stand between the fixed header and TCP or UDP. */
const IPV6_EXTENSIONS = new Set([0, 43, 60]);

/** The packet in `data` (one pcap record of link type `linkType`), or null when it is not TCP or UDP over IP. */
export function decodePacket(linkType: number, data: Uint8Array): Packet | null {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const at = networkOffset(linkType, view);
  if (at === null || at >= data.length) return null;
  const version = (view.getUint8(at) ?? 0) >> 4;
  const ip = version === 4 ? ipv4(view, at) : version === 6 ? ipv6(view, at) : null;
  if (!ip) return null;
  const start = at + ip.headerLength;
  const protocol = ip.version === 4 ? ip.protocol : ip.nextHeader;
  const ipPayload = ip.version === 4 ? ip.totalLength - ip.headerLength : ip.payloadLength - (ip.headerLength - 40);
  const transport = protocol === IP_TCP ? tcp(view, start) : protocol === IP_UDP ? udp(view, start) : null;
  if (!transport) return null;
  const headerLength = transport.protocol === 'tcp' ? transport.headerLength : 8;
  const payloadLength = Math.max(0, ipPayload - headerLength);
  const payload = data.subarray(Math.min(data.length, start + headerLength), start + headerLength + payloadLength);
  return { ip, transport, payloadLength, payload, truncated: payload.length < payloadLength };
}

/** Where the IP header starts after the link header, or null for a link type or protocol this does not read. */
function networkOffset(linkType: number, view: DataView): number | null {
  const length = view.byteLength;
  switch (linkType) {
    case LINK_TYPES.null:
    case LINK_TYPES.loop:
      // A 4-byte address family (host order for NULL, network order for LOOP): IP's version nibble tells anyway.
      return length >= 4 ? 4 : null;
    case LINK_TYPES.ethernet:
      if (length < 14) return null;
      return isIp(view.getUint16(12)) ? 14 : null;
    case LINK_TYPES.raw:
      return 0;
    case LINK_TYPES.linuxSll:
      if (length < 16) return null;
      return isIp(view.getUint16(14)) ? 16 : null;
    case LINK_TYPES.linuxSll2:
      if (length < 20) return null;
      return isIp(view.getUint16(0)) ? 20 : null;
    default:
      return null;
  }
}

function isIp(etherType: number): boolean {
  return etherType === ETHERTYPE_IPV4 || etherType === ETHERTYPE_IPV6;
}

function ipv4(view: DataView, at: number): Ipv4Header | null {
  if (view.byteLength < at + 20) return null;
  const flagsAndOffset = view.getUint16(at + 6);
  const tos = view.getUint8(at + 1);
  return {
    version: 4,
    headerLength: (view.getUint8(at) & 0x0f) * 4,
    dscp: tos >> 2,
    ecn: tos & 3,
    totalLength: view.getUint16(at + 2),
    identification: view.getUint16(at + 4),
    dontFragment: (flagsAndOffset & 0x4000) !== 0,
    moreFragments: (flagsAndOffset & 0x2000) !== 0,
    fragmentOffset: (flagsAndOffset & 0x1fff) * 8,
    ttl: view.getUint8(at + 8),
    protocol: view.getUint8(at + 9),
    checksum: view.getUint16(at + 10),
    src: [12, 13, 14, 15].map((i) => view.getUint8(at + i)).join('.'),
    dst: [16, 17, 18, 19].map((i) => view.getUint8(at + i)).join('.'),
  };
}

function ipv6(view: DataView, at: number): Ipv6Header | null {
  if (view.byteLength < at + 40) return null;
  const first = view.getUint32(at);
  let nextHeader = view.getUint8(at + 6);
  let headerLength = 40;
  // Hop-by-hop, routing and destination options: each says its own length, in 8-byte units after the first 8.
  while (IPV6_EXTENSIONS.has(nextHeader) && view.byteLength >= at + headerLength + 2) {
    nextHeader = view.getUint8(at + headerLength);
    headerLength += (view.getUint8(at + headerLength + 1) + 1) * 8;
  }
  return {
    version: 6,
    headerLength,
    trafficClass: (first >>> 20) & 0xff,
    flowLabel: first & 0xfffff,
    payloadLength: view.getUint16(at + 4),
    nextHeader,
    hopLimit: view.getUint8(at + 7),
    src: ipv6Address(view, at + 8),
    dst: ipv6Address(view, at + 24),
  };
}

/** RFC 5952 text: lower case, the longest run of two or more zero groups as "::". */
export function ipv6Address(view: DataView, at: number): string {
  const groups = Array.from({ length: 8 }, (_, i) => view.getUint16(at + i * 2));
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  const head = hex.slice(0, best.start).join(':');
  const tail = hex.slice(best.start + best.length).join(':');
  return `${head}::${tail}`;
}

function tcp(view: DataView, at: number): TcpHeader | null {
  if (view.byteLength < at + 20) return null;
  const headerLength = (view.getUint8(at + 12) >> 4) * 4;
  const flagBits = view.getUint8(at + 13);
  const optionsEnd = Math.min(view.byteLength, at + headerLength);
  return {
    protocol: 'tcp',
    srcPort: view.getUint16(at),
    dstPort: view.getUint16(at + 2),
    seq: view.getUint32(at + 4),
    ack: view.getUint32(at + 8),
    headerLength,
    flags: TCP_FLAGS.filter((_, bit) => (flagBits & (1 << bit)) !== 0),
    window: view.getUint16(at + 14),
    checksum: view.getUint16(at + 16),
    urgent: view.getUint16(at + 18),
    optionsLength: Math.max(0, headerLength - 20),
    options: tcpOptions(view, at + 20, optionsEnd),
  };
}

function tcpOptions(view: DataView, from: number, end: number): string[] {
  const options: string[] = [];
  let at = from;
  while (at < end) {
    const kind = view.getUint8(at);
    if (kind === 0) {
      options.push('eol');
      break;
    }
    if (kind === 1) {
      options.push('nop');
      at += 1;
      continue;
    }
    const length = at + 1 < end ? view.getUint8(at + 1) : 0;
    if (length < 2 || at + length > end) {
      options.push(`bad option ${kind}`);
      break;
    }
    options.push(tcpOption(view, kind, at, length));
    at += length;
  }
  return options;
}

function tcpOption(view: DataView, kind: number, at: number, length: number): string {
  if (kind === 2 && length === 4) return `mss ${view.getUint16(at + 2)}`;
  if (kind === 3 && length === 3) return `wscale ${view.getUint8(at + 2)}`;
  if (kind === 4) return 'sackOK';
  if (kind === 8 && length === 10) return `TS val ${view.getUint32(at + 2)} ecr ${view.getUint32(at + 6)}`;
  if (kind === 5) return `sack ${(length - 2) / 8}`;
  return `option ${kind} (${length} bytes)`;
}

function udp(view: DataView, at: number): UdpHeader | null {
  if (view.byteLength < at + 8) return null;
  return {
    protocol: 'udp',
    srcPort: view.getUint16(at),
    dstPort: view.getUint16(at + 2),
    length: view.getUint16(at + 4),
    checksum: view.getUint16(at + 6),
  };
}

/** `127.0.0.1:2333`, or `[::1]:2333`. */
export function endpointName(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
