import assert from 'node:assert/strict';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { isAllowedOrigin } from '../../server/src/http/origin.ts';

const request = (headers: IncomingHttpHeaders): IncomingMessage => ({ headers }) as IncomingMessage;

describe('isAllowedOrigin', () => {
  test('a page of the same host and port is allowed', () => {
    assert.equal(isAllowedOrigin(request({ host: 'localhost:4321', origin: 'http://localhost:4321' }), []), true);
    assert.equal(isAllowedOrigin(request({ host: '192.168.1.20:4321', origin: 'http://192.168.1.20:4321' }), []), true);
    assert.equal(isAllowedOrigin(request({ host: 'lab.example.org', origin: 'https://lab.example.org' }), []), true);
  });

  test('the same host on another port is refused', () => {
    assert.equal(isAllowedOrigin(request({ host: 'localhost:4321', origin: 'http://localhost:4322' }), []), false);
    assert.equal(isAllowedOrigin(request({ host: 'localhost:4321', origin: 'http://localhost' }), []), false);
  });

  test('another host is refused', () => {
    assert.equal(isAllowedOrigin(request({ host: 'localhost:4321', origin: 'http://evil.example:4321' }), []), false);
    assert.equal(
      isAllowedOrigin(request({ host: 'localhost:4321', origin: 'http://localhost:4321.evil.example' }), []),
      false,
    );
  });

  test('a missing Origin header is refused', () => {
    assert.equal(isAllowedOrigin(request({ host: 'localhost:4321' }), []), false);
    assert.equal(isAllowedOrigin(request({ host: 'localhost:4321', origin: '' }), []), false);
  });

  test('the "null" origin is refused', () => {
    assert.equal(isAllowedOrigin(request({ host: 'localhost:4321', origin: 'null' }), []), false);
  });

  test('file: and other non-http origins are refused, even when the host matches', () => {
    assert.equal(isAllowedOrigin(request({ host: 'localhost:4321', origin: 'file://' }), []), false);
    assert.equal(isAllowedOrigin(request({ host: '', origin: 'file://' }), []), false);
    assert.equal(isAllowedOrigin(request({ host: 'localhost:4321', origin: 'ws://localhost:4321' }), []), false);
    assert.equal(
      isAllowedOrigin(request({ host: 'localhost:4321', origin: 'chrome-extension://localhost:4321' }), []),
      false,
    );
  });

  test('a request without a Host header is refused', () => {
    assert.equal(isAllowedOrigin(request({ origin: 'http://localhost:4321' }), []), false);
  });

  test('an origin in the allowed list is allowed from another host', () => {
    const allowed = ['https://lab.example.org', 'http://classroom.local:8080'];
    assert.equal(isAllowedOrigin(request({ host: '10.0.0.5:4321', origin: 'https://lab.example.org' }), allowed), true);
    assert.equal(
      isAllowedOrigin(request({ host: '10.0.0.5:4321', origin: 'http://classroom.local:8080' }), allowed),
      true,
    );
  });

  test('the allowed list is matched exactly, not by prefix or scheme-insensitively', () => {
    const allowed = ['https://lab.example.org'];
    for (const origin of ['https://lab.example.org.evil', 'http://lab.example.org', 'https://lab.example.org:444']) {
      assert.equal(isAllowedOrigin(request({ host: '10.0.0.5:4321', origin }), allowed), false, origin);
    }
  });
});
