/**
 * Running a lesson's lab the way its page does: its commands by what they run (not by menu position), and waiting
 * on what a learner would watch for.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LabSocket } from '../../src/components/lab/lab-socket.ts';
import { plain, PROJECT_ROOT, type TerminalProbe } from './lab-harness.ts';

/** A lookup of lab `labId`'s command menus: the index of `run` in a terminal's menu, as the Run button sends it. */
export function commandsOf(labId: string): (terminal: string, run: string) => number {
  const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'examples', labId, 'lab.json'), 'utf8')) as {
    terminals: { id: string; commands?: { run: string }[] }[];
  };
  return (terminal, run) => {
    const index = manifest.terminals.find((t) => t.id === terminal)?.commands?.findIndex((c) => c.run === run) ?? -1;
    assert.notEqual(index, -1, `lab.json has no command "${run}" in ${terminal}`);
    return index;
  };
}

/** Resolves once the command started after this call has run and the prompt is back. */
export function finished(probe: TerminalProbe, timeoutMs = 30_000): Promise<void> {
  let ran = false;
  return probe.until(
    () => {
      ran ||= probe.status === 'running';
      return ran && probe.status === 'idle';
    },
    `the command in ${probe.id} to finish`,
    timeoutMs,
  );
}

/** What the terminal shows from now on: earlier output does not count. */
export function from(probe: TerminalProbe) {
  const start = probe.text.length;
  const text = () => plain(probe.text.slice(start));
  return {
    text,
    wait: (pattern: RegExp, timeoutMs = 20_000) =>
      probe.until(() => pattern.test(text()), `${probe.id} to show ${String(pattern)}`, timeoutMs),
  };
}

/** Ctrl-C, if something runs, and the prompt back. */
export async function stop(socket: LabSocket, probe: TerminalProbe): Promise<void> {
  if (probe.status !== 'running') return;
  socket.signal(probe.id, 'SIGINT');
  await probe.waitForStatus('idle');
}

/** Waits until something listens on 127.0.0.1:`port` (the note's server prints nothing when it starts). */
export async function listening(shell: TerminalProbe, port = 2333): Promise<void> {
  const check = `ss -Htln 'sport = :${port}' | grep -q LISTEN`;
  const { code } = await shell.exec(`for i in $(seq 50); do ${check} && break; sleep 0.1; done; ${check}`);
  assert.equal(code, 0, `nothing listens on ${port}`);
}

/** Waits for `pattern` in what `probe` shows from now on; each wait returns all it showed since. */
export function watch(probe: TerminalProbe): (pattern: RegExp) => Promise<string> {
  const view = from(probe);
  return async (pattern) => {
    await view.wait(pattern);
    return view.text();
  };
}

/** Waits for `pattern` in what the terminal printed after `offset` (an index into its text), escapes stripped. */
export function waitAfter(probe: TerminalProbe, offset: number, pattern: RegExp, timeoutMs?: number): Promise<void> {
  const what = `${probe.id} to print ${String(pattern)}`;
  return probe.until(() => pattern.test(plain(probe.text.slice(offset))), what, timeoutMs);
}

/** Waits until the command started by Run has ended, and checks it ended with `code`. */
export async function waitForExit(probe: TerminalProbe, code: number, timeoutMs?: number): Promise<void> {
  await probe.until(() => probe.status === 'idle', `${probe.id} to finish`, timeoutMs);
  assert.equal(probe.exitCode, code, `${probe.id} exit status`);
}

/** Presses Run for command `index` and waits for the program to end; returns what it printed. */
export async function runToEnd(socket: LabSocket, probe: TerminalProbe, index: number): Promise<string> {
  const start = probe.text.length;
  await probe.waitForStatus('idle');
  socket.run(probe.id, index);
  await probe.waitForStatus('running');
  await probe.waitForStatus('idle');
  return plain(probe.text.slice(start));
}
