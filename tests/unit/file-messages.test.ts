/**
 * The editor's messages (src/protocol/files.ts, in messages.ts's unions): what a path may be, a save's parts and
 * their bounds, the backend's answers; and that the page's save, split into parts, fits the socket whatever the text.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FILES, WIRE } from '#protocol/limits.ts';
import { isFileMessage, parseClientMessage, parseServerMessage } from '#protocol/messages.ts';
import { saveMessages, saveProblem } from '../../src/components/lab/file-client.ts';
import { fitsPayload } from '../../src/components/lab/wire-limits.ts';

const VERSION = 'a'.repeat(64);
const json = (value: unknown) => JSON.stringify(value);
const client = (value: unknown) => parseClientMessage(json(value));

function refusal(value: unknown): string {
  const result = client(value);
  if (result.ok) assert.fail(`expected ${json(value).slice(0, 200)} to be refused`);
  return result.error;
}

describe('file messages from the page', () => {
  const valid = [
    { type: 'files' },
    { type: 'file-open', path: 'server.py' },
    { type: 'file-open', path: '笔记/第一课 server.py' },
    { type: 'file-save', path: 'server.py', base: VERSION, part: 0, parts: 1, text: 'print("你好")\n' },
    { type: 'file-save', path: 'new.py', base: null, part: 127, parts: 128, text: '' },
    { type: 'file-reset', path: 'server.py' },
    { type: 'file-original', path: 'a/b/c.ts' },
  ];
  for (const message of valid) {
    test(`accepts ${json(message)}`, () => {
      const parsed = client(message);
      assert.deepEqual(parsed, { ok: true, message });
      assert.ok(parsed.ok && isFileMessage(parsed.message));
    });
  }

  test('terminal and pane messages are not file messages', () => {
    const parsed = client({ type: 'reset-files' });
    assert.ok(parsed.ok && !isFileMessage(parsed.message));
  });

  const badPaths: [what: string, path: string, error: RegExp][] = [
    ['an absolute path', '/etc/passwd', /not a plain relative path inside the home/],
    ['..', '../x.py', /not a plain relative path/],
    ['.. inside', 'a/../../x.py', /not a plain relative path/],
    ['.', './x.py', /not a plain relative path/],
    ['an empty name', 'a//x.py', /not a plain relative path/],
    ['a trailing /', 'a/', /not a plain relative path/],
    ['an empty path', '', /at least 1|too small/i],
    ['a NUL', 'a\0b', /not a plain relative path/],
    ['a newline', 'a\nb.py', /control characters/],
    ['a lone surrogate', 'a\ud800.py', /not well-formed Unicode/],
    ['a 256-byte name', 'x'.repeat(256), /longer than 255 bytes/],
    ['a name of 86 Chinese characters (258 bytes)', '长'.repeat(86), /longer than 255 bytes/],
    ['a path over 1024 characters', Array.from({ length: 103 }, () => 'abcdefghi').join('/'), /1024/],
  ];
  for (const [what, path, error] of badPaths) {
    test(`refuses ${what}`, () => {
      assert.match(refusal({ type: 'file-open', path }), new RegExp(`^path: .*${error.source}`, error.flags));
    });
  }

  test('a name of exactly 255 bytes is a name Linux holds', () => {
    assert.ok(client({ type: 'file-open', path: `${'长'.repeat(85)}` }).ok);
  });

  test('refuses a save part out of its bounds', () => {
    const part = { type: 'file-save', path: 'a.py', base: null, part: 0, parts: 1, text: 'x' };
    assert.match(refusal({ ...part, part: 1, parts: 1 }), /part: part is past the last part/);
    assert.match(refusal({ ...part, parts: FILES.saveParts + 1 }), /^parts: /);
    assert.match(refusal({ ...part, part: -1 }), /^part: /);
    assert.match(refusal({ ...part, text: 'x'.repeat(FILES.saveChunkChars + 1) }), /^text: /);
    assert.match(refusal({ ...part, text: 'a\udc00' }), /^text: not well-formed Unicode/);
    assert.match(refusal({ ...part, base: 'abc' }), /^base: a version is 64 hex digits/);
    assert.match(refusal({ ...part, base: undefined }), /^base: /);
    assert.match(refusal({ ...part, mode: 0o777 }), /Unrecognized key/);
  });
});

describe('file messages from the backend', () => {
  const valid = [
    { type: 'files', files: [{ path: 'server.py', size: 12, original: true }] },
    { type: 'file', path: 'server.py', text: 'x', version: VERSION },
    { type: 'file-saved', path: 'server.py', version: VERSION },
    { type: 'file-original', path: 'server.py', text: 'x' },
    { type: 'file-changed', path: 'server.py', version: VERSION },
    { type: 'file-changed', path: 'server.py', version: null },
    { type: 'error', code: 'conflict', message: 'server.py changed', path: 'server.py' },
    { type: 'error', code: 'io-error', message: 'No space left on device' },
  ];
  for (const message of valid) {
    test(`accepts ${json(message)}`, () => assert.deepEqual(parseServerMessage(json(message)), { ok: true, message }));
  }

  test('refuses an unknown error code and a bad version', () => {
    assert.equal(parseServerMessage(json({ type: 'error', code: 'nope', message: '' })).ok, false);
    assert.equal(parseServerMessage(json({ type: 'file-saved', path: 'a', version: 'x' })).ok, false);
  });
});

describe('a save from the page, in parts', () => {
  const worstPath = Array.from({ length: 12 }, () => '长'.repeat(85))
    .join('/')
    .slice(0, FILES.pathChars);

  const texts: [what: string, text: string][] = [
    ['empty', ''],
    ['ASCII up to the limit', 'x'.repeat(FILES.maxBytes)],
    ['Chinese', '中文注释，'.repeat(20_000)],
    ['characters JSON escapes (6 bytes each)', '\u0001'.repeat(FILES.saveChunkChars * 3)],
    ['quotes and backslashes', '"\\'.repeat(FILES.saveChunkChars * 2)],
    ['emoji (surrogate pairs) across every part boundary', `x${'😀'.repeat(FILES.saveChunkChars * 2)}`],
  ];
  for (const [what, text] of texts) {
    test(`${what}: each part fits one message and is valid; joined they are the text`, () => {
      const messages = saveMessages(worstPath, text, VERSION);
      assert.ok(messages.length >= 1 && messages.length <= FILES.saveParts);
      let joined = '';
      messages.forEach((message, index) => {
        const sent = json(message);
        assert.ok(fitsPayload(sent, WIRE.maxPayload), `part ${index} is ${Buffer.byteLength(sent)} bytes`);
        const parsed = parseClientMessage(sent);
        assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
        assert.ok(parsed.message.type === 'file-save' && parsed.message.part === index);
        joined += parsed.message.text;
      });
      assert.equal(joined, text);
    });
  }

  test('the page says what is wrong before sending a text over 1 MiB or a bad path', () => {
    assert.deepEqual(saveProblem('a.py', 'é'.repeat(FILES.maxBytes / 2 + 1)), {
      kind: 'too-large',
      bytes: FILES.maxBytes + 2,
      max: FILES.maxBytes,
    });
    assert.equal(saveProblem('a.py', 'x'.repeat(FILES.maxBytes)), null);
    assert.equal(saveProblem('../a.py', 'x')?.kind, 'path');
  });
});
