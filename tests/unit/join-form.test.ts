import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import {
  displayNameSchema,
  joinFormSchema,
  parseUrlEncoded,
  passcodeMatches,
  readForm,
} from '../../server/src/http/join-form.ts';
import { DOOR } from '#protocol/limits.ts';

const FORM = 'application/x-www-form-urlencoded';

/** A request as the server would see it: headers and a body arriving in `chunks`. */
function request(headers: Record<string, string>, ...chunks: string[]): IncomingMessage {
  return Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { headers }) as unknown as IncomingMessage;
}

describe('readForm', () => {
  test('decodes a browser form: + and %-escapes, UTF-8', async () => {
    const body = 'passcode=sesame42&name=%E5%BC%A0+%E4%B8%89&next=%2Flessons%2F01%2F';
    const result = await readForm(request({ 'content-type': FORM }, body.slice(0, 10), body.slice(10)));
    assert.deepEqual(result, { ok: true, fields: { passcode: 'sesame42', name: '张 三', next: '/lessons/01/' } });
  });

  test('accepts the UTF-8 charset parameter, refuses other types and charsets with 415', async () => {
    assert.equal((await readForm(request({ 'content-type': `${FORM}; charset=UTF-8` }, 'a=1'))).ok, true);
    for (const type of [
      '',
      'text/plain',
      'application/json',
      'multipart/form-data; boundary=x',
      `${FORM}; charset=gbk`,
    ]) {
      const result = await readForm(request(type ? { 'content-type': type } : {}, 'a=1'));
      assert.equal(!result.ok && result.status, 415, type);
    }
  });

  test('refuses a body over the limit with 413, declared or not', async () => {
    const big = 'a'.repeat(DOOR.joinBodyBytes + 1);
    const declared = await readForm(request({ 'content-type': FORM, 'content-length': String(big.length) }, big));
    assert.equal(!declared.ok && declared.status, 413);
    const streamed = await readForm(request({ 'content-type': FORM }, 'name=', big.slice(0, 3000), big.slice(3000)));
    assert.equal(!streamed.ok && streamed.status, 413);
    const exact = await readForm(request({ 'content-type': FORM }, `n=${'a'.repeat(DOOR.joinBodyBytes - 2)}`));
    assert.equal(exact.ok, true, 'exactly the limit is fine');
  });

  test('a client that goes away mid-body rejects, rather than leaving the request hanging', async () => {
    const stream = new Readable({ read() {} });
    const pending = readForm(
      Object.assign(stream, { headers: { 'content-type': FORM } }) as unknown as IncomingMessage,
    );
    stream.push('passcode=');
    stream.destroy();
    await assert.rejects(pending);
  });
});

describe('parseUrlEncoded', () => {
  test('refuses malformed escapes, bad UTF-8, raw non-ASCII and repeated fields', () => {
    for (const body of ['a=%zz', 'a=%', 'a=%e5%bc', 'a=%ff', 'a=\u00e9', 'a=b c', 'a=1&a=2', '%=1']) {
      const result = parseUrlEncoded(body);
      assert.equal(!result.ok && result.status, 400, body);
    }
  });

  test('empty pieces and fields without "=" are read the way browsers write them', () => {
    assert.deepEqual(parseUrlEncoded(''), { ok: true, fields: {} });
    assert.deepEqual(parseUrlEncoded('a=1&&b'), { ok: true, fields: { a: '1', b: '' } });
  });
});

describe('joinFormSchema', () => {
  test('needs passcode and name, takes next, refuses anything else', () => {
    assert.equal(joinFormSchema.safeParse({ passcode: 'x', name: 'y' }).success, true);
    assert.equal(joinFormSchema.safeParse({ passcode: 'x', name: 'y', next: '/' }).success, true);
    assert.equal(joinFormSchema.safeParse({ passcode: 'x' }).success, false, 'missing name');
    assert.equal(joinFormSchema.safeParse({ name: 'y' }).success, false, 'missing passcode');
    assert.equal(joinFormSchema.safeParse({ passcode: 'x', name: 'y', admin: '1' }).success, false, 'extra field');
    assert.equal(joinFormSchema.safeParse({ passcode: 'x'.repeat(300), name: 'y' }).success, false, 'huge passcode');
  });
});

describe('displayNameSchema', () => {
  const ok = (name: string) => displayNameSchema.safeParse(name);

  test('trims, and keeps what is left exactly as typed (HTML included: it is text, never markup)', () => {
    assert.equal(ok('  张三  ').data, '张三');
    assert.equal(ok('\u3000李四\u3000').data, '李四', 'an ideographic space is trimmed too');
    assert.equal(ok('<b>Ann</b> & "Bob"').data, '<b>Ann</b> & "Bob"');
  });

  test('1 to 40 characters, counted as characters not UTF-16 units', () => {
    assert.equal(ok('').success, false);
    assert.equal(ok('   ').success, false);
    assert.equal(ok('a'.repeat(40)).success, true);
    assert.equal(ok('a'.repeat(41)).success, false);
    assert.equal(ok('😀'.repeat(40)).success, true, '40 emoji are 80 UTF-16 units');
    assert.equal(ok('😀'.repeat(41)).success, false);
  });

  test('refuses control characters, line breaks and bidirectional overrides', () => {
    for (const name of [
      'a\u0000b',
      'a\nb',
      'a\tb',
      'a\u001b[31mb',
      'a\u007fb',
      'a\u0085b',
      'a\u2028b',
      'a\u202eb',
      'a\u2066b',
    ]) {
      assert.equal(ok(name).success, false, JSON.stringify(name));
    }
  });
});

describe('passcodeMatches', () => {
  test('only the exact passcode matches', () => {
    assert.equal(passcodeMatches('sesame42', 'sesame42'), true);
    for (const given of ['', 'sesame4', 'sesame421', 'Sesame42', 'sesame42 ', '\u0000sesame42']) {
      assert.equal(passcodeMatches(given, 'sesame42'), false, JSON.stringify(given));
    }
  });
});
