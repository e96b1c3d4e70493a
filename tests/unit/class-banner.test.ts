import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, test } from 'node:test';
import { classBanner, classUrls } from '../../server/src/class-banner.ts';

const iface = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null, scopeid: 0 }) as NetworkInterfaceInfo;

const INTERFACES = {
  lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)],
  eth0: [iface('fe80::1', 'IPv6'), iface('2001:db8::5', 'IPv6'), iface('192.168.1.20', 'IPv4')],
  wlan0: [iface('10.0.0.7', 'IPv4')],
};

describe('classUrls', () => {
  test('on 0.0.0.0: every non-loopback IPv4 address', () => {
    assert.deepEqual(classUrls('0.0.0.0', 4321, INTERFACES), ['http://192.168.1.20:4321/', 'http://10.0.0.7:4321/']);
  });

  test('on ::: IPv4 first, then IPv6 in brackets, never link-local', () => {
    assert.deepEqual(classUrls('::', 80, INTERFACES), [
      'http://192.168.1.20:80/',
      'http://10.0.0.7:80/',
      'http://[2001:db8::5]:80/',
    ]);
  });

  test('on one address: that address', () => {
    assert.deepEqual(classUrls('192.168.1.20', 4321, INTERFACES), ['http://192.168.1.20:4321/']);
    assert.deepEqual(classUrls('0.0.0.0', 4321, { lo: INTERFACES.lo }), []);
  });
});

describe('classBanner', () => {
  test('a generated passcode is shown in a box with the addresses', () => {
    const text = classBanner({ passcode: 'abc234xyz9', generated: true, urls: ['http://10.0.0.7:4321/'] });
    const lines = text.split('\n');
    assert.match(text, /Class passcode: abc234xyz9/);
    assert.match(text, /http:\/\/10\.0\.0\.7:4321\//);
    assert.ok(
      lines.every((line) => line.length === lines[0]?.length),
      'a square box',
    );
    assert.match(lines[0] ?? '', /^\+-+\+$/);
  });

  test('a passcode the instructor chose is not repeated', () => {
    const text = classBanner({ passcode: 'secret-one', generated: false, urls: [] });
    assert.doesNotMatch(text, /secret-one/);
    assert.match(text, /--passcode/);
    assert.match(text, /no network address/);
  });
});
