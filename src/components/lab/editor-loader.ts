/**
 * CodeMirror for the editor pane, loaded the first time it is wanted: editor-view.ts is imported only then, so a lab
 * that never opens a file never downloads it. Until it arrives the pane's editor area says it is loading; the editor
 * is destroyed with the pane.
 */
import type { EditorHandle, EditorOptions } from './editor-view.ts';
import type { LabStrings } from './lab-strings.ts';
import type { PaneDom } from './pane-dom.ts';
import { find } from './selectors.ts';

export class EditorLoader {
  readonly #dom: PaneDom;
  readonly #options: EditorOptions;
  #loading: Promise<EditorHandle> | null = null;
  #view: EditorHandle | null = null;

  constructor(dom: PaneDom, strings: LabStrings, events: Omit<EditorOptions, 'strings'>) {
    this.#dom = dom;
    this.#options = { strings, ...events };
    dom.onDispose(() => void this.#loading?.then((view) => view.destroy()));
  }

  /** CodeMirror, once loaded. */
  get view(): EditorHandle | null {
    return this.#view;
  }

  /** Starts loading on the first call; every call resolves to the one editor. */
  load(): Promise<EditorHandle> {
    this.#loading ??= (async () => {
      const host = this.#dom.element(find('editorHost'));
      host.textContent = this.#options.strings['lab.editorLoading'];
      const { createEditor } = await import('./editor-view.ts');
      host.replaceChildren();
      this.#view = createEditor(host, this.#options);
      return this.#view;
    })();
    return this.#loading;
  }
}
