/**
 * What a runnable snippet in the lesson's text does to its terminal (the button the remark step in
 * src/markdown/run-snippets.ts puts under a command): type the command and press Enter if the shell waits at its
 * prompt; refuse, saying why, if a program runs there, unless the snippet is the interrupting kind, which sends
 * Ctrl-C first and types once the prompt is back. The terminal's status comes from the shell's own marks
 * (status-tracker on the backend), so "busy" means a command really runs there.
 */
import { z } from 'zod';
import { labCommandSchema, terminalIdSchema } from '#protocol/lab-manifest.ts';
import type { TerminalStatus } from '#protocol/messages.ts';

/** What the page's markup asks for: validated here, as the attributes are input like any other. */
export const snippetRequestSchema = z.strictObject({
  terminal: terminalIdSchema,
  command: labCommandSchema.shape.run,
  kind: z.enum(['type', 'interrupt']),
});
export type SnippetRequest = z.infer<typeof snippetRequestSchema>;

export type SnippetOutcome = 'typed' | 'busy' | 'not-ready' | 'exited';

/** A terminal as a snippet sees it (TerminalPane is one). */
export interface SnippetTarget {
  /** null until the terminal is attached and has said. */
  readonly status: TerminalStatus | null;
  /** Calls `listener` on every change of status until the returned function is called. */
  onStatus(listener: (status: TerminalStatus) => void): () => void;
  /** Types `text` as if from the keyboard. */
  type(text: string): void;
  /** Ctrl-C to what runs there. */
  interrupt(): void;
}

export interface SnippetWaits {
  /** How long a terminal still starting (or a lab still connecting) is waited for. */
  readyMs: number;
  /** How long an interrupted program has to give the prompt back before the snippet gives up as busy. */
  interruptMs: number;
}

export const SNIPPET_WAITS: SnippetWaits = { readyMs: 15_000, interruptMs: 3_000 };

/** The status once `done` says so, or whatever it is after `timeoutMs`. */
function statusWhen(
  target: SnippetTarget,
  done: (status: TerminalStatus | null) => boolean,
  timeoutMs: number,
): Promise<TerminalStatus | null> {
  if (done(target.status)) return Promise.resolve(target.status);
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      stop();
      resolve(target.status);
    };
    const timer = setTimeout(finish, timeoutMs);
    const stop = target.onStatus((status) => {
      if (done(status)) finish();
    });
  });
}

const settled = (status: TerminalStatus | null) => status !== null && status !== 'starting';

export async function runSnippet(
  target: SnippetTarget,
  command: string,
  interrupting: boolean,
  waits: SnippetWaits = SNIPPET_WAITS,
): Promise<SnippetOutcome> {
  let status = await statusWhen(target, settled, waits.readyMs);
  if (status === 'running') {
    if (!interrupting) return 'busy';
    target.interrupt();
    status = await statusWhen(target, (s) => s !== 'running', waits.interruptMs);
  }
  switch (status) {
    case 'idle':
      target.type(`${command}\r`);
      return 'typed';
    case 'running':
      return 'busy';
    case 'exited':
      return 'exited';
    default:
      return 'not-ready';
  }
}
