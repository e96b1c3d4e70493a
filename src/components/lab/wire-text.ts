/**
 * What the wire view writes about a segment: the arrow's label (flags, relative numbers, window, length), the start
 * of its payload as text, and which segments the filters keep. No DOM: unit tests run it in Node.
 */
import type { CaptureSegment } from '#protocol/capture.ts';
import { decodePacket } from '#protocol/packet.ts';
import { endpointPort } from './wire-lifelines.ts';

/** Characters of payload text on an arrow. */
const PREVIEW_CHARS = 40;

/** `SYN,ACK seq=0 ack=1 win=65483 len=0`, or `UDP len=3`. */
export function segmentLabel(segment: CaptureSegment): string {
  if (segment.protocol === 'udp') return `UDP len=${segment.length}`;
  const parts = [segment.flags.join(',') || '-', `seq=${segment.seq}`];
  if (segment.ack !== null) parts.push(`ack=${segment.ack}`);
  parts.push(`win=${segment.window}`, `len=${segment.length}`);
  return parts.join(' ');
}

export function base64ToBytes(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

/** Text with its line ends and other control characters made visible, as the raw views show them. */
export function visible(text: string): string {
  return text.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(CONTROL, '·');
}

/** The start of the payload as text in `decoder`'s encoding, quoted; '' when there is none. */
export function payloadPreview(bytes: Uint8Array, linkType: number, decoder: TextDecoder): string {
  const payload = decodePacket(linkType, bytes)?.payload;
  if (!payload || payload.length === 0) return '';
  const text = visible(decoder.decode(payload.subarray(0, PREVIEW_CHARS * 4)));
  return `"${text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text}"`;
}

/** A segment that only acknowledges: no data, no SYN, FIN or RST. */
export function isPureAck(segment: CaptureSegment): boolean {
  return segment.protocol === 'tcp' && segment.length === 0 && segment.flags.join() === 'ACK';
}

export interface WireFilter {
  port: number | null;
  hideAcks: boolean;
}

export function shown(segment: CaptureSegment, filter: WireFilter): boolean {
  if (filter.hideAcks && isPureAck(segment)) return false;
  if (filter.port === null) return true;
  return endpointPort(segment.src) === filter.port || endpointPort(segment.dst) === filter.port;
}
