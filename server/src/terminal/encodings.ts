/**
 * Byte <-> text conversion for one terminal. Programs in the sandbox write bytes in whatever encoding they chose
 * (the study note's server speaks GB2312); the learner picks how the terminal reads them. Decoding is stateful: a
 * multi-byte character split across two pty reads is held back until its last byte arrives.
 */
import iconv from 'iconv-lite';
import type { TerminalEncoding } from '../protocol/messages.ts';

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
  /** Output of the program, as it arrives from the pty. */
  decode(chunk: Buffer): string;
  /** Keystrokes from the browser (UTF-8, possibly split mid-character), as bytes for the program. */
  encodeInput(utf8: Uint8Array): Buffer;
}

/**
 * How many bytes the character starting at `at` takes, or 0 if `bytes` ends before it does. Only for the
 * double-byte encodings; anything malformed counts as complete so that iconv-lite reports it right away.
 */
function characterLength(encoding: TerminalEncoding, bytes: Buffer, at: number): number {
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

/** Length of the unfinished character at the end of `bytes`, scanning from its (known) first character. */
function unfinishedTail(encoding: TerminalEncoding, bytes: Buffer): number {
  let at = 0;
  while (at < bytes.length) {
    const length = characterLength(encoding, bytes, at);
    if (length === 0) return bytes.length - at;
    at += length;
  }
  return 0;
}

const DOUBLE_BYTE: ReadonlySet<TerminalEncoding> = new Set(['gb18030', 'big5', 'shift_jis']);

export function createCodec(encoding: TerminalEncoding): TerminalCodec {
  const name = ICONV_NAMES[encoding];
  const decoder = iconv.getDecoder(name);
  const inputDecoder = iconv.getDecoder('utf-8');
  const passThrough = encoding === 'utf-8';
  // iconv-lite 0.7's double-byte decoder sizes its output by the new bytes alone, so text completed by bytes it
  // held from the previous read can be cut off. It is therefore only ever given whole characters; the unfinished
  // tail waits here for the next read.
  let held: Buffer | null = null;
  const decodeWhole = (chunk: Buffer): string => {
    const data = held ? Buffer.concat([held, chunk]) : chunk;
    const tail = unfinishedTail(encoding, data);
    held = tail > 0 ? Buffer.from(data.subarray(data.length - tail)) : null;
    return decoder.write(tail > 0 ? data.subarray(0, data.length - tail) : data);
  };
  return {
    encoding,
    decode: DOUBLE_BYTE.has(encoding) ? decodeWhole : (chunk) => decoder.write(chunk),
    encodeInput: (utf8) => {
      const bytes = Buffer.from(utf8.buffer, utf8.byteOffset, utf8.byteLength);
      return passThrough ? bytes : iconv.encode(inputDecoder.write(bytes), name);
    },
  };
}

/**
 * Decode the replay buffer, shown again after re-attaching or switching encoding. A character cut off at the end is
 * left out rather than shown as U+FFFD: the live decoder still holds its first bytes and prints it when it completes.
 */
export function decodeReplay(bytes: Buffer, encoding: TerminalEncoding): string {
  return iconv.getDecoder(ICONV_NAMES[encoding]).write(bytes);
}
