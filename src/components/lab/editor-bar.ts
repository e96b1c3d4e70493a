/**
 * The editor's header: the file menu (editor-menu.ts), Save, Compare with the original (a toggle), Reset this file,
 * and the badge that says whether the file shown is saved.
 */
import type { FileEntry } from '#protocol/files.ts';
import { fillIn } from '../ui-strings.ts';
import { EditorMenu } from './editor-menu.ts';
import type { LabStrings } from './lab-strings.ts';
import type { PaneDom } from './pane-dom.ts';
import { find, STYLE_HOOKS, type EditorAction } from './selectors.ts';

export type SaveState = 'saved' | 'unsaved' | 'saving';

export interface BarState {
  /** Requests can go (the workspace has listed its files on this connection). */
  ready: boolean;
  /** The home's files, as the workspace last listed them. */
  files: readonly FileEntry[];
  /** The file chosen in the menu: shown, or asked for. */
  selected: string | null;
  /** The files with unsaved changes. */
  unsaved: ReadonlySet<string>;
  /** The file shown, and its state. */
  file: { path: string; state: SaveState } | null;
  comparing: boolean;
}

export interface BarActions {
  open(path: string): void;
  save(): void;
  compare(): void;
  reset(): void;
}

export class EditorBar {
  readonly #dom: PaneDom;
  readonly #strings: LabStrings;
  readonly #menu: EditorMenu;

  constructor(dom: PaneDom, strings: LabStrings, actions: BarActions) {
    this.#dom = dom;
    this.#strings = strings;
    this.#menu = new EditorMenu(dom, strings, (path) => actions.open(path));
    dom.on(find('action', 'save'), 'click', () => actions.save());
    dom.on(find('action', 'compare'), 'click', () => actions.compare());
    dom.on(find('action', 'reset-file'), 'click', () => actions.reset());
  }

  render({ ready, files, selected, unsaved, file, comparing }: BarState): void {
    this.#menu.render(files, selected, unsaved, ready);
    // One of the lesson's files: it has an original to compare with and to reset to.
    const original = file !== null && files.some((f) => f.path === file.path && f.original);
    this.#button('save').disabled = !ready || !file || file.state === 'saving';
    const compare = this.#button('compare');
    compare.disabled = !ready || !original;
    compare.setAttribute('aria-pressed', String(comparing));
    compare.textContent = this.#strings[comparing ? 'lab.hideCompare' : 'lab.compare'];
    this.#button('reset-file').disabled = !ready || !original;
    const badge = this.#dom.element(find('status'));
    badge.setAttribute(STYLE_HOOKS.state, file?.state === 'unsaved' ? 'running' : 'idle');
    badge.textContent = file ? this.#strings[`lab.${file.state}`] : '';
  }

  /** Whether the learner, asked, wants `path` back as the lesson has it. */
  confirmReset(path: string): boolean {
    return window.confirm(fillIn(this.#strings['lab.resetFileConfirm'], { path }));
  }

  #button(action: EditorAction): HTMLButtonElement {
    return this.#dom.element<HTMLButtonElement>(find('action', action));
  }
}
