import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { labIdSchema, labManifestSchema, terminalIdSchema } from '#protocol/lab-manifest.ts';

const title = (en: string) => ({ 'zh-CN': `终端 ${en}`, en });

function terminal(id: string, commands: { run: string; label?: unknown }[] = []) {
  return { id, title: title(id), commands };
}

function manifestError(value: unknown): string {
  const result = labManifestSchema.safeParse(value);
  if (result.success) assert.fail(`expected ${JSON.stringify(value)} to be rejected`);
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n');
}

describe('labManifestSchema accepts', () => {
  test('the study note lab: a server and a client terminal with labelled commands', () => {
    const manifest = {
      terminals: [
        {
          id: 'server',
          title: { 'zh-CN': '服务端', en: 'Server' },
          commands: [
            { run: 'python3 server.py', label: { 'zh-CN': 'Python', en: 'Python' } },
            { run: 'node server.ts', label: { 'zh-CN': 'TypeScript', en: 'TypeScript' } },
          ],
        },
        { id: 'client', title: { 'zh-CN': '客户端', en: 'Client' }, commands: [{ run: 'python3 client.py' }] },
      ],
    };
    const result = labManifestSchema.safeParse(manifest);
    assert.ok(result.success, JSON.stringify(result.error?.issues));
    assert.deepEqual(result.data, { ...manifest, panes: [], checks: [] });
  });

  test('browser panes, with the path defaulting to /', () => {
    const result = labManifestSchema.safeParse({
      terminals: [{ id: 't1', title: title('server') }],
      panes: [
        { kind: 'preview', id: 'page', title: title('page'), port: 2333 },
        { kind: 'websocket', id: 'ws', title: title('ws'), port: 8765, path: '/chat?room=1' },
      ],
    });
    assert.ok(result.success, JSON.stringify(result.error?.issues));
    assert.equal(result.data.panes[0]?.path, '/');
    assert.equal(result.data.panes[1]?.path, '/chat?room=1');
  });

  test('a terminal without commands gets an empty list', () => {
    const result = labManifestSchema.safeParse({ terminals: [{ id: 't1', title: title('one') }] });
    assert.ok(result.success);
    assert.deepEqual(result.data.terminals[0]?.commands, []);
  });

  test('eight terminals with eight commands each', () => {
    const commands = Array.from({ length: 8 }, (_, i) => ({ run: `echo ${i}` }));
    const terminals = Array.from({ length: 8 }, (_, i) => terminal(`t${i}`, commands));
    assert.ok(labManifestSchema.safeParse({ terminals }).success);
  });
});

describe('labManifestSchema rejects', () => {
  test('a pane whose id is taken by a terminal, a bad port, or a path that is not a request target', () => {
    const lab = (pane: object) => ({ terminals: [{ id: 't1', title: title('t') }], panes: [pane] });
    const base = { kind: 'preview', id: 'p1', title: title('p'), port: 2333 };
    assert.equal(labManifestSchema.safeParse(lab({ ...base, id: 't1' })).success, false);
    assert.equal(labManifestSchema.safeParse(lab({ ...base, port: 0 })).success, false);
    assert.equal(labManifestSchema.safeParse(lab({ ...base, port: 70000 })).success, false);
    assert.equal(labManifestSchema.safeParse(lab({ ...base, path: 'index.html' })).success, false);
    assert.equal(labManifestSchema.safeParse(lab({ ...base, path: '/a b' })).success, false);
    assert.equal(labManifestSchema.safeParse(lab({ ...base, path: '/\r\nHost: evil' })).success, false);
    assert.equal(labManifestSchema.safeParse(lab({ ...base, kind: 'ftp' })).success, false);
  });

  test('duplicate terminal ids', () => {
    assert.match(manifestError({ terminals: [terminal('t1'), terminal('t2'), terminal('t1')] }), /unique/);
  });

  test('a bad terminal id', () => {
    assert.match(manifestError({ terminals: [terminal('Server')] }), /terminals\.0\.id/);
  });

  test('a command with a newline or carriage return', () => {
    for (const run of ['python3 server.py\nrm -rf ~', 'ls\r', '\n']) {
      assert.match(manifestError({ terminals: [terminal('t1', [{ run }])] }), /one line/, JSON.stringify(run));
    }
  });

  test('an empty or overlong command', () => {
    manifestError({ terminals: [terminal('t1', [{ run: '' }])] });
    manifestError({ terminals: [terminal('t1', [{ run: 'x'.repeat(201) }])] });
  });

  test('a title missing a translation', () => {
    assert.match(manifestError({ terminals: [{ id: 't1', title: { en: 'Server' } }] }), /title\.zh-CN:/);
    assert.match(manifestError({ terminals: [{ id: 't1', title: { 'zh-CN': '服务端' } }] }), /title\.en:/);
  });

  test('a command label missing a translation', () => {
    assert.match(manifestError({ terminals: [terminal('t1', [{ run: 'ls', label: { en: 'List' } }])] }), /zh-CN/);
  });

  test('an empty or unexpected translation', () => {
    manifestError({ terminals: [{ id: 't1', title: { 'zh-CN': '', en: 'Server' } }] });
    manifestError({ terminals: [{ id: 't1', title: { 'zh-CN': '服务端', en: 'Server', fr: 'Serveur' } }] });
  });

  test('more than eight terminals', () => {
    const terminals = Array.from({ length: 9 }, (_, i) => terminal(`t${i}`));
    assert.match(manifestError({ terminals }), /terminals/);
  });

  test('no terminals at all', () => {
    assert.match(manifestError({ terminals: [] }), /terminals/);
    manifestError({});
  });

  test('more than eight commands in a terminal', () => {
    const commands = Array.from({ length: 9 }, (_, i) => ({ run: `echo ${i}` }));
    assert.match(manifestError({ terminals: [terminal('t1', commands)] }), /commands/);
  });

  test('unknown fields', () => {
    assert.match(manifestError({ terminals: [terminal('t1')], image: 'ubuntu' }), /image/);
    assert.match(manifestError({ terminals: [{ ...terminal('t1'), shell: '/bin/sh' }] }), /shell/);
  });
});

describe('labIdSchema', () => {
  test('accepts "NN-words"', () => {
    for (const id of ['01-first-client-server', '12-http', '99-a1-b2']) {
      assert.ok(labIdSchema.safeParse(id).success, id);
    }
  });

  test('rejects anything else', () => {
    for (const id of [
      '',
      '1-x',
      '001-x',
      '01',
      '01-',
      '01-X',
      '01_x',
      '01--x',
      '01-x-',
      'ab-cd',
      '01-x/../y',
      '01-x\n',
    ]) {
      assert.equal(labIdSchema.safeParse(id).success, false, JSON.stringify(id));
    }
  });
});

describe('terminalIdSchema', () => {
  test('accepts a lowercase letter then up to 15 of [a-z0-9-]', () => {
    for (const id of ['t', 't1', 'server', 'client-2', `a${'b'.repeat(15)}`]) {
      assert.ok(terminalIdSchema.safeParse(id).success, id);
    }
  });

  test('rejects anything else', () => {
    for (const id of ['', '1t', '-t', 'T1', 't_1', 't 1', 't.1', `a${'b'.repeat(16)}`, 'tëst', 't1\n']) {
      assert.equal(terminalIdSchema.safeParse(id).success, false, JSON.stringify(id));
    }
  });
});
