/**
 * "Compare with the original": on or off for the file in the editor. Turning it on asks the workspace for the
 * lesson's original, which the editor shows beside the learner's text when it arrives; a file switch turns it off.
 */
import type { EditorHandle } from './editor-view.ts';
import type { FileClient } from './file-client.ts';

export class EditorCompare {
  #on = false;
  readonly #client: FileClient;
  readonly #view: () => EditorHandle | null;

  constructor(client: FileClient, view: () => EditorHandle | null) {
    this.#client = client;
    this.#view = view;
  }

  get on(): boolean {
    return this.#on;
  }

  toggle(path: string): void {
    this.#on = !this.#on;
    if (this.#on) this.#client.original(path);
    else void this.#view()?.compare(null);
  }

  stop(): void {
    if (!this.#on) return;
    this.#on = false;
    void this.#view()?.compare(null);
  }

  /** The original arrived: shown if comparing is still on. */
  original(text: string): void {
    if (this.#on) void this.#view()?.compare(text);
  }
}
