/**
 * What a lesson's terminal shows, and waiting on it the way a learner watches: output from a moment on, a command's
 * end and exit status, and `ss` in a shell until it shows a socket.
 */
import assert from 'node:assert/strict';
import { plain, type TerminalProbe } from './lab-harness.ts';
import { eventually } from './waiters.ts';

/** What a terminal shows from one moment on, escapes stripped: earlier output does not count. */
export interface Output {
  text(): string;
  /** Waits until the output shows `pattern`; resolves with all of it so far. */
  wait(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
}

/** What `probe` shows from now on. */
export function from(probe: TerminalProbe): Output {
  const start = probe.text.length;
  const text = () => plain(probe.text.slice(start));
  const shows = (pattern: RegExp | string) =>
    typeof pattern === 'string' ? text().includes(pattern) : pattern.test(text());
  return {
    text,
    async wait(pattern, timeoutMs = 20_000) {
      await probe.until(() => shows(pattern), `${probe.id} to show ${String(pattern)}`, timeoutMs);
      return text();
    },
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

/** Waits until the command that runs has ended, and checks it ended with `code`. */
export async function waitForExit(probe: TerminalProbe, code: number, timeoutMs?: number): Promise<void> {
  await probe.until(() => probe.status === 'idle', `${probe.id} to finish`, timeoutMs);
  assert.equal(probe.exitCode, code, `${probe.id} exit status`);
}

/** Runs `ss ssArgs` in `shell` until its output matches `pattern`; returns that output, the prompt back. */
export async function ssShows(
  shell: TerminalProbe,
  ssArgs: string,
  pattern: RegExp,
  what: string,
  timeoutMs = 10_000,
): Promise<string> {
  let output = '';
  const shows = async () => pattern.test((output = (await shell.exec(`ss ${ssArgs}`)).output));
  await eventually(shows, () => `ss ${ssArgs} to show ${what}; it shows:\n${output}`, timeoutMs);
  await shell.waitForStatus('idle');
  return output;
}

/**
 * Waits until something listens on 127.0.0.1:`port` (a note's server prints nothing when it starts), asking `ss` in
 * `shell`; if nothing does, the failure shows what `server` printed.
 */
export async function listening(shell: TerminalProbe, server?: TerminalProbe, port = 2333): Promise<void> {
  try {
    await ssShows(shell, `-Htln 'sport = :${port}'`, /LISTEN/, `a socket listening on ${port}`);
  } catch (error) {
    if (!server) throw error;
    assert.fail(`${(error as Error).message}\n${server.id} shows:\n${plain(server.text).slice(-2000)}`);
  }
}
