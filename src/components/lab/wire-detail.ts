/**
 * A segment taken apart: every field of its IP and TCP or UDP header by name, and its payload as hex and as text
 * side by side, 16 bytes a line, the way Wireshark's bytes pane shows it.
 */
import type { CaptureSegment } from '#protocol/capture.ts';
import { decodePacket, type Packet } from '#protocol/packet.ts';
import { fillIn } from '../ui-strings.ts';
import type { LabStrings } from './lab-strings.ts';
import { base64ToBytes } from './wire-text.ts';

type Field = [name: string, value: string | number];

const hex = (n: number, digits: number) => `0x${n.toString(16).padStart(digits, '0')}`;

/** The header fields of each layer, by layer name. */
export function headerFields(packet: Packet): [layer: string, fields: Field[]][] {
  const { ip, transport } = packet;
  const ipFields: Field[] =
    ip.version === 4
      ? [
          ['version', 4],
          ['header length', ip.headerLength],
          ['DSCP / ECN', `${ip.dscp} / ${ip.ecn}`],
          ['total length', ip.totalLength],
          ['identification', hex(ip.identification, 4)],
          ['flags', [ip.dontFragment && 'DF', ip.moreFragments && 'MF'].filter(Boolean).join(' ') || '-'],
          ['fragment offset', ip.fragmentOffset],
          ['TTL', ip.ttl],
          ['protocol', ip.protocol],
          ['checksum', hex(ip.checksum, 4)],
          ['source', ip.src],
          ['destination', ip.dst],
        ]
      : [
          ['version', 6],
          ['traffic class', ip.trafficClass],
          ['flow label', hex(ip.flowLabel, 5)],
          ['payload length', ip.payloadLength],
          ['next header', ip.nextHeader],
          ['hop limit', ip.hopLimit],
          ['source', ip.src],
          ['destination', ip.dst],
        ];
  const transportFields: Field[] =
    transport.protocol === 'tcp'
      ? [
          ['source port', transport.srcPort],
          ['destination port', transport.dstPort],
          ['sequence number (raw)', transport.seq],
          ['acknowledgment number (raw)', transport.ack],
          ['header length', transport.headerLength],
          ['flags', transport.flags.join(' ') || '-'],
          ['window', transport.window],
          ['checksum', hex(transport.checksum, 4)],
          ['urgent pointer', transport.urgent],
          [
            'options',
            `${transport.optionsLength} bytes${transport.options.length ? `: ${transport.options.join(', ')}` : ''}`,
          ],
        ]
      : [
          ['source port', transport.srcPort],
          ['destination port', transport.dstPort],
          ['length', transport.length],
          ['checksum', hex(transport.checksum, 4)],
        ];
  return [
    [ip.version === 4 ? 'IPv4' : 'IPv6', ipFields],
    [transport.protocol === 'tcp' ? 'TCP' : 'UDP', transportFields],
  ];
}

/** Hex and ASCII lines of `bytes`, 16 a line (the whole text, in the chosen encoding, is shown below them). */
export function hexLines(bytes: Uint8Array): { hex: string[]; text: string[] } {
  const hexOut: string[] = [];
  const textOut: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const line = bytes.subarray(at, at + 16);
    hexOut.push(
      `${at.toString(16).padStart(4, '0')}  ${[...line].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`,
    );
    textOut.push([...line].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join(''));
  }
  return { hex: hexOut, text: textOut };
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = '',
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text) node.textContent = text;
  return node;
}

/** Fills `host` with `segment` taken apart. */
export function showDetail(
  host: HTMLElement,
  segment: CaptureSegment,
  linkType: number,
  decoder: TextDecoder,
  strings: LabStrings,
): void {
  const bytes = base64ToBytes(segment.data);
  const packet = decodePacket(linkType, bytes);
  const parts: HTMLElement[] = [];
  if (packet) {
    for (const [layer, fields] of headerFields(packet)) {
      const block = element('div', 'wire-layer');
      block.append(element('h4', 'wire-layer-name', layer));
      const list = element('dl', 'wire-fields');
      for (const [name, value] of fields) list.append(element('dt', '', name), element('dd', '', String(value)));
      block.append(list);
      parts.push(block);
    }
    const payload = packet.payload;
    const heading = element(
      'h4',
      'wire-layer-name',
      fillIn(strings['lab.wirePayload'], { count: packet.payloadLength }),
    );
    if (packet.truncated)
      heading.textContent += ` (${fillIn(strings['lab.wireTruncated'], { count: payload.length })})`;
    const dump = element('div', 'wire-hex');
    const lines = hexLines(payload);
    dump.append(
      element('pre', 'wire-hex-bytes', lines.hex.join('\n')),
      element('pre', 'wire-hex-text', lines.text.join('\n')),
    );
    const text = element('pre', 'wire-hex-decoded', decoder.decode(payload));
    parts.push(heading, ...(payload.length ? [dump, text] : []));
  }
  host.replaceChildren(...parts);
}
