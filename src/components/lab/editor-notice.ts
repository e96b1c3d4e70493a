/**
 * The line above the editor that says what needs the learner's attention (the file changed in the workspace, a save
 * refused) with the answers that fit, or just informs; in the learner's language, the backend's own words after.
 */
import type { ErrorCode } from '#protocol/messages.ts';
import { fillIn } from '../ui-strings.ts';
import type { SaveProblem } from './file-client.ts';
import type { LabStringKey, LabStrings } from './lab-strings.ts';
import type { PaneDom } from './pane-dom.ts';
import { find, hookValue, STYLE_HOOKS, type EditorAction } from './selectors.ts';

export type Answer = Extract<EditorAction, 'load-theirs' | 'keep-mine' | 'save-again' | 'close-file'>;
export type Tone = 'warning' | 'info';

const ANSWERS: readonly Answer[] = ['load-theirs', 'keep-mine', 'save-again', 'close-file'];

export class EditorNotice {
  readonly #box: HTMLElement;
  readonly #strings: LabStrings;

  constructor(dom: PaneDom, strings: LabStrings, onAnswer: (answer: Answer) => void) {
    this.#box = dom.element(find('notice'));
    this.#strings = strings;
    for (const answer of ANSWERS) {
      dom.on(dom.element(find('action', answer)), 'click', () => onAnswer(answer));
    }
  }

  /** Says `key` (about `path`), with the answers the learner can give. */
  ask(key: LabStringKey, path: string, answers: readonly Answer[], tone: Tone = 'warning'): void {
    this.#show(fillIn(this.#strings[key], { path }), answers, tone);
  }

  /** The backend refused a request (about `path`). */
  refused(code: ErrorCode, message: string, path: string | undefined): void {
    this.#show(refusalText(this.#strings, code, message, path), []);
  }

  /** A save not sent: the path is not one, or the text is over the file limit. */
  cannotSave(problem: SaveProblem): void {
    const strings = this.#strings;
    if (problem.kind === 'too-large') this.#show(fillIn(strings['lab.fileTooLarge'], problem), []);
    else this.#show(`${strings['lab.fileError.bad-path']} (${problem.detail})`, []);
  }

  hide(): void {
    this.#box.hidden = true;
  }

  #show(text: string, answers: readonly Answer[], tone: Tone = 'warning'): void {
    this.#box.setAttribute(STYLE_HOOKS.state, tone);
    (this.#box.querySelector(find('note')) as HTMLElement).textContent = text;
    for (const button of this.#box.querySelectorAll<HTMLElement>(find('action'))) {
      button.hidden = !answers.includes(hookValue(button, 'action') as Answer);
    }
    this.#box.hidden = false;
  }
}

/** Refusals the learner gets explained in their language; the backend's own words follow in brackets. */
const EXPLAINED = ['bad-path', 'not-found', 'not-a-file', 'not-text', 'too-large'] as const;

/** What the notice says when the backend refused a request about `path`. */
function refusalText(strings: LabStrings, code: ErrorCode, message: string, path = ''): string {
  const reason = strings[`lab.fileError.${EXPLAINED.find((known) => known === code) ?? 'other'}`];
  return `${fillIn(strings['lab.fileFailed'], { path, reason })} (${message})`;
}
