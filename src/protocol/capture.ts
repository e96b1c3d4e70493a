/**
 * The wire view's messages: the page opens and closes a capture of its workspace's loopback and acknowledges the
 * segments it has taken; the backend sends each TCP or UDP segment summarised (what the sequence diagram draws) with
 * its captured bytes (what the detail view decodes with packet.ts and the .pcap download holds). messages.ts puts
 * them in its unions.
 */
import { z } from 'zod';
import { terminalIdSchema } from './lab-manifest.ts';
import { CAPTURE } from './limits.ts';
import { TCP_FLAGS } from './packet.ts';

const paneIdSchema = terminalIdSchema;

export const captureClientMessages = [
  /** Starts capturing (the pane was opened); a capture already running for the pane goes on. */
  z.strictObject({ type: z.literal('capture-open'), pane: paneIdSchema }),
  /** Stops it (the pane was closed). */
  z.strictObject({ type: z.literal('capture-close'), pane: paneIdSchema }),
  /** Flow control: the page has taken this many more segments. */
  z.strictObject({
    type: z.literal('capture-ack'),
    pane: paneIdSchema,
    segments: z.int().min(1).max(CAPTURE.inFlightSegments),
  }),
] as const;

const count = z.int().nonnegative();
const sequence = z.int().min(0).max(0xffffffff);

export const captureSegmentSchema = z.strictObject({
  /** Its number in this capture, from 1. */
  n: z.int().positive(),
  /** When it was captured: microseconds since the epoch. */
  timeUs: z.number().nonnegative(),
  protocol: z.enum(['tcp', 'udp']),
  /** `127.0.0.1:51374`, `[::1]:2333`. */
  src: z.string().max(60),
  dst: z.string().max(60),
  /** TCP only; empty for UDP. */
  flags: z.array(z.enum(TCP_FLAGS)).max(TCP_FLAGS.length),
  /** Relative to the connection's first sequence number in each direction (as Wireshark shows them); null for UDP. */
  seq: sequence.nullable(),
  ack: sequence.nullable(),
  window: z.int().min(0).max(0xffff).nullable(),
  /** Payload bytes on the wire (the captured part may be shorter). */
  length: count,
  /** The packet's length on the wire, link header included. */
  originalLength: count,
  /** The captured bytes, link header included, base64: at most CAPTURE.snapLength before encoding. */
  data: z.base64(),
});
export type CaptureSegment = z.infer<typeof captureSegmentSchema>;

export const captureEvents = [
  /** `on`: capturing (from now on every segment is seen); `off`: stopped; `failed`: it ended, `detail` says why. */
  z.strictObject({ kind: z.literal('capture-state'), state: z.enum(['on', 'off', 'failed']), detail: z.string() }),
  /** `linkType` and `snapLength` are the capture's (pcap.ts), for decoding `data` and for the .pcap. */
  z.strictObject({
    kind: z.literal('capture-segments'),
    linkType: count,
    snapLength: count,
    segments: z.array(captureSegmentSchema).min(1).max(CAPTURE.batchSegments),
  }),
  /** Segments the page was too far behind to get, here in their place. */
  z.strictObject({ kind: z.literal('capture-skipped'), count: z.int().positive() }),
] as const;
