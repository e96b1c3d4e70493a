/**
 * A workspace's files as the editor sees them: the list of the home, a file's text and version, a save that only
 * lands on the version it started from, the lesson's original of a file and putting it back, and word of files that
 * changed under the editor (from a terminal, a program). Reads and writes run inside the sandbox as the learner
 * (file-helper.ts); the list is the host's look at names and sizes (home-files.ts), which never follows a link.
 */
import type { FileEntry } from '#protocol/files.ts';
import { FILES } from '#protocol/limits.ts';
import type { Logger } from '../log.ts';
import { FileError } from './file-error.ts';
import type { FileHelper, WriteCondition } from './file-helper.ts';
import { scanHome, type FileSignature } from './home-files.ts';

/** The helper's temporary files, renamed over a file when a save completes: never the learner's. */
const SAVE_PREFIX = '.socket-lab-save-';

export interface WorkspaceFilesOptions {
  /** The home on the host, for listing (names and sizes only). */
  home: string;
  /** The lesson's original files, path -> bytes. */
  originals: ReadonlyMap<string, Buffer>;
  helper: FileHelper;
  /** Keeps the home's changes in the store now (WorkSync's save), so a save survives a reap or a restart. */
  saveWork(): Promise<void>;
  log: Logger;
}

/** Someone with the editor open: told what changed among the files it has open, and when the list changes. */
export interface FilesWatcher {
  wants(path: string): boolean;
  changed(path: string, version: string | null): void;
  listed(files: FileEntry[]): void;
}

export class WorkspaceFiles {
  readonly #o: WorkspaceFilesOptions;
  readonly #watchers = new Set<FilesWatcher>();
  /** The home as the last scan saw it; null until the first. */
  #seen: ReadonlyMap<string, FileSignature> | null = null;
  /** Writes go one at a time, and word of changes goes out in order. */
  #writing: Promise<unknown> = Promise.resolve();
  #telling: Promise<void> = Promise.resolve();

  constructor(options: WorkspaceFilesOptions) {
    this.#o = options;
  }

  /** The lesson's files first (in path order), then the learner's own. */
  async list(): Promise<FileEntry[]> {
    return this.#entries(await scanHome(this.#o.home));
  }

  async open(path: string): Promise<{ text: string; version: string }> {
    const { text, version } = await this.#o.helper({ op: 'read', path });
    return { text, version };
  }

  /** Writes `text` if the file is still version `base` (null: if there is no such file); its new version. */
  async save(path: string, text: string, base: string | null): Promise<string> {
    return (await this.#write(path, text, base ?? 'absent')).version;
  }

  /** Puts the lesson's original back, whatever the file is now. */
  async reset(path: string): Promise<{ text: string; version: string }> {
    const text = this.original(path);
    const { version } = await this.#write(path, text, 'any');
    return { text, version };
  }

  original(path: string): string {
    const bytes = this.#o.originals.get(path);
    if (!bytes)
      throw new FileError('no-original', path, `${path} is not one of the lesson's files: it has no original`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new FileError('not-text', path, `the lesson's ${path} is not UTF-8 text`);
    }
  }

  /** Tells `watcher` of changes until the returned function is called. */
  watch(watcher: FilesWatcher): () => void {
    this.#watchers.add(watcher);
    return () => this.#watchers.delete(watcher);
  }

  /** What a scan of the home found (WorkSync's, every few seconds while the workspace is in use). */
  scanned(now: ReadonlyMap<string, FileSignature>): void {
    const before = this.#seen;
    this.#seen = now;
    if (!before || this.#watchers.size === 0) return;
    const added = [...now.keys()].some((p) => !before.has(p));
    const removed = [...before.keys()].filter((p) => !now.has(p));
    if (added || removed.length > 0) {
      const files = this.#entries(now);
      for (const watcher of this.#watchers) watcher.listed(files);
    }
    const changed = [...now]
      .filter(([p, sig]) => before.has(p) && before.get(p)?.stamp !== sig.stamp && sig.size <= FILES.maxBytes)
      .map(([p]) => p);
    const wanted = (paths: string[]) => paths.filter((p) => [...this.#watchers].some((w) => w.wants(p)));
    for (const p of wanted(removed)) this.#tell(p, null);
    const hash = wanted(changed);
    if (hash.length === 0) return;
    this.#telling = this.#telling
      .then(async () => {
        const { versions } = await this.#o.helper({ op: 'versions', paths: hash });
        for (const [p, version] of Object.entries(versions)) this.#tell(p, version);
      })
      .catch((error: unknown) => this.#o.log.warn('could not tell the editor of a change', { error: String(error) }));
  }

  #tell(path: string, version: string | null): void {
    for (const watcher of this.#watchers) if (watcher.wants(path)) watcher.changed(path, version);
  }

  async #write(path: string, text: string, condition: WriteCondition): Promise<{ version: string }> {
    const written = this.#writing.then(() => this.#o.helper({ op: 'write', path, text, if: condition }));
    this.#writing = written.catch(() => undefined);
    const answer = await written;
    // Into the store at once, not at the next scan: the save is kept even if the workspace ends a moment later.
    void this.#o.saveWork();
    return answer;
  }

  #entries(scan: ReadonlyMap<string, FileSignature>): FileEntry[] {
    const entries = [...scan]
      .filter(([p]) => !p.split('/').some((name) => name.startsWith(SAVE_PREFIX)))
      .map(([p, sig]) => ({ path: p, size: sig.size, original: this.#o.originals.has(p) }));
    const byPath = (a: FileEntry, b: FileEntry) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    return [...entries.filter((e) => e.original).sort(byPath), ...entries.filter((e) => !e.original).sort(byPath)];
  }
}
