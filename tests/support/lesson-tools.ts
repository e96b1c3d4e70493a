/**
 * Running a lesson's lab the way its page does, and the one way a lesson test sets itself up:
 *
 *     describe('lesson 7: …', () => {
 *       const { t1, t2 } = openLesson('07-socketserver-threads', ['t1', 't2']);
 *       test('…', async () => {
 *         const server = await t1.start('python3 server.py', /正在监听/);
 *         …
 *
 * openLesson starts the backend before the suite's tests, makes a learner (a sandbox of its own), opens the lab
 * socket and waits for every shell's prompt; after the tests it closes them again. Commands are pressed by what they
 * run, as lab.json lists them (not by menu position), and tests wait on what a learner would watch for.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import type { LabSocket } from '../../src/components/lab/lab-socket.ts';
import type { TerminalEncoding } from '#protocol/messages.ts';
import {
  labSocket,
  newLearnerCookie,
  openCapture,
  type PaneProbe,
  PROJECT_ROOT,
  startTestLab,
  TerminalProbe,
  type TestLab,
} from './lab-harness.ts';
import { ChecksProbe } from './checks-probe.ts';
import { sandboxedProcesses } from './host-processes.ts';
import { FilesProbe } from './files-probe.ts';
import { finished, from, type Output } from './terminal-output.ts';

/** The index of the command that runs `run` in `terminal`'s menu, as the Run button sends it. */
export type CommandLookup = (terminal: string, run: string) => number;

/** A lookup of lab `labId`'s command menus; a command lab.json does not have fails the test. */
export function commandsOf(labId: string): CommandLookup {
  const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'examples', labId, 'lab.json'), 'utf8')) as {
    terminals: { id: string; commands?: { run: string }[] }[];
  };
  return (terminal, run) => {
    const index = manifest.terminals.find((t) => t.id === terminal)?.commands?.findIndex((c) => c.run === run) ?? -1;
    assert.notEqual(index, -1, `${labId}/lab.json has no command "${run}" in ${terminal}`);
    return index;
  };
}

/** A terminal of a lesson's lab: a probe that also presses the lab's buttons, its commands named by what they run. */
export class LessonTerminal extends TerminalProbe {
  readonly #command: CommandLookup;

  constructor(command: CommandLookup, id: string, size: TerminalSize = {}) {
    super(null, id, size.cols, size.rows);
    this.#command = command;
  }

  /** Presses Run for the command of this terminal's menu that runs `run`; returns what the terminal shows from now. */
  run(run: string): Output {
    const index = this.#command(this.id, run);
    const shown = from(this);
    this.socket.run(this.id, index);
    return shown;
  }

  /** Runs `run` and waits until it shows `ready` (a server's start-up line, a client's prompt). */
  async start(run: string, ready: RegExp | string, timeoutMs?: number): Promise<Output> {
    const shown = this.run(run);
    await shown.wait(ready, timeoutMs);
    return shown;
  }

  /** Runs `run` once the prompt is there, and waits for it to end; returns what it printed (see exitCode). */
  async runToEnd(run: string, timeoutMs?: number): Promise<string> {
    await this.waitForStatus('idle');
    const done = finished(this, timeoutMs);
    const shown = this.run(run);
    await done;
    return shown.text();
  }

  /** Types `line` and Enter into the program that runs, and waits until it answers with `reply`. */
  ask(line: string, reply: RegExp | string): Promise<string> {
    const shown = from(this);
    this.type(`${line}\r`);
    return shown.wait(reply);
  }

  /** Ctrl-C, as the Stop button sends it; does not wait. */
  interrupt(): void {
    this.socket.signal(this.id, 'SIGINT');
  }

  /**
   * Ctrl-C, if something runs, and the prompt back. Pressed a second time after a few seconds, as a learner would:
   * Python looks for Ctrl-C between bytecodes, so one that lands just before a blocking read (input() right after
   * printing a reply) waits for the read, and the program sits at its prompt (seen in full runs: `^C>>`).
   */
  async stop(): Promise<void> {
    if (this.status !== 'running') return;
    this.interrupt();
    const ended = await this.waitForStatus('idle', 3000).then(
      () => true,
      () => false,
    );
    if (ended) return;
    this.interrupt();
    try {
      await this.waitForStatus('idle');
    } catch (error) {
      // What the processes were doing, when twice Ctrl-C brought no prompt back.
      throw new Error(`${(error as Error).message}\nsandboxed processes:\n${await sandboxedProcesses()}`, {
        cause: error,
      });
    }
  }

  /** Picks the terminal's encoding, as its menu does. */
  setEncoding(encoding: TerminalEncoding): void {
    this.socket.setEncoding(this.id, encoding);
  }

  /** A command typed at the prompt (see TerminalProbe.exec), then the prompt back, so that Run works here again. */
  override async exec(command: string, timeoutMs?: number): Promise<{ output: string; code: number }> {
    const result = await super.exec(command, timeoutMs);
    await this.waitForStatus('idle');
    return result;
  }
}

export interface TerminalSize {
  cols?: number;
  rows?: number;
}

/** One learner's terminals of a lesson's lab, by id, and what goes for all of them. */
export type Lesson<Id extends string> = { readonly [K in Id]: LessonTerminal } & {
  readonly terminals: readonly LessonTerminal[];
  /** Ctrl-C in every terminal that runs something, and every prompt back. */
  stopAll(): Promise<void>;
  /** The lab's checks, as the page sees them. */
  readonly checks: ChecksProbe;
  /** Changes a file of the home the way the editor does (open, then save through the lab socket); its new text. */
  edit(path: string, change: (text: string) => string): Promise<string>;
  /** Opens the lab's wire pane as the page does, and waits until it captures. */
  openWire(): Promise<PaneProbe>;
};

export interface LessonLab {
  /** A learner with terminals `ids`, opened before the tests of the suite this is called in, closed after them. */
  learner<const T extends readonly string[]>(ids: T, size?: TerminalSize): Lesson<T[number]>;
  /** A learner opened now, inside a test, for a test that needs a sandbox of its own; closed with the lab. */
  newLearner<const T extends readonly string[]>(ids: T, size?: TerminalSize): Promise<Lesson<T[number]>>;
}

/** Lesson `labId`'s backend for the suite this is called in: started before its tests, closed after them. */
export function lessonLab(labId: string): LessonLab {
  const command = commandsOf(labId);
  let lab: TestLab | undefined;
  before(async () => {
    lab = await startTestLab();
  });
  after(async () => {
    await lab?.close();
  });

  /** Each learner's lab socket, by its terminals. */
  const sockets = new WeakMap<readonly LessonTerminal[], LabSocket>();
  const make = <T extends readonly string[]>(ids: T, size?: TerminalSize): Lesson<T[number]> => {
    const terminals = ids.map((id) => new LessonTerminal(command, id, size));
    const stopAll = async () => {
      await Promise.all(terminals.map((terminal) => terminal.stop()));
    };
    let files: FilesProbe | null = null;
    const edit = async (file: string, change: (text: string) => string) => {
      const socket = sockets.get(terminals);
      if (!socket) throw new Error('the lesson is not connected yet');
      files ??= new FilesProbe(socket);
      const from = files.messages.length;
      files.client.open(file);
      const opened = await files.next('file', from, (m) => m.path === file);
      const text = change(opened.text);
      // A pattern that no longer matches the lesson's file would save it unchanged and test nothing.
      if (text === opened.text) throw new Error(`the edit left ${file} unchanged`);
      const saving = files.messages.length;
      const problem = files.client.save(file, text, opened.version);
      if (problem) throw new Error(`${file} not saved: ${JSON.stringify(problem)}`);
      await files.next('file-saved', saving, (m) => m.path === file);
      return text;
    };
    const openWire = () => {
      const socket = sockets.get(terminals);
      if (!socket) throw new Error('the lesson is not connected yet');
      return openCapture(socket);
    };
    return {
      ...Object.fromEntries(ids.map((id, i) => [id, terminals[i]])),
      terminals,
      stopAll,
      checks: new ChecksProbe(),
      edit,
      openWire,
    } as Lesson<T[number]>;
  };
  /** A new learner's lab socket, its checks heard, every terminal attached and at its prompt. */
  const connect = async (lesson: Lesson<string>): Promise<LabSocket> => {
    if (!lab) throw new Error(`the ${labId} lab is not started yet: open a learner inside a test or a hook`);
    const socket = labSocket(lab, labId, await newLearnerCookie(lab));
    sockets.set(lesson.terminals, socket);
    lesson.checks.listen(socket);
    for (const terminal of lesson.terminals) terminal.connect(socket);
    await Promise.all(lesson.terminals.map((terminal) => terminal.waitForStatus('idle')));
    return socket;
  };

  return {
    learner(ids, size) {
      const lesson = make(ids, size);
      let socket: LabSocket | undefined;
      before(async () => {
        socket = await connect(lesson);
      });
      after(() => socket?.close());
      return lesson;
    },
    async newLearner(ids, size) {
      const lesson = make(ids, size);
      await connect(lesson);
      return lesson;
    },
  };
}

/** Lesson `labId`'s backend and one learner with terminals `ids`, for the tests of the suite this is called in. */
export function openLesson<const T extends readonly string[]>(
  labId: string,
  ids: T,
  size?: TerminalSize,
): Lesson<T[number]> {
  return lessonLab(labId).learner(ids, size);
}
