/**
 * The line above the editor that says what needs the learner's attention (the file changed in the workspace, a save
 * refused) with the answers that fit, or just informs.
 */
import type { PaneDom } from './pane-dom.ts';
import { find, hookValue, STYLE_HOOKS, type EditorAction } from './selectors.ts';

export type Answer = Extract<EditorAction, 'load-theirs' | 'keep-mine' | 'save-again' | 'close-file'>;
export type Tone = 'warning' | 'info';

const ANSWERS: readonly Answer[] = ['load-theirs', 'keep-mine', 'save-again', 'close-file'];

export class EditorNotice {
  readonly #box: HTMLElement;

  constructor(dom: PaneDom, onAnswer: (answer: Answer) => void) {
    this.#box = dom.element(find('notice'));
    for (const answer of ANSWERS) {
      dom.on(dom.element(find('action', answer)), 'click', () => onAnswer(answer));
    }
  }

  show(text: string, answers: readonly Answer[], tone: Tone = 'warning'): void {
    this.#box.setAttribute(STYLE_HOOKS.state, tone);
    (this.#box.querySelector(find('note')) as HTMLElement).textContent = text;
    for (const button of this.#box.querySelectorAll<HTMLElement>(find('action'))) {
      button.hidden = !answers.includes(hookValue(button, 'action') as Answer);
    }
    this.#box.hidden = false;
  }

  hide(): void {
    this.#box.hidden = true;
  }
}
