/**
 * The editor's header: Save, Compare with the original (a toggle), Reset this file, and the badge that says whether
 * the file shown is saved.
 */
import type { LabStrings } from './lab-strings.ts';
import type { PaneDom } from './pane-dom.ts';
import { find, STYLE_HOOKS, type EditorAction } from './selectors.ts';

export type SaveState = 'saved' | 'unsaved' | 'saving';

export interface BarState {
  /** Requests can go (the workspace has listed its files on this connection). */
  ready: boolean;
  /** A file is shown; its state, and whether it is one of the lesson's (it has an original). */
  file: { state: SaveState; original: boolean } | null;
  comparing: boolean;
}

export class EditorBar {
  readonly #dom: PaneDom;
  readonly #strings: LabStrings;

  constructor(dom: PaneDom, strings: LabStrings, actions: { save(): void; compare(): void; reset(): void }) {
    this.#dom = dom;
    this.#strings = strings;
    dom.on(find('action', 'save'), 'click', () => actions.save());
    dom.on(find('action', 'compare'), 'click', () => actions.compare());
    dom.on(find('action', 'reset-file'), 'click', () => actions.reset());
  }

  render({ ready, file, comparing }: BarState): void {
    this.#button('save').disabled = !ready || !file || file.state === 'saving';
    const compare = this.#button('compare');
    compare.disabled = !ready || !file?.original;
    compare.setAttribute('aria-pressed', String(comparing));
    compare.textContent = this.#strings[comparing ? 'lab.hideCompare' : 'lab.compare'];
    this.#button('reset-file').disabled = !ready || !file?.original;
    const badge = this.#dom.element(find('status'));
    badge.setAttribute(STYLE_HOOKS.state, file?.state === 'unsaved' ? 'running' : 'idle');
    badge.textContent = file ? this.#strings[`lab.${file.state}`] : '';
  }

  #button(action: EditorAction): HTMLButtonElement {
    return this.#dom.element<HTMLButtonElement>(find('action', action));
  }
}
