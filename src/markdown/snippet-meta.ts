/**
 * The syntax of a runnable snippet, as a lesson's author writes it: a code block whose meta names the lab's terminal,
 *
 *     ```sh run=t1
 *     python3 server.py
 *     ```
 *
 * and, for a command that should first stop what runs there (Ctrl-C), `run=t1 interrupt`. Parsed and checked here
 * against the lesson's lab.json, so that a terminal that is not there, or a command the lab could not type, fails the
 * build with the file and the line.
 */
import type { LabManifest } from '#protocol/lab-manifest.ts';
import { labCommandSchema } from '#protocol/lab-manifest.ts';
import type { SnippetKind } from '../components/lab/selectors.ts';

export interface SnippetMeta {
  terminal: string;
  kind: SnippetKind;
  /** The rest of the meta, for the code block's own renderer (a title, say). */
  rest: string;
}

const RUN = /(?:^|\s)run=(?:"([^"]*)"|(\S*))/;
const INTERRUPT = /(?:^|\s)interrupt(?=\s|$)/;

/** The snippet a code block's meta asks for, or null if it is an ordinary code block. */
export function parseSnippetMeta(meta: string | null | undefined): SnippetMeta | null {
  const run = meta ? RUN.exec(meta) : null;
  if (!meta || !run) return null;
  const interrupting = INTERRUPT.test(meta.replace(RUN, ' '));
  const rest = meta.replace(RUN, ' ').replace(INTERRUPT, ' ').replace(/\s+/g, ' ').trim();
  return { terminal: run[1] ?? run[2] ?? '', kind: interrupting ? 'interrupt' : 'type', rest };
}

/** What is wrong with a snippet of command `command` for lab `labId`, or null if the lab can run it. */
export function snippetProblem(
  snippet: SnippetMeta,
  command: string,
  labId: string | undefined,
  manifest: LabManifest | undefined,
): string | null {
  if (!labId || !manifest) return 'a runnable snippet needs a lab: the lesson has no `lesson.lab` in its frontmatter';
  if (!manifest.terminals.some((t) => t.id === snippet.terminal)) {
    const known = manifest.terminals.map((t) => t.id).join(', ');
    return `lab ${labId} has no terminal "${snippet.terminal}" (it has ${known})`;
  }
  const typed = labCommandSchema.shape.run.safeParse(command);
  if (!typed.success) return `a snippet is one command line of 1 to 200 characters: ${JSON.stringify(command)}`;
  return null;
}
