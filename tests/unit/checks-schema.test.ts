import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checksSchema } from '#protocol/checks.ts';
import { parseWithFriendlyErrors } from '#protocol/errors.ts';
import { labManifestSchema } from '#protocol/lab-manifest.ts';

const words = (en: string) => ({ 'zh-CN': `中文 ${en}`, en });
const check = (id: string, when: unknown[]) => ({ id, title: words(id), hint: words(`hint ${id}`), when });
const terminals = [{ id: 't1', title: words('server') }];

function refused(value: unknown): string {
  const parsed = parseWithFriendlyErrors(labManifestSchema, { terminals, checks: value });
  if (parsed.ok) assert.fail(`expected ${JSON.stringify(value)} to be refused`);
  return parsed.error;
}

describe('lab.json checks', () => {
  test('every kind of condition parses, with its defaults', () => {
    const parsed = labManifestSchema.parse({
      terminals,
      checks: [
        check('listen', [{ kind: 'listening', port: 2333, address: '127.0.0.1' }]),
        check('two', [{ kind: 'connections', port: 2333, min: 2 }]),
        check('said', [{ kind: 'output', terminal: 't1', pattern: '收到.*你好' }]),
        check('file', [{ kind: 'file', path: 'server.py', pattern: '\\.upper\\(\\)', unless: 'TODO' }]),
        check('hash', [{ kind: 'file', path: 'a/b.txt', sha256: 'a'.repeat(64) }]),
        check('upper', [{ kind: 'tcp-probe', port: 2333, send: 'abc\n', expect: 'ABC' }]),
        check('http', [{ kind: 'http-probe', port: 8000, contentLength: true }]),
      ],
    });
    assert.equal(parsed.checks.length, 7);
    assert.deepEqual(parsed.checks[6]?.when[0], {
      kind: 'http-probe',
      port: 8000,
      path: '/',
      status: 200,
      contentLength: true,
    });
  });

  test('a lab without checks has none', () => {
    assert.deepEqual(labManifestSchema.parse({ terminals }).checks, []);
    assert.deepEqual(checksSchema.parse(undefined), []);
  });

  test('bad checks are refused with a line that says where and why', () => {
    assert.match(refused([check('x', [{ kind: 'output', terminal: 't1', pattern: '(' }])]), /regular expression/);
    assert.match(refused([check('x', [{ kind: 'output', terminal: 't9', pattern: 'a' }])]), /names a terminal/);
    assert.match(refused([check('x', [{ kind: 'file', path: '../etc/passwd', pattern: 'a' }])]), /relative/);
    assert.match(refused([check('x', [{ kind: 'file', path: '/etc/passwd', pattern: 'a' }])]), /relative/);
    assert.match(refused([check('x', [{ kind: 'file', path: 'a.py' }])]), /pattern or a sha256/);
    assert.match(refused([check('x', [{ kind: 'listening', port: 70000 }])]), /checks\.0\.when\.0\.port/);
    assert.match(refused([check('x', [])]), /checks\.0\.when/);
    assert.match(refused([check('Bad id', [{ kind: 'listening', port: 1 }])]), /check id/);
    assert.match(refused([check('x', [{ kind: 'smell', port: 1 }])]), /checks\.0\.when\.0\.kind/);
    const twice = check('x', [{ kind: 'listening', port: 1 }]);
    assert.match(refused([twice, twice]), /unique/);
    assert.match(refused([{ ...twice, title: { en: 'only English' } }]), /zh-CN/);
    assert.match(refused(Array.from({ length: 13 }, (_, i) => check(`c${i}`, [{ kind: 'listening', port: 1 }]))), /12/);
  });
});
