/**
 * When the editor pane writes its draft (editor-drafts.ts): a short pause after typing stops, not on every keystroke,
 * and at once when the page goes away (a reload or a closed tab does not wait for the pause) or the pane asks for it.
 * What is written, and whether, stays the pane's: it knows the file and its state.
 */
import type { PaneDom } from './pane-dom.ts';

/** How long typing pauses before the draft is written to the browser's storage. */
const DRAFT_DELAY_MS = 300;

export class DraftWriter {
  readonly #write: () => void;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(dom: PaneDom, write: () => void) {
    this.#write = write;
    const flush = () => this.flush();
    window.addEventListener('pagehide', flush);
    dom.onDispose(() => window.removeEventListener('pagehide', flush));
  }

  /** The text changed: written once typing pauses. */
  soon(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.flush(), DRAFT_DELAY_MS);
  }

  /** Written now, and not again when the pause would have ended. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#write();
  }
}
