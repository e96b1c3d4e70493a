/**
 * Byte <-> text conversion for one terminal. Programs in the sandbox write bytes in whatever encoding they chose
 * (the study note's server speaks GB2312); the learner picks how the terminal reads them, and the browser always
 * gets UTF-8. Decoding is stateful: a multi-byte character split across two pty reads is held back until its last
 * byte arrives.
 *
 * The codec keeps that unfinished tail itself and hands iconv-lite only whole characters: iconv-lite 0.7's
 * double-byte decoder sizes its output by the new bytes alone, so text completed by bytes it had held from the
 * previous read could be cut off. Output that is already valid UTF-8 (nearly all of it) is passed on untouched.
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import type { TerminalEncoding } from '#protocol/messages.ts';

/** iconv-lite's names; GB18030 decodes GBK and GB2312 too, since each is a subset of the next. */
const ICONV_NAMES: Record<TerminalEncoding, string> = {
  'utf-8': 'utf-8',
  gb18030: 'gb18030',
  big5: 'big5',
  shift_jis: 'shift_jis',
  latin1: 'latin1',
};

export interface TerminalCodec {
  readonly encoding: TerminalEncoding;
  /** Output of the program, as it arrives from the pty, as UTF-8 for the browser. */
  toUtf8(chunk: Buffer): Buffer;
  /** Keystrokes from the browser (UTF-8, possibly split mid-character), as bytes for the program. */
  encodeInput(utf8: Uint8Array): Buffer;
}

/** Length of a UTF-8 character started by `lead`; 1 for bytes that cannot start one. */
function utf8Length(lead: number): number {
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  if (lead >= 0xe0) return lead <= 0xef ? 3 : 1;
  return lead >= 0xc2 ? 2 : 1;
}

/**
 * How many bytes the character starting at `at` takes, or 0 if `bytes` ends before it does. Only for the
 * double-byte encodings; anything malformed counts as complete so that iconv-lite reports it right away.
 */
function doubleByteLength(encoding: TerminalEncoding, bytes: Buffer, at: number): number {
  const lead = bytes[at] as number;
  const left = bytes.length - at;
  switch (encoding) {
    case 'gb18030': {
      if (lead < 0x81 || lead === 0xff) return 1;
      if (left < 2) return 0;
      const second = bytes[at + 1] as number;
      // A digit as second byte makes a four-byte GB18030 sequence (lead, digit, 0x81-0xFE, digit).
      if (second >= 0x30 && second <= 0x39) return left < 4 ? 0 : 4;
      return 2;
    }
    case 'big5':
      if (lead < 0x81 || lead === 0xff) return 1;
      return left < 2 ? 0 : 2;
    case 'shift_jis':
      if (lead < 0x81 || (lead >= 0xa0 && lead <= 0xdf) || lead >= 0xfd) return 1;
      return left < 2 ? 0 : 2;
    default:
      return 1;
  }
}

/** Length of the unfinished character at the end of `bytes`, whose first byte starts a character. */
function unfinishedTail(encoding: TerminalEncoding, bytes: Buffer): number {
  if (encoding === 'latin1') return 0;
  if (encoding === 'utf-8') {
    // UTF-8 marks continuation bytes, so the last character's start is at most three bytes back.
    for (let back = 1; back <= Math.min(3, bytes.length); back++) {
      const byte = bytes[bytes.length - back] as number;
      if ((byte & 0xc0) === 0x80) continue;
      return utf8Length(byte) > back ? back : 0;
    }
    return 0;
  }
  // Double-byte trail bytes can look like lead bytes, so those are scanned from the front.
  let at = 0;
  while (at < bytes.length) {
    const length = doubleByteLength(encoding, bytes, at);
    if (length === 0) return bytes.length - at;
    at += length;
  }
  return 0;
}

export function createCodec(encoding: TerminalEncoding): TerminalCodec {
  const name = ICONV_NAMES[encoding];
  const decoder = iconv.getDecoder(name);
  const inputDecoder = iconv.getDecoder('utf-8');
  let held: Buffer | null = null;
  return {
    encoding,
    toUtf8(chunk) {
      const data = held ? Buffer.concat([held, chunk]) : chunk;
      const tail = unfinishedTail(encoding, data);
      held = tail > 0 ? Buffer.from(data.subarray(data.length - tail)) : null;
      const whole = tail > 0 ? data.subarray(0, data.length - tail) : data;
      if (encoding === 'utf-8' && isUtf8(whole)) return whole;
      return Buffer.from(decoder.write(whole), 'utf8');
    },
    encodeInput(utf8) {
      const bytes = Buffer.from(utf8.buffer, utf8.byteOffset, utf8.byteLength);
      return encoding === 'utf-8' ? bytes : iconv.encode(inputDecoder.write(bytes), name);
    },
  };
}

/**
 * Decodes the replay buffer, shown again after re-attaching or switching encoding, as UTF-8. A character cut off at
 * the end is left out rather than shown as U+FFFD: the live codec still holds its first bytes.
 */
export function decodeReplay(bytes: Buffer, encoding: TerminalEncoding): Buffer {
  return createCodec(encoding).toUtf8(bytes);
}
