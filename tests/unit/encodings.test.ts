import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createCodec, decodeReplay } from '../../server/src/terminal/encodings.ts';

/** The codec's output as text. */
const asText = (utf8: Buffer): string => utf8.toString('utf8');
import type { TerminalEncoding } from '#protocol/messages.ts';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const bytes = (hex: string): Buffer => Buffer.from(hex.replace(/\s/g, ''), 'hex');
const hexOf = (buffer: Uint8Array): string => Buffer.from(buffer).toString('hex');

/** Sample text per encoding with its bytes in that encoding, written out by hand rather than computed. */
const SAMPLES: { encoding: TerminalEncoding; text: string; hex: string }[] = [
  { encoding: 'utf-8', text: '你好 café 😀', hex: 'e4bda0 e5a5bd 20 636166c3a9 20 f09f9880' },
  { encoding: 'gb18030', text: '你好', hex: 'c4e3 bac3' },
  { encoding: 'gb18030', text: '😀', hex: '9439fc36' },
  { encoding: 'big5', text: '們', hex: 'adcc' },
  { encoding: 'shift_jis', text: 'こんにちは', hex: '82b1 82f1 82c9 82bf 82cd' },
  { encoding: 'latin1', text: 'café', hex: '636166e9' },
];

describe('createCodec round trips', () => {
  for (const { encoding, text, hex } of SAMPLES) {
    test(`${encoding}: "${text}" typed in UTF-8 reaches the program as ${encoding} bytes`, () => {
      assert.equal(hexOf(createCodec(encoding).encodeInput(utf8(text))), hex.replace(/\s/g, ''));
    });

    test(`${encoding}: the program's bytes for "${text}" decode back to the text`, () => {
      assert.equal(asText(createCodec(encoding).toUtf8(bytes(hex))), text);
    });
  }

  test('ASCII passes through every encoding unchanged', () => {
    for (const encoding of ['utf-8', 'gb18030', 'big5', 'shift_jis', 'latin1'] as const) {
      const codec = createCodec(encoding);
      assert.equal(codec.encoding, encoding);
      assert.equal(hexOf(codec.encodeInput(utf8('ls -l\r'))), hexOf(utf8('ls -l\r')), encoding);
      assert.equal(asText(codec.toUtf8(Buffer.from('ls -l\r\n'))), 'ls -l\r\n', encoding);
    }
  });

  test('encodeInput honours the byte offset of a view', () => {
    const backing = utf8('xx你好xx');
    const view = backing.subarray(2, 8);
    assert.equal(hexOf(createCodec('gb18030').encodeInput(view)), 'c4e3bac3');
    assert.equal(hexOf(createCodec('utf-8').encodeInput(view)), 'e4bda0e5a5bd');
  });
});

describe('decode holds back a character split across reads', () => {
  test('a GBK character split 1+1 in gb18030', () => {
    const codec = createCodec('gb18030');
    assert.equal(asText(codec.toUtf8(bytes('c4'))), '');
    assert.equal(asText(codec.toUtf8(bytes('e3'))), '你');
  });

  test('a GBK character split after text that came before it', () => {
    const codec = createCodec('gb18030');
    assert.equal(asText(codec.toUtf8(bytes('41 c4e3 ba'))), 'A你');
    assert.equal(asText(codec.toUtf8(bytes('c3 42'))), '好B');
  });

  test('a 3-byte UTF-8 character split 1+2 and 2+1', () => {
    const first = createCodec('utf-8');
    assert.equal(asText(first.toUtf8(bytes('e4'))), '');
    assert.equal(asText(first.toUtf8(bytes('bda0'))), '你');
    const second = createCodec('utf-8');
    assert.equal(asText(second.toUtf8(bytes('e4bd'))), '');
    assert.equal(asText(second.toUtf8(bytes('a0'))), '你');
  });

  test('a 4-byte GB18030 sequence split 2+2', () => {
    const codec = createCodec('gb18030');
    assert.equal(asText(codec.toUtf8(bytes('9439'))), '');
    assert.equal(asText(codec.toUtf8(bytes('fc36'))), '😀');
  });

  // iconv-lite sizes its output by the new chunk alone, so a held-back prefix that decodes to more UTF-16 than its
  // last byte "pays for" (a surrogate pair from 3+1 bytes) overruns the buffer and is truncated.
  test('a 4-byte GB18030 sequence split 3+1', () => {
    const codec = createCodec('gb18030');
    assert.equal(asText(codec.toUtf8(bytes('9439fc'))), '');
    assert.equal(asText(codec.toUtf8(bytes('36'))), '😀');
  });

  test('a 4-byte GB18030 sequence split 3+1 with text after it in the same read', () => {
    const codec = createCodec('gb18030');
    assert.equal(asText(codec.toUtf8(bytes('9439fc'))), '');
    assert.equal(asText(codec.toUtf8(bytes('36 6263'))), '😀bc');
  });

  test('a Big5 character outside the BMP split 1+1', () => {
    const codec = createCodec('big5');
    assert.equal(asText(codec.toUtf8(bytes('9e'))), '');
    assert.equal(asText(codec.toUtf8(bytes('63 78'))), '𡃁x');
  });

  test('a Shift_JIS and a Big5 character split 1+1', () => {
    const sjis = createCodec('shift_jis');
    assert.equal(asText(sjis.toUtf8(bytes('82'))), '');
    assert.equal(asText(sjis.toUtf8(bytes('b1'))), 'こ');
    const big5 = createCodec('big5');
    assert.equal(asText(big5.toUtf8(bytes('ad'))), '');
    assert.equal(asText(big5.toUtf8(bytes('cc'))), '們');
  });

  test('every split point of a mixed GB18030 stream decodes to the same text', () => {
    const text = 'a你好😀b';
    const stream = bytes('61 c4e3 bac3 9439fc36 62');
    for (let at = 0; at <= stream.length; at++) {
      const codec = createCodec('gb18030');
      assert.equal(
        asText(codec.toUtf8(stream.subarray(0, at))) + asText(codec.toUtf8(stream.subarray(at))),
        text,
        `split at ${at}`,
      );
    }
  });
});

describe('encodeInput with UTF-8 input split mid-character', () => {
  test('into a GBK codec still yields the right GBK bytes', () => {
    const codec = createCodec('gb18030');
    const typed = utf8('你好'); // e4bda0 e5a5bd
    assert.equal(hexOf(codec.encodeInput(typed.subarray(0, 4))), 'c4e3');
    assert.equal(hexOf(codec.encodeInput(typed.subarray(4))), 'bac3');
  });

  test('at every split point into gb18030, the bytes add up to the whole', () => {
    const typed = utf8('a你😀b');
    for (let at = 0; at <= typed.length; at++) {
      const codec = createCodec('gb18030');
      const out = Buffer.concat([codec.encodeInput(typed.subarray(0, at)), codec.encodeInput(typed.subarray(at))]);
      assert.equal(hexOf(out), '61c4e39439fc3662', `split at ${at}`);
    }
  });
});

describe('the study note (GB2312 server output)', () => {
  // "<h1> 不要回答！！！</h1>" as the note's Python server sends it: show_str.encode('GB2312').
  const noteBytes = bytes('3c68313e20 b2bb d2aa bbd8 b4f0 a3a1 a3a1 a3a1 3c2f68313e');
  const noteText = '<h1> 不要回答！！！</h1>';

  test('read as UTF-8 is mojibake with U+FFFD', () => {
    const shown = asText(createCodec('utf-8').toUtf8(noteBytes));
    assert.ok(shown.includes('\uFFFD'));
    assert.ok(!shown.includes('不要回答'));
  });

  test('read as gb18030 is the text', () => {
    assert.equal(asText(createCodec('gb18030').toUtf8(noteBytes)), noteText);
  });
});

describe('decodeReplay', () => {
  test('decodes a complete buffer', () => {
    assert.equal(asText(decodeReplay(bytes('c4e3 bac3'), 'gb18030')), '你好');
    assert.equal(asText(decodeReplay(bytes('e4bda0'), 'utf-8')), '你');
  });

  test('leaves out a trailing incomplete UTF-8 character', () => {
    const shown = asText(decodeReplay(bytes('61 e4bd'), 'utf-8'));
    assert.equal(shown, 'a');
    assert.ok(!shown.includes('\uFFFD'));
  });

  test('leaves out a trailing incomplete GB18030 character (2- and 4-byte)', () => {
    assert.equal(asText(decodeReplay(bytes('61 c4e3 ba'), 'gb18030')), 'a你');
    assert.equal(asText(decodeReplay(bytes('61 9439fc'), 'gb18030')), 'a');
  });

  test('is independent of any live codec state', () => {
    const live = createCodec('gb18030');
    asText(live.toUtf8(bytes('c4')));
    assert.equal(asText(decodeReplay(bytes('bac3'), 'gb18030')), '好');
  });
});
