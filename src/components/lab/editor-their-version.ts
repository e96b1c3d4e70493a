/**
 * The workspace's version of the open file when the learner has edits it would overwrite: fetched without being
 * shown, then offered in the notice beside the learner's own ("load the new version" or "keep mine"). Kept apart so
 * the pane never puts it over unsaved edits by itself: it only reaches the editor when the learner chooses it.
 */
import type { Answer, EditorNotice } from './editor-notice.ts';
import type { FileClient } from './file-client.ts';

export interface Version {
  text: string;
  version: string;
}

const CHOICES: readonly Answer[] = ['load-theirs', 'keep-mine'];

export class TheirVersion {
  readonly #client: FileClient;
  readonly #notice: EditorNotice;
  /** The next `file` for the open file is this, not something to show. */
  #fetching = false;
  #offered: Version | null = null;

  constructor(client: FileClient, notice: EditorNotice) {
    this.#client = client;
    this.#notice = notice;
  }

  /** The version the learner is asked about, until they answer or a save goes over it. */
  get offered(): Version | null {
    return this.#offered;
  }

  /** Asks the workspace for `path`, to offer it when it comes. */
  fetch(path: string): void {
    this.#fetching = true;
    this.#client.open(path);
  }

  /** Not coming: the request was refused. */
  cancel(): void {
    this.#fetching = false;
  }

  /** Offers `theirs` if it is the version fetched (true), rather than it being shown. */
  take(path: string, theirs: Version): boolean {
    if (!this.#fetching) return false;
    this.#fetching = false;
    this.offer('lab.changedOutside', path, theirs);
    return true;
  }

  /** Asks the learner to choose between their edits and `theirs`, saying why (`key`). */
  offer(key: 'lab.changedOutside' | 'lab.staleDraft', path: string, theirs: Version): void {
    this.#offered = theirs;
    this.#notice.ask(key, path, CHOICES);
  }

  /** Answered, or saved over. */
  clear(): void {
    this.#offered = null;
  }
}
