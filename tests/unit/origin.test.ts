import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { originPolicy } from '../../server/src/http/origin.ts';

/** A request as the policy sees it: its headers and the local port it arrived at. */
function request(headers: Record<string, string>, localPort = 4321): IncomingMessage {
  return { headers, socket: { localPort } } as unknown as IncomingMessage;
}

const loopback = originPolicy({
  listenHost: '127.0.0.1',
  machineNames: ['lab-host', '192.168.1.20'],
  extraOrigins: [],
});
const classroom = originPolicy({
  listenHost: '0.0.0.0',
  machineNames: ['lab-host', '192.168.1.20', 'fe80::1'],
  extraOrigins: [],
});

describe('originPolicy', () => {
  test('pages of this lab, by any loopback name, on the port the request came to', () => {
    for (const origin of ['http://localhost:4321', 'http://127.0.0.1:4321', 'http://[::1]:4321']) {
      assert.equal(loopback.allows(request({ origin })), true, origin);
    }
  });

  test('other ports, other schemes and other sites are refused', () => {
    for (const origin of [
      'http://localhost:4322',
      'http://localhost',
      'https://localhost:4321',
      'ws://localhost:4321',
      'http://evil.example:4321',
      'http://localhost:4321.evil.example',
      'chrome-extension://localhost:4321',
    ]) {
      assert.equal(loopback.allows(request({ origin })), false, origin);
    }
  });

  test('DNS rebinding: a foreign name is refused even when Host agrees with it', () => {
    assert.equal(loopback.allows(request({ origin: 'http://evil.example:4321', host: 'evil.example:4321' })), false);
    assert.equal(classroom.allows(request({ origin: 'http://evil.example:4321', host: 'evil.example:4321' })), false);
  });

  test("a loopback-only lab does not accept the machine's other names; a classroom lab does", () => {
    assert.equal(loopback.allows(request({ origin: 'http://192.168.1.20:4321' })), false);
    assert.equal(classroom.allows(request({ origin: 'http://192.168.1.20:4321' })), true);
    assert.equal(classroom.allows(request({ origin: 'http://LAB-HOST:4321' })), true);
    assert.equal(classroom.allows(request({ origin: 'http://[fe80::1]:4321' })), true);
    assert.equal(classroom.allows(request({ origin: 'http://192.168.1.21:4321' })), false);
  });

  test('no Origin, an empty one, "null" or file: are refused', () => {
    for (const origin of [undefined, '', 'null', 'file://']) {
      assert.equal(loopback.allows(request(origin === undefined ? {} : { origin })), false, String(origin));
    }
  });

  test('--allowed-origin adds exact origins, whatever port the request came to', () => {
    const proxied = originPolicy({
      listenHost: '127.0.0.1',
      machineNames: [],
      extraOrigins: ['https://lab.example.org', 'http://classroom.local:8080'],
    });
    assert.equal(proxied.allows(request({ origin: 'https://lab.example.org' }, 4321)), true);
    assert.equal(proxied.allows(request({ origin: 'http://classroom.local:8080' }, 4321)), true);
    assert.equal(proxied.allows(request({ origin: 'https://lab.example.org:8443' }, 4321)), false);
    assert.equal(proxied.allows(request({ origin: 'http://classroom.local:8081' }, 4321)), false);
  });
});
