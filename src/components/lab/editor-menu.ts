/**
 * The editor's file menu: the lesson's files, then the learner's own, each marked ● while it has unsaved changes.
 */
import type { FileEntry } from '#protocol/files.ts';
import type { LabStrings } from './lab-strings.ts';
import type { PaneDom } from './pane-dom.ts';
import { find } from './selectors.ts';

const UNSAVED = '● ';

export class EditorMenu {
  readonly #select: HTMLSelectElement;
  readonly #strings: LabStrings;
  #shown = '';

  constructor(dom: PaneDom, strings: LabStrings, onPick: (path: string) => void) {
    this.#select = dom.element<HTMLSelectElement>(find('fileMenu'));
    this.#strings = strings;
    dom.on(this.#select, 'change', () => {
      if (this.#select.value) onPick(this.#select.value);
    });
  }

  render(files: readonly FileEntry[], selected: string | null, unsaved: ReadonlySet<string>, enabled: boolean): void {
    // Called on every keystroke: the options are rebuilt only when something they show changed (which would also
    // close the menu if it were open).
    const key = JSON.stringify([files.map((f) => [f.path, f.original]), selected, [...unsaved].sort(), enabled]);
    if (key === this.#shown) return;
    this.#shown = key;
    const option = (path: string) => {
      const element = document.createElement('option');
      element.value = path;
      element.textContent = unsaved.has(path) ? `${UNSAVED}${path}` : path;
      return element;
    };
    const group = (label: string, entries: readonly FileEntry[]) => {
      const element = document.createElement('optgroup');
      element.label = label;
      element.append(...entries.map((f) => option(f.path)));
      return entries.length ? [element] : [];
    };
    const placeholder = document.createElement('option');
    placeholder.value = '';
    placeholder.textContent = this.#strings['lab.editorPick'];
    placeholder.disabled = true;
    // A file that is open but gone from the home (deleted meanwhile) stays in the menu while it is shown.
    const gone = selected && !files.some((f) => f.path === selected) ? [option(selected)] : [];
    this.#select.replaceChildren(
      placeholder,
      ...group(
        this.#strings['lab.editorLessonFiles'],
        files.filter((f) => f.original),
      ),
      ...group(
        this.#strings['lab.editorOwnFiles'],
        files.filter((f) => !f.original),
      ),
      ...gone,
    );
    this.#select.value = selected ?? '';
    this.#select.disabled = !enabled;
  }
}
