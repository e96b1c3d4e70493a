import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ResponseReader, type ResponseEvent } from '../../server/src/panes/http-response.ts';

/** Feeds `text` one byte at a time, the worst split there is, and collects what the reader reports. */
function byteByByte(text: string | Buffer, method = 'GET'): { events: ResponseEvent[]; reader: ResponseReader } {
  const reader = new ResponseReader(method);
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1');
  const events: ResponseEvent[] = [];
  for (let i = 0; i < bytes.length; i++) events.push(...reader.push(bytes.subarray(i, i + 1)));
  return { events, reader };
}

const body = (events: ResponseEvent[]) =>
  Buffer.concat(events.flatMap((e) => (e.kind === 'body' ? [e.data] : []))).toString('utf8');

describe('ResponseReader (RFC 9112 section 6.3)', () => {
  test('Content-Length: complete exactly when the last body byte arrives', () => {
    const { events, reader } = byteByByte('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello');
    const head = events.find((e) => e.kind === 'head');
    assert.ok(head?.kind === 'head');
    assert.equal(head.head.status, 200);
    assert.equal(head.head.framing, 'content-length');
    assert.deepEqual(head.head.headers, [
      ['Content-Length', '5'],
      ['X-A', 'b'],
    ]);
    assert.equal(body(events), 'hello');
    assert.equal(events.at(-1)?.kind, 'complete');
    assert.equal(reader.complete, true);
  });

  test('chunked: de-chunked body, complete after the last chunk and trailers', () => {
    const { events, reader } = byteByByte(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: y\r\n\r\n',
    );
    assert.equal(body(events), 'hello world');
    assert.equal(reader.complete, true);
  });

  test('no length and not chunked: the body runs until the server closes', () => {
    const { events, reader } = byteByByte('HTTP/1.1 200 OK \r\n\r\n<h1>hi</h1>');
    assert.equal(events.find((e) => e.kind === 'head')?.kind, 'head');
    assert.equal(body(events), '<h1>hi</h1>');
    assert.equal(reader.complete, false);
    assert.equal(reader.closeEndsBody, true);
  });

  test('no body for HEAD, 204 and 304, and 101 leaves the next bytes to the new protocol', () => {
    assert.equal(byteByByte('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n', 'HEAD').reader.complete, true);
    assert.equal(byteByByte('HTTP/1.1 204 No Content\r\n\r\n').reader.complete, true);
    assert.equal(byteByByte('HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n').reader.complete, true);
    const reader = new ResponseReader('GET');
    reader.push(Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x02hi', 'latin1'));
    assert.equal(reader.complete, true);
    assert.deepEqual([...reader.rest()], [0x81, 0x02, 0x68, 0x69]);
  });

  test('a content length cut short by the server is not complete', () => {
    const { reader } = byteByByte('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    assert.equal(reader.complete, false);
    assert.equal(reader.closeEndsBody, false);
  });

  test('malformed responses are reported, not guessed at', () => {
    const kinds = (text: string) => byteByByte(text).events.map((e) => (e.kind === 'malformed' ? e.reason : e.kind));
    assert.match(kinds('SSH-2.0-OpenSSH\r\n\r\n').join(), /not an HTTP\/1\.x status line/);
    assert.match(kinds('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n').join(), /malformed header line/);
    assert.match(kinds('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n').join(), /Content-Length/);
    assert.match(kinds('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n').join(), /bad chunk size/);
    const huge = new ResponseReader('GET').push(Buffer.from(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}`));
    assert.equal(huge.at(-1)?.kind, 'malformed');
  });
});

describe('ResponseReader, as a browser reads a response', () => {
  test('interim 1xx responses are skipped for the final one', () => {
    const { events, reader } = byteByByte(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    );
    const heads = events.flatMap((e) => (e.kind === 'head' ? [e.head.status] : []));
    assert.deepEqual(heads, [200]);
    assert.equal(body(events), 'ok');
    assert.equal(reader.complete, true);
  });

  test('only a final chunked coding frames the body; any Transfer-Encoding overrides Content-Length', () => {
    const gzipLast = byteByByte('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\nxyz');
    assert.equal(gzipLast.events.find((e) => e.kind === 'head')?.kind === 'head', true);
    assert.equal(gzipLast.reader.closeEndsBody, true);
    const both = byteByByte('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc');
    assert.equal(both.reader.complete, false, 'read until close, not by Content-Length');
    const chunkedLast = byteByByte('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n');
    assert.equal(chunkedLast.reader.complete, true);
  });

  test('a head written with bare LF line ends is read, as browsers do', () => {
    const { events, reader } = byteByByte('HTTP/1.0 200 OK\nContent-Length: 3\n\nabc');
    const head = events.find((e) => e.kind === 'head');
    assert.ok(head?.kind === 'head');
    assert.deepEqual(head.head.headers, [['Content-Length', '3']]);
    assert.equal(body(events), 'abc');
    assert.equal(reader.complete, true);
  });
});
