/**
 * Runnable snippets: the code-block syntax an author writes, its check against the lesson's lab at build time, and
 * what a snippet does to its terminal in the browser (typed when the shell waits, refused when a program runs, the
 * interrupting kind stopping it first).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TerminalStatus } from '#protocol/messages.ts';
import { labManifestSchema } from '#protocol/lab-manifest.ts';
import { runSnippet, snippetRequestSchema, type SnippetTarget } from '../../src/components/lab/snippet-runner.ts';
import { parseSnippetMeta, snippetProblem } from '../../src/markdown/snippet-meta.ts';

const manifest = labManifestSchema.parse({
  terminals: [
    { id: 't1', title: { 'zh-CN': '服务端', en: 'Server' } },
    { id: 't2', title: { 'zh-CN': '客户端', en: 'Client' } },
  ],
});

describe('the snippet syntax', () => {
  test('a code block with run=<terminal> is a snippet; interrupt makes it the interrupting kind', () => {
    assert.deepEqual(parseSnippetMeta('run=t1'), { terminal: 't1', kind: 'type', rest: '' });
    assert.deepEqual(parseSnippetMeta('run="t2" interrupt'), { terminal: 't2', kind: 'interrupt', rest: '' });
    assert.deepEqual(parseSnippetMeta('interrupt title="x" run=t1'), {
      terminal: 't1',
      kind: 'interrupt',
      rest: 'title="x"',
    });
  });

  test('any other code block is not', () => {
    for (const meta of [undefined, null, '', 'title="run=t1"x', 'rerun=t1', 'interrupt']) {
      const parsed = parseSnippetMeta(meta);
      assert.ok(parsed === null || parsed.terminal !== 't1' || meta === 'title="run=t1"x', String(meta));
    }
    assert.equal(parseSnippetMeta('rerun=t1'), null);
    assert.equal(parseSnippetMeta('interrupt'), null);
  });

  test('is checked against the lab: its terminal, its one line, and the lab itself', () => {
    const ok = parseSnippetMeta('run=t1');
    const typo = parseSnippetMeta('run=t9');
    assert.ok(ok && typo);
    assert.equal(snippetProblem(ok, 'python3 server.py', '01-x', manifest), null);
    assert.match(snippetProblem(typo, 'ls', '01-x', manifest) ?? '', /no terminal "t9" \(it has t1, t2\)/);
    assert.match(snippetProblem(ok, 'ls\nls', '01-x', manifest) ?? '', /one command line/);
    assert.match(snippetProblem(ok, '', '01-x', manifest) ?? '', /one command line/);
    assert.match(snippetProblem(ok, 'x'.repeat(201), '01-x', manifest) ?? '', /one command line/);
    assert.match(snippetProblem(ok, 'ls', undefined, undefined) ?? '', /needs a lab/);
  });
});

/** A terminal as a snippet sees it, whose status the test moves, recording what it was sent. */
class FakeTerminal implements SnippetTarget {
  status: TerminalStatus | null;
  readonly sent: string[] = [];
  /** What the program does on Ctrl-C: stop (the prompt comes back) or carry on. */
  readonly onInterrupt: 'stops' | 'ignores';
  readonly #listeners = new Set<(status: TerminalStatus) => void>();
  constructor(status: TerminalStatus | null, onInterrupt: 'stops' | 'ignores' = 'stops') {
    this.status = status;
    this.onInterrupt = onInterrupt;
  }
  onStatus(listener: (status: TerminalStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  type(text: string): void {
    this.sent.push(text);
  }
  interrupt(): void {
    this.sent.push('^C');
    if (this.onInterrupt === 'stops') queueMicrotask(() => this.become('idle'));
  }
  become(status: TerminalStatus): void {
    this.status = status;
    for (const listener of this.#listeners) listener(status);
  }
  get listening(): number {
    return this.#listeners.size;
  }
}

const quick = { readyMs: 200, interruptMs: 200 };

describe('running a snippet', () => {
  test('types the command and Enter into a shell at its prompt', async () => {
    const terminal = new FakeTerminal('idle');
    assert.equal(await runSnippet(terminal, 'ls -l', false, quick), 'typed');
    assert.deepEqual(terminal.sent, ['ls -l\r']);
  });

  test('refuses a busy terminal and sends it nothing', async () => {
    const terminal = new FakeTerminal('running');
    assert.equal(await runSnippet(terminal, 'ls', false, quick), 'busy');
    assert.deepEqual(terminal.sent, []);
  });

  test('the interrupting kind sends Ctrl-C, waits for the prompt, then types', async () => {
    const terminal = new FakeTerminal('running');
    assert.equal(await runSnippet(terminal, 'node server.ts', true, quick), 'typed');
    assert.deepEqual(terminal.sent, ['^C', 'node server.ts\r']);
    assert.equal(terminal.listening, 0, 'it still listens to the terminal');
  });

  test('a program that ignores Ctrl-C leaves the terminal busy, and nothing is typed into it', async () => {
    const terminal = new FakeTerminal('running', 'ignores');
    assert.equal(await runSnippet(terminal, 'ls', true, quick), 'busy');
    assert.deepEqual(terminal.sent, ['^C']);
    assert.equal(terminal.listening, 0);
  });

  test('waits for a terminal still starting, and gives up on one that never gets ready', async () => {
    const starting = new FakeTerminal(null);
    const run = runSnippet(starting, 'ls', false, { readyMs: 10_000, interruptMs: 10_000 });
    starting.become('starting');
    starting.become('idle');
    assert.equal(await run, 'typed');
    assert.deepEqual(starting.sent, ['ls\r']);

    const never = new FakeTerminal('starting');
    assert.equal(await runSnippet(never, 'ls', false, quick), 'not-ready');
    assert.deepEqual(never.sent, []);
    assert.equal(never.listening, 0);
  });

  test('a shell that has exited is reported, not typed into', async () => {
    const terminal = new FakeTerminal('exited');
    assert.equal(await runSnippet(terminal, 'ls', true, quick), 'exited');
    assert.deepEqual(terminal.sent, []);
  });

  test("the page's markup is checked before anything runs", () => {
    assert.ok(snippetRequestSchema.safeParse({ terminal: 't1', command: 'ls', kind: 'type' }).success);
    for (const bad of [
      { terminal: 'T 1', command: 'ls', kind: 'type' },
      { terminal: 't1', command: 'ls\rrm -rf ~', kind: 'type' },
      { terminal: 't1', command: '', kind: 'type' },
      { terminal: 't1', command: 'ls', kind: 'sudo' },
      { terminal: null, command: null, kind: null },
    ]) {
      assert.equal(snippetRequestSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });
});
