/**
 * Finds the shell's command marks in terminal output: the sandbox's bashrc prints the FinalTerm/VS Code
 * "OSC 133" sequences `ESC ] 133 ; A BEL` (prompt shown), `... ; C BEL` (a command starts) and `... ; D ; <status> BEL`
 * (it ended). They tell the backend whether Run may type a command and what the last one exited with, without
 * guessing from the screen. A mark may be split across two pty reads, so the unfinished tail is carried over.
 * ESC never occurs inside a character of the terminal encodings offered (their trail bytes are >= 0x40), so the
 * bytes can be scanned before decoding.
 */
export type ShellMark = { kind: 'prompt' } | { kind: 'command-start' } | { kind: 'command-end'; exitCode: number };

const INTRO = Buffer.from('\x1b]133;');
const BEL = 0x07;
const ESC = 0x1b;
/** A mark is a handful of bytes; anything longer is not one of ours. */
const MAX_MARK = 32;
const NO_MARKS: readonly ShellMark[] = [];

export class ShellMarkScanner {
  #carry: Buffer | null = null;

  scan(chunk: Buffer): readonly ShellMark[] {
    const data = this.#carry ? Buffer.concat([this.#carry, chunk]) : chunk;
    this.#carry = null;
    // Nearly every chunk has no mark: those allocate nothing here.
    let marks: ShellMark[] | null = null;
    let from = 0;
    for (;;) {
      const at = data.indexOf(INTRO, from);
      if (at === -1) break;
      const bodyStart = at + INTRO.length;
      const end = markEnd(data, bodyStart);
      if (end === 'unfinished') {
        this.#carry = Buffer.from(data.subarray(at));
        return marks ?? NO_MARKS;
      }
      if (end !== 'not-a-mark') {
        const mark = parseMark(data.toString('latin1', bodyStart, end));
        if (mark) (marks ??= []).push(mark);
      }
      from = end === 'not-a-mark' ? bodyStart : end + 1;
    }
    this.#carry = partialIntroAtEnd(data);
    return marks ?? NO_MARKS;
  }
}

/**
 * Where the mark whose body starts at `from` ends (its BEL). A mark is short and contains no ESC: a longer run, or
 * another escape sequence first, means this was not a mark (and the next one is still found).
 */
function markEnd(data: Buffer, from: number): number | 'unfinished' | 'not-a-mark' {
  const limit = Math.min(data.length, from + MAX_MARK);
  for (let i = from; i < limit; i++) {
    if (data[i] === BEL) return i;
    if (data[i] === ESC) return 'not-a-mark';
  }
  return limit === data.length && data.length - from < MAX_MARK ? 'unfinished' : 'not-a-mark';
}

function parseMark(body: string): ShellMark | null {
  if (body === 'A') return { kind: 'prompt' };
  if (body === 'C') return { kind: 'command-start' };
  const ended = /^D;(\d{1,3})$/.exec(body);
  if (ended) return { kind: 'command-end', exitCode: Number(ended[1]) };
  return null;
}

/** The bytes at the end of `data` that could be the start of a mark cut off by the read. */
function partialIntroAtEnd(data: Buffer): Buffer | null {
  for (let at = Math.max(0, data.length - INTRO.length + 1); at < data.length; at++) {
    if (data[at] !== ESC) continue;
    const tail = data.subarray(at);
    if (INTRO.subarray(0, tail.length).equals(tail)) return Buffer.from(tail);
  }
  return null;
}
