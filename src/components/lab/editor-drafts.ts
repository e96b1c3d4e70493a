/**
 * Unsaved edits, kept in the browser (localStorage, by lab and path) until they are saved: a reload, a dropped
 * connection or a crash of the tab loses nothing. What the storage hands back is checked like any other input.
 */
import { z } from 'zod';
import { versionSchema } from '#protocol/files.ts';

const draftSchema = z.strictObject({
  text: z.string(),
  /** The version the edit started from; null for a file that was gone. */
  base: versionSchema.nullable(),
});
export type Draft = z.infer<typeof draftSchema>;

export class Drafts {
  readonly #prefix: string;
  readonly #openKey: string;

  constructor(lab: string) {
    this.#prefix = `socket-lab:draft:${lab}:`;
    this.#openKey = `socket-lab:editor:${lab}:open`;
  }

  get(path: string): Draft | null {
    const raw = read(this.#prefix + path);
    if (raw === null) return null;
    try {
      const parsed = draftSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null; // not JSON: not a draft of ours
    }
  }

  /** False when the browser would not keep it (storage full or off): the learner is told to save. */
  set(path: string, draft: Draft): boolean {
    return write(this.#prefix + path, JSON.stringify(draft));
  }

  delete(path: string): void {
    remove(this.#prefix + path);
  }

  /** Paths that have a draft. */
  paths(): Set<string> {
    const paths = new Set<string>();
    const store = storage();
    for (let i = 0; store && i < store.length; i += 1) {
      const key = store.key(i);
      if (key?.startsWith(this.#prefix)) paths.add(key.slice(this.#prefix.length));
    }
    return paths;
  }

  /** The file the editor showed last, to show it again after a reload. */
  get open(): string | null {
    return read(this.#openKey);
  }

  set open(path: string | null) {
    if (path === null) remove(this.#openKey);
    else write(this.#openKey, path);
  }
}

/** localStorage, or null where the browser refuses it (some privacy settings throw on access). */
function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function read(key: string): string | null {
  try {
    return storage()?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(key: string, value: string): boolean {
  try {
    storage()?.setItem(key, value);
    return storage() !== null;
  } catch {
    return false;
  }
}

function remove(key: string): void {
  try {
    storage()?.removeItem(key);
  } catch {
    // Nothing kept, nothing to remove.
  }
}
