/**
 * The built site as the server sends it: the brotli or gzip copy made at build time when the browser accepts it,
 * with Vary; hashed assets cached for good, pages revalidated with an ETag.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { PROJECT_ROOT, startTestLab, type TestLab } from '../support/lab-harness.ts';
import { rawRequest } from '../support/raw-http.ts';

describe('static files', () => {
  let lab: TestLab;
  let script: string;
  before(async () => {
    lab = await startTestLab();
    const assets = await readdir(path.join(PROJECT_ROOT, 'dist', '_astro'));
    script = assets.find((name) => name.startsWith('lab-app.') && name.endsWith('.js')) as string;
    assert.ok(script, 'the lab script is built');
  });
  after(() => lab.close());

  // Not fetch(): it would decompress by itself, and the bytes as sent are what the test compares.
  const get = (pathname: string, headers: Record<string, string> = {}, method = 'GET') =>
    rawRequest(lab, pathname, { method, headers });

  test('a hashed script goes out as brotli, else gzip, else as it is; cached for good; Vary on every one', async () => {
    const original = await readFile(path.join(PROJECT_ROOT, 'dist', '_astro', script));
    const br = await get(`/_astro/${script}`, { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers['vary'], 'Accept-Encoding');
    assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable');
    const brBytes = br.bytes;
    assert.ok(brBytes.length < original.length / 2, 'much smaller');
    assert.deepEqual(brotliDecompressSync(brBytes), original);
    assert.equal(Number(br.headers['content-length']), brBytes.length);

    const gz = await get(`/_astro/${script}`, { 'accept-encoding': 'gzip, br;q=0' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.deepEqual(gunzipSync(gz.bytes), original);

    const plain = await get(`/_astro/${script}`, { 'accept-encoding': 'identity' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.headers['vary'], 'Accept-Encoding');
    assert.deepEqual(plain.bytes, original);
  });

  test('a page is revalidated: its ETag answers 304, per encoding', async () => {
    const first = await get('/en/', { 'accept-encoding': 'br' });
    assert.equal(first.status, 200);
    assert.equal(first.headers['cache-control'], 'no-cache');
    const etag = first.headers['etag'] as string;
    assert.match(etag, /^"[0-9a-z]+-[0-9a-z]+-br"$/);
    const again = await get('/en/', { 'accept-encoding': 'br', 'if-none-match': etag });
    assert.equal(again.status, 304);
    const otherEncoding = await get('/en/', { 'accept-encoding': 'gzip', 'if-none-match': etag });
    assert.equal(otherEncoding.status, 200);
    assert.equal(otherEncoding.headers['content-encoding'], 'gzip');
  });

  test('HEAD has the headers of GET and no body; a file too small to gain from compression goes out as it is', async () => {
    const head = await get(`/_astro/${script}`, { 'accept-encoding': 'br' }, 'HEAD');
    assert.equal(head.headers['content-encoding'], 'br');
    assert.equal(head.bytes.length, 0);
    const favicon = await get('/favicon.svg', { 'accept-encoding': 'br' });
    assert.equal(favicon.status, 200);
    assert.equal(favicon.headers['content-encoding'], undefined);
  });
});
