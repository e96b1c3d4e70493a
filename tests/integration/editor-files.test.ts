/**
 * The editor's files, against the real backend, sandbox and store: list, open, save (a terminal and the store see
 * it), a change from a terminal pushed to the page, a stale save refused, reset to the original; and every bad input
 * refused with a clear error, changing nothing, while the lab keeps serving.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { FILES } from '#protocol/limits.ts';
import type { LabSocket } from '../../src/components/lab/lab-socket.ts';
import { fixtureExamples, FIXTURE_LAB } from '../support/fixture-lab.ts';
import { FilesProbe, type FileRefusal } from '../support/files-probe.ts';
import {
  labSocket,
  newLearnerCookie,
  probesAtPrompt,
  startTestLab,
  type TerminalProbe,
  type TestLab,
} from '../support/lab-harness.ts';
import { eventually } from '../support/waiters.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('the editor’s files', () => {
  let examples: Awaited<ReturnType<typeof fixtureExamples>>;
  let lab: TestLab;
  let cookie: string;
  let socket: LabSocket;
  let files: FilesProbe;
  let t1: TerminalProbe;

  before(async () => {
    examples = await fixtureExamples();
    lab = await startTestLab(['--examples-dir', examples.dir]);
    cookie = await newLearnerCookie(lab);
    let probe: FilesProbe | null = null;
    socket = labSocket(lab, FIXTURE_LAB, cookie, { onError: (code, message) => probe?.socketError(code, message) });
    files = probe = new FilesProbe(socket);
    [t1] = await probesAtPrompt(socket, ['t1']);
  });

  after(async () => {
    await lab?.close();
    await examples?.remove();
  });

  /** The learner's saved work for the fixture lab, path -> text. */
  const stored = () =>
    new Map(
      lab.site.lab.store.work
        .list(cookie.split('=')[1] as string, FIXTURE_LAB)
        .map((f) => [f.path, f.deleted ? null : f.content.toString('utf8')]),
    );

  async function open(path: string): Promise<{ text: string; version: string }> {
    const from = files.messages.length;
    files.client.open(path);
    return files.next('file', from, (m) => m.path === path);
  }

  /** Sends `send`, and returns the refusal it gets (failing if the backend answers with anything but one). */
  async function refused(send: () => void): Promise<FileRefusal> {
    const [messages, errors] = [files.messages.length, files.errors.length];
    send();
    const refusal = await files.refusal(errors);
    // Word of the home's changes may come meanwhile; an answer must not.
    const answers = files.messages.slice(messages).filter((m) => m.type !== 'files' && m.type !== 'file-changed');
    assert.deepEqual(answers, [], 'a refused request got an answer too');
    return refusal;
  }

  const cat = async (path: string) => (await t1.exec(`cat ${path}`)).output;

  test('lists the home, the lesson’s files first', async () => {
    await t1.exec('echo "mine" > a-note.txt');
    const from = files.messages.length;
    files.client.list();
    const { files: list } = await files.next('files', from);
    assert.deepEqual(
      list.map((f) => [f.path, f.original]),
      [
        ['echo_server.py', true],
        ['send.py', true],
        ['a-note.txt', false],
      ],
    );
    assert.equal(list[2]?.size, 5);
  });

  test('opens a file with its version, saves it: a terminal and the store see the save at once', async () => {
    const { text, version } = await open('send.py');
    assert.match(text, /create_connection/);
    assert.equal(version, sha256(text));

    const changed = `${text}print("你好，编辑器")\n`;
    const from = files.messages.length;
    assert.equal(files.client.save('send.py', changed, version), null);
    const saved = await files.next('file-saved', from);
    assert.equal(saved.version, sha256(changed));
    assert.match(await cat('send.py'), /print\("你好，编辑器"\)/);
    // The save asks WorkSync to keep it now, not at its next look in a few seconds.
    await eventually(() => stored().get('send.py') === changed, 'the save in the store', 1500);
    assert.equal((await open('send.py')).text, changed);
  });

  test('a file bigger than one message is saved in parts, up to the limit', async () => {
    const line = '# 中文和 ASCII 混在一起的一行注释，让 UTF-8 比 UTF-16 长\n';
    const text = line.repeat(Math.floor(FILES.maxBytes / Buffer.byteLength(line)));
    assert.ok(text.length > FILES.saveChunkChars * 4, 'the text needs several parts');
    const from = files.messages.length;
    assert.equal(files.client.save('big-note.py', text, null), null);
    const saved = await files.next('file-saved', from, (m) => m.path === 'big-note.py');
    assert.equal(saved.version, sha256(text));
    assert.match((await t1.exec('wc -c < big-note.py')).output, new RegExp(`^${Buffer.byteLength(text)}$`, 'm'));
    await t1.exec('rm big-note.py');
  });

  test('a change from a terminal is pushed to the page, and a save from the old version is refused', async () => {
    const before = await open('echo_server.py');
    const from = files.messages.length;
    await t1.exec("sed -i 's/listening/is listening/' echo_server.py && echo '# from the terminal' >> echo_server.py");
    const pushed = await files.next('file-changed', from, (m) => m.path === 'echo_server.py');
    const now = await open('echo_server.py');
    assert.equal(pushed.version, now.version);
    assert.notEqual(now.version, before.version);
    assert.match(now.text, /# from the terminal/);

    const refusal = await refused(() => files.client.save('echo_server.py', 'print("mine")\n', before.version));
    assert.equal(refusal.code, 'conflict');
    assert.equal(refusal.path, 'echo_server.py');
    assert.match(refusal.message, /changed since it was opened: nothing was saved/);
    assert.match(await cat('echo_server.py'), /# from the terminal/);
  });

  test('a save to a file deleted meanwhile is refused and does not bring it back', async () => {
    await t1.exec('echo "temporary" > gone.txt');
    const { version } = await open('gone.txt');
    await t1.exec('rm gone.txt');
    const refusal = await refused(() => files.client.save('gone.txt', 'back again\n', version));
    assert.equal(refusal.code, 'not-found');
    assert.match(refusal.message, /deleted since it was opened/);
    assert.match((await t1.exec('ls gone.txt 2>&1')).output, /No such file/);
  });

  test('compare and reset: the lesson’s original, and putting it back', async () => {
    let from = files.messages.length;
    files.client.original('echo_server.py');
    const original = await files.next('file-original', from);
    assert.doesNotMatch(original.text, /# from the terminal/);

    from = files.messages.length;
    files.client.reset('echo_server.py');
    const reset = await files.next('file', from, (m) => m.path === 'echo_server.py');
    assert.equal(reset.text, original.text);
    assert.equal(reset.version, sha256(original.text));
    assert.doesNotMatch(await cat('echo_server.py'), /# from the terminal/);
    await eventually(() => !stored().has('echo_server.py'), 'the store to forget the change', 1500);

    const refusal = await refused(() => files.client.reset('a-note.txt'));
    assert.equal(refusal.code, 'no-original');
  });

  describe('bad input gets a clear error and changes nothing', () => {
    before(async () => {
      await t1.exec(
        'ln -s /etc/passwd passwd-link && ln -s /tmp tmp-link && printf "a\\0b" > nul.bin && ' +
          'printf "\\xff\\xfe" > latin.txt && mkdir -p folder && ' +
          `head -c ${FILES.maxBytes + 1} /dev/zero | tr '\\0' x > big.txt`,
      );
    });

    const cases: [what: string, path: string, code: string, message: RegExp][] = [
      ['an absolute path', '/etc/passwd', 'bad-message', /path: not a plain relative path inside the home/],
      ['a path with ..', '../../etc/passwd', 'bad-message', /path: not a plain relative path inside the home/],
      ['a 300-byte name', `${'长'.repeat(100)}.py`, 'bad-message', /path: a name longer than 255 bytes/],
      ['a link to /etc/passwd', 'passwd-link', 'bad-path', /leads outside your home \(to \/etc\/passwd\)/],
      ['a link to /tmp', 'tmp-link/x.py', 'bad-path', /leads outside your home \(to \/tmp\/x\.py\)/],
      ['a binary file', 'nul.bin', 'not-text', /binary file/],
      ['a file that is not UTF-8', 'latin.txt', 'not-text', /not UTF-8/],
      ['a file over 1 MiB', 'big.txt', 'too-large', /the editor opens files up to 1048576/],
      ['a folder', 'folder', 'not-a-file', /not a file/],
      ['a missing file', 'nothing-here.py', 'not-found', /there is no file/],
    ];
    for (const [what, path, code, message] of cases) {
      test(`opening ${what}`, async () => {
        const refusal = await refused(() => files.client.open(path));
        assert.equal(refusal.code, code, refusal.message);
        assert.match(refusal.message, message);
      });
    }

    const saves: [what: string, path: string, text: string, code: string][] = [
      ['an absolute path', '/tmp/x.py', 'x = 1\n', 'bad-message'],
      ['a path with ..', 'folder/../../x.py', 'x = 1\n', 'bad-message'],
      ['a 300-byte name', `${'x'.repeat(300)}.py`, 'x = 1\n', 'bad-message'],
      ['a link to /etc/passwd', 'passwd-link', 'x = 1\n', 'bad-path'],
      ['a link to /tmp', 'tmp-link/x.py', 'x = 1\n', 'bad-path'],
      ['a folder', 'folder/', 'x = 1\n', 'bad-message'],
      ['a new file over a folder', 'folder', 'x = 1\n', 'not-a-file'],
      ['a new file over an existing one', 'nul.bin', 'x = 1\n', 'conflict'],
      ['text with a NUL character', 'new.py', 'a\u0000b', 'not-text'],
      ['text with a lone surrogate', 'new.py', 'a\ud800b', 'bad-message'],
    ];
    for (const [what, path, text, code] of saves) {
      test(`saving ${what}`, async () => {
        // Straight onto the socket: the page's own checks would not send most of these.
        const refusal = await refused(() =>
          socket.sendFile({ type: 'file-save', path, base: null, part: 0, parts: 1, text }),
        );
        assert.equal(refusal.code, code, refusal.message);
      });
    }

    test('saving text over 1 MiB, in too many parts, or in parts out of order', async () => {
      const save = (part: number, parts: number, text: string) =>
        socket.sendFile({ type: 'file-save', path: 'huge.py', base: null, part, parts, text });
      let refusal = await refused(() => save(0, FILES.saveParts + 1, 'x'));
      assert.equal(refusal.code, 'bad-message', 'more parts than a 1 MiB file needs');
      // Each part as long as a part may be, and each a byte longer in UTF-8 than in UTF-16.
      const part = `${'x'.repeat(FILES.saveChunkChars - 1)}é`;
      refusal = await refused(() => {
        for (let i = 0; i < FILES.saveParts; i += 1) save(i, FILES.saveParts, part);
      });
      assert.equal(refusal.code, 'too-large');
      refusal = await refused(() => save(1, 2, 'x'));
      assert.equal(refusal.code, 'bad-message');
      assert.match(refusal.message, /out of order/);
      // Nothing of any of them was written.
      assert.match(
        (await t1.exec('ls huge.py new.py 2>&1')).output,
        /huge\.py'?: No such file[^]*new\.py'?: No such file/,
      );
    });

    test(`more than ${FILES.pendingRequests} requests at once: the rest are refused as busy`, async () => {
      const [messages, errors] = [files.messages.length, files.errors.length];
      const asked = FILES.pendingRequests + 2;
      for (let i = 0; i < asked; i += 1) files.client.open('send.py');
      await files.next('file', messages, (m) => m.path === 'send.py');
      await eventually(
        () =>
          files.messages.slice(messages).filter((m) => m.type === 'file').length + files.errors.length - errors >=
          asked,
        'every request answered or refused',
      );
      const refusals = files.errors.slice(errors);
      assert.ok(refusals.length >= 2 && refusals.every((r) => r.code === 'busy'), JSON.stringify(refusals));
    });

    test('the outside is untouched and the lab still serves', async () => {
      assert.match((await t1.exec('head -1 /etc/passwd')).output, /^learner:/m);
      assert.doesNotMatch((await t1.exec('ls /tmp')).output, /x\.py/);
      assert.equal((await open('send.py')).text.includes('你好，编辑器'), true);
    });
  });
});
