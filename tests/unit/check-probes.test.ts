import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { describe, test } from 'node:test';
import { runProbe, type ProbeKind } from '../../server/src/checks/probes.ts';
import type { Tunnel } from '../../server/src/sandbox/tunnel.ts';
import { checkKindSchema } from '#protocol/checks.ts';

/** A tunnel to a fake server: `answer` gets what the probe sent and may push bytes back or end the stream. */
function fakeTunnel(answer: (sent: string, reply: (text: string | null) => void) => void): Tunnel & { sent: string[] } {
  const sent: string[] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      sent.push(chunk.toString('utf8'));
      answer(chunk.toString('utf8'), (text) => stream.push(text === null ? null : Buffer.from(text, 'utf8')));
      done();
    },
  });
  return {
    sent,
    stream,
    closed: Promise.resolve(),
    failure: async () => '',
    close: async () => {
      stream.destroy();
    },
  };
}

const LIMITS = { timeoutMs: 2000, readBytes: 1024, quietMs: 50 };
const tcp = checkKindSchema.parse({
  kind: 'tcp-probe',
  port: 2333,
  send: 'socket lab check',
  expect: 'SOCKET LAB CHECK',
});
const http = checkKindSchema.parse({ kind: 'http-probe', port: 8000, contentLength: true, body: 'hello' });

describe('probes of a learner server', () => {
  test('a TCP probe passes on the expected answer, sent in pieces', async () => {
    const tunnel = fakeTunnel((sent, reply) => {
      reply(`服务端已收到: ${sent.slice(0, 7).toUpperCase()}`);
      setTimeout(() => reply(sent.slice(7).toUpperCase()), 10);
    });
    assert.equal(await runProbe(tunnel, tcp as ProbeKind, LIMITS), 'passed');
    assert.deepEqual(tunnel.sent, ['socket lab check']);
  });

  test('a wrong answer ends the probe after a short quiet, without waiting for the time limit', async () => {
    const started = Date.now();
    const tunnel = fakeTunnel((sent, reply) => reply(`服务端已收到: ${sent}`));
    assert.equal(await runProbe(tunnel, tcp as ProbeKind, LIMITS), 'answered');
    assert.ok(Date.now() - started < LIMITS.timeoutMs, 'ended by the quiet, not the time limit');
  });

  test('no answer at all is "silent" (worth another try later), whether the server closes or stays mute', async () => {
    assert.equal(
      await runProbe(
        fakeTunnel((_s, reply) => reply(null)),
        tcp as ProbeKind,
        LIMITS,
      ),
      'silent',
    );
    const mute = { ...LIMITS, timeoutMs: 100 };
    assert.equal(
      await runProbe(
        fakeTunnel(() => {}),
        tcp as ProbeKind,
        mute,
      ),
      'silent',
    );
  });

  test('an HTTP probe passes on a complete response with Content-Length, and not on one ended by a close', async () => {
    const good = fakeTunnel((_s, reply) => reply('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'));
    assert.equal(await runProbe(good, http as ProbeKind, LIMITS), 'passed');
    assert.match(good.sent.join(''), /^GET \/ HTTP\/1\.1\r\nHost: 127\.0\.0\.1:8000\r\n/);
    const closing = fakeTunnel((_s, reply) => {
      reply('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello');
      reply(null);
    });
    assert.equal(await runProbe(closing, http as ProbeKind, LIMITS), 'answered');
    const wrongBody = fakeTunnel((_s, reply) => reply('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nbye'));
    assert.equal(await runProbe(wrongBody, http as ProbeKind, LIMITS), 'answered');
    const notFound = fakeTunnel((_s, reply) => reply('HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nhello'));
    assert.equal(await runProbe(notFound, http as ProbeKind, LIMITS), 'answered');
  });
});
