/**
 * Fitting what the browser sends into what the backend takes (docs/protocol.md, "Limits"): terminal input split into
 * frames, and JSON messages measured the way the backend's maxPayload counts them. No DOM: unit tests run it in Node.
 */
import type { ClientMessage } from '#protocol/messages.ts';

const utf8 = new TextEncoder();

/** Splits text into pieces of at most `size` UTF-16 units without cutting a surrogate pair. */
export function splitText(text: string, size: number): string[] {
  if (!Number.isInteger(size) || size < 2) throw new RangeError(`cannot split text into pieces of ${size}`);
  if (text.length <= size) return [text];
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** Whether `json` (a message as sent) is at most `maxPayload` bytes of UTF-8. */
export function fitsPayload(json: string, maxPayload: number): boolean {
  // A UTF-16 unit is at most 3 bytes of UTF-8, so most messages are known to fit without encoding them.
  return json.length * 3 <= maxPayload || utf8.encode(json).length <= maxPayload;
}

/** The size of `message` as the backend's maxPayload counts it: the UTF-8 bytes of its JSON. */
export function messageBytes(message: ClientMessage): number {
  return utf8.encode(JSON.stringify(message)).length;
}

/**
 * Whether `text` fits in one ws-send to `pane` under `maxPayload`: null if it does, else the text's size and the most
 * it may have, both in bytes as sent (its UTF-8, plus any JSON escapes), so the learner sees how much to cut.
 */
export function wsSendOverflow(pane: string, text: string, maxPayload: number): { bytes: number; max: number } | null {
  const envelope = messageBytes({ type: 'ws-send', pane, text: '' });
  const bytes = messageBytes({ type: 'ws-send', pane, text }) - envelope;
  const max = maxPayload - envelope;
  return bytes > max ? { bytes, max } : null;
}
