import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inLang, isJoinPage, joinPageFor, joinUrl, pathLang, safeNextPath } from '#protocol/join.ts';

describe('safeNextPath', () => {
  test('keeps paths on this site, with their query', () => {
    assert.equal(safeNextPath('/'), '/');
    assert.equal(safeNextPath('/lessons/01-first-client-server/'), '/lessons/01-first-client-server/');
    assert.equal(safeNextPath('/en/lessons/02-byte-stream/?x=1'), '/en/lessons/02-byte-stream/?x=1');
  });

  test('normalises: dot segments resolved, non-ASCII percent-encoded (a Location header is ASCII)', () => {
    assert.equal(safeNextPath('/a/../lessons/'), '/lessons/');
    assert.equal(safeNextPath('/%2e%2e/lessons/'), '/lessons/');
    assert.equal(safeNextPath('/课/'), '/%E8%AF%BE/');
    assert.equal(safeNextPath('/lessons/#part'), '/lessons/');
  });

  test('refuses anything that could lead off the site, or nowhere useful', () => {
    const refused = [
      undefined,
      null,
      42,
      '',
      'lessons/',
      'https://evil.example/',
      'http:evil.example',
      '//evil.example/',
      '///evil.example/',
      '/\\evil.example/',
      '/..//evil.example/',
      '/.//evil.example/',
      '/a/..//evil.example/',
      '\\\\evil.example',
      '/\tevil',
      '/\nLocation: x',
      'javascript:alert(1)',
      ' /lessons/',
      '/_lab/session',
      '/join/',
      '/en/join/',
      '/join',
      `/${'a'.repeat(3000)}`,
    ];
    for (const value of refused) assert.equal(safeNextPath(value), null, JSON.stringify(value));
  });
});

describe('join pages', () => {
  test('each language has its own; /en is English, the rest the root language', () => {
    assert.equal(pathLang('/en/lessons/01/'), 'en');
    assert.equal(pathLang('/en'), 'en');
    assert.equal(pathLang('/english/'), 'zh-CN');
    assert.equal(pathLang('/lessons/01/'), 'zh-CN');
    assert.equal(joinPageFor('/en/'), '/en/join/');
    assert.equal(joinPageFor('/'), '/join/');
    assert.ok(isJoinPage('/join/') && isJoinPage('/en/join') && !isJoinPage('/join/x'));
  });

  test('joinUrl carries where the learner was going, and why they are back', () => {
    assert.equal(joinUrl('/'), '/join/');
    assert.equal(joinUrl('/lessons/01/'), '/join/?next=%2Flessons%2F01%2F');
    assert.equal(
      joinUrl('/en/lessons/01/', 'wrong-passcode'),
      '/en/join/?next=%2Fen%2Flessons%2F01%2F&error=wrong-passcode',
    );
    assert.equal(joinUrl('//evil.example/', 'class-full'), '/join/?error=class-full');
  });

  test('inLang turns a page into the same page in the other language', () => {
    assert.equal(inLang('/lessons/01/', 'en'), '/en/lessons/01/');
    assert.equal(inLang('/en/lessons/01/', 'zh-CN'), '/lessons/01/');
    assert.equal(inLang('/en/', 'zh-CN'), '/');
    assert.equal(inLang('/en', 'zh-CN'), '/');
    assert.equal(inLang('/', 'en'), '/en/');
    assert.equal(inLang('/en/x/', 'en'), '/en/x/');
    assert.equal(inLang('/x/', 'zh-CN'), '/x/');
  });
});
