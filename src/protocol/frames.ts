/**
 * Binary frames carry terminal bytes in both directions: one byte naming the terminal's channel (from the `attached`
 * message), then the payload, which is always UTF-8 text. Encoding conversion happens in the backend, next to the pty.
 */

export const MAX_CHANNEL = 255;

export interface Frame {
  channel: number;
  payload: Uint8Array;
}

export function decodeFrame(data: Uint8Array): Frame | null {
  if (data.length < 1) return null;
  return { channel: data[0] as number, payload: data.subarray(1) };
}

const utf8 = new TextEncoder();

/** A frame for text typed or pasted in the browser. */
export function encodeInputFrame(channel: number, text: string): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(channel) || channel < 0 || channel > MAX_CHANNEL)
    throw new RangeError(`bad channel ${channel}`);
  const bytes = utf8.encode(text);
  const frame = new Uint8Array(bytes.length + 1);
  frame[0] = channel;
  frame.set(bytes, 1);
  return frame;
}
