/**
 * Keeps one workspace's work in the store: every file of the home that differs from the lesson's original, and every
 * original the learner deleted. It looks for changes every few seconds while someone uses the workspace, once more
 * when they leave, and a last time before the workspace ends, so a crash of the backend loses at most those seconds.
 * Contents are read inside the sandbox as the learner (tar), never by the backend following the learner's paths.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { chmod, mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.ts';
import { Periodic } from '../periodic.ts';
import type { ProcessSpec } from '../sandbox/argv.ts';
import { WORK } from '#protocol/limits.ts';
import type { WorkFile } from '../store/work-store.ts';
import type { Store } from '../store/store.ts';
import { homePathSchema } from '#protocol/files.ts';
import { scanHome, type FileSignature } from './home-files.ts';
import { readTar } from './tar-reader.ts';

export interface WorkSyncOptions {
  store: Store;
  learnerId: string;
  labId: string;
  /** The home on the host, for looking (names and sizes only). */
  home: string;
  /** The lesson's original files, path -> bytes. */
  originals: ReadonlyMap<string, Buffer>;
  /** A program run inside the workspace, as the learner, in the home; null once the sandbox has ended. */
  command(argv: readonly string[]): ProcessSpec | null;
  /** Tells the learner something about their work (in the terminals). */
  notify(text: string): void;
  /** Hears what each look at the home found: the editor learns of files changed from a terminal this way. */
  scanned(files: ReadonlyMap<string, FileSignature>): void;
  log: Logger;
}

/** Writes the stored work over the originals in a new home, before any learner program runs there. */
export async function restoreWork(home: string, files: readonly WorkFile[], log: Logger): Promise<number> {
  let restored = 0;
  for (const file of files) {
    if (!homePathSchema.safeParse(file.path).success) {
      log.warn('skipped a stored file with a bad path', { path: file.path.slice(0, 200) });
      continue;
    }
    const target = path.join(home, ...file.path.split('/'));
    if (file.deleted) {
      await rm(target, { force: true, recursive: true });
    } else {
      await mkdir(path.dirname(target), { recursive: true });
      await rm(target, { force: true, recursive: true });
      await writeFile(target, file.content);
      await chmod(target, file.mode & 0o777);
    }
    restored += 1;
  }
  return restored;
}

export class WorkSync {
  readonly #o: WorkSyncOptions;
  /** What each file looked like when last saved (or restored). */
  #known = new Map<string, FileSignature>();
  /** Bytes stored per path that differs from its original. */
  #stored = new Map<string, number>();
  /** Paths already told about (with their size), so a big file is mentioned once, not every few seconds. */
  readonly #told = new Set<string>();
  readonly #saver = new Periodic(WORK.saveEveryMs, () => void this.save());
  #saving: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: WorkSyncOptions) {
    this.#o = options;
  }

  /** Takes the home as it is now (originals plus restored work) as saved. */
  async begin(): Promise<void> {
    this.#known = await scanHome(this.#o.home);
    this.#o.scanned(new Map(this.#known));
    for (const file of this.#o.store.work.list(this.#o.learnerId, this.#o.labId)) {
      if (!file.deleted) this.#stored.set(file.path, file.content.length);
    }
  }

  /** While someone uses the workspace, look for changes every few seconds; when they leave, save once more. */
  setActive(active: boolean): void {
    if (this.#stopped) return;
    if (active) {
      this.#saver.start();
    } else if (this.#saver.running) {
      this.#saver.stop();
      void this.save();
    }
  }

  /** Saves what changed since the last save. Saves never overlap; a failure is logged and retried next time. */
  save(): Promise<void> {
    this.#saving = this.#saving.then(async () => {
      if (this.#stopped) return;
      try {
        await this.#saveChanges();
      } catch (error) {
        this.#o.log.error('could not save a workspace', { lab: this.#o.labId, error: String(error) });
      }
    });
    return this.#saving;
  }

  /** Saves a last time (unless `discard`) and stops. Idempotent. */
  async stop(discard = false): Promise<void> {
    this.#saver.stop();
    if (!discard) await this.save();
    this.#stopped = true;
    await this.#saving;
  }

  async #saveChanges(): Promise<void> {
    const now = await scanHome(this.#o.home);
    this.#o.scanned(now);
    const changed = [...now].filter(([p, sig]) => this.#known.get(p)?.stamp !== sig.stamp);
    const removed = [...this.#known.keys()].filter((p) => !now.has(p));
    if (changed.length === 0 && removed.length === 0) return;

    // Smallest first, so that one huge file does not keep every other change from being kept.
    changed.sort(([, a], [, b]) => a.size - b.size);
    const changing = new Set(changed.map(([p]) => p));
    let budget = WORK.bytesPerLesson;
    for (const [p, bytes] of this.#stored) if (now.has(p) && !changing.has(p)) budget -= bytes;
    const wanted: string[] = [];
    for (const [p, sig] of changed) {
      if (sig.size <= budget) {
        wanted.push(p);
        budget -= sig.size;
      } else {
        this.#tell(p, sig.size);
      }
    }

    const files: WorkFile[] = [];
    const same: string[] = [];
    const fetched = wanted.length ? await this.#read(wanted) : new Map<string, { content: Buffer; mode: number }>();
    for (const p of wanted) {
      const file = fetched.get(p);
      if (!file) continue; // gone or replaced meanwhile: the next scan sees what it became
      const original = this.#o.originals.get(p);
      if (original?.equals(file.content)) same.push(p);
      else files.push({ path: p, deleted: false, content: file.content, mode: file.mode & 0o777 });
    }
    for (const p of removed) {
      if (this.#o.originals.has(p)) files.push({ path: p, deleted: true });
      else same.push(p);
    }
    this.#o.store.work.save(this.#o.learnerId, this.#o.labId, files, same);

    for (const p of removed) this.#known.delete(p);
    for (const p of same) this.#stored.delete(p);
    for (const file of files) {
      if (file.deleted) this.#stored.delete(file.path);
      else this.#stored.set(file.path, file.content.length);
    }
    for (const p of [...same, ...files.map((f) => f.path)]) {
      const sig = now.get(p);
      if (sig) this.#known.set(p, sig);
    }
  }

  async #readOnHost(paths: readonly string[]): Promise<Map<string, { content: Buffer; mode: number }>> {
    const files = new Map<string, { content: Buffer; mode: number }>();
    for (const p of paths) {
      const file = await readQuietly(path.join(this.#o.home, ...p.split('/')));
      if (file) files.set(p, file);
    }
    return files;
  }

  #tell(p: string, size: number): void {
    const key = `${p}:${size}`;
    if (this.#told.has(key)) return;
    this.#told.add(key);
    const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
    this.#o.notify(`not saved: ${p} (${mib(size)}) does not fit in the ${mib(WORK.bytesPerLesson)} kept per lesson`);
    this.#o.log.info('work not saved: over the limit', { lab: this.#o.labId, path: p, size });
  }

  /** Reads `paths` inside the sandbox as the learner, as one tar stream. */
  #read(paths: readonly string[]): Promise<Map<string, { content: Buffer; mode: number }>> {
    const spec = this.#o.command([
      '/usr/bin/tar',
      '--create',
      '--file=-',
      '--format=gnu',
      '--no-recursion',
      '--null',
      '--files-from=-',
    ]);
    if (!spec) return this.#readOnHost(paths);
    return new Promise((resolve, reject) => {
      const child = spawn(spec.file, spec.args, { env: spec.env, cwd: spec.cwd, stdio: ['pipe', 'pipe', 'ignore'] });
      const chunks: Buffer[] = [];
      let bytes = 0;
      const limit = WORK.bytesPerLesson + (paths.length + 2) * 2048;
      child.stdout.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > limit) child.kill('SIGKILL');
        else chunks.push(chunk);
      });
      child.stdout.on('error', reject);
      child.stdin.on('error', () => {}); // tar may exit before reading every name (a file vanished)
      child.on('error', reject);
      child.on('close', () => {
        if (bytes > limit) return reject(new Error('the files grew while being read'));
        try {
          const files = new Map<string, { content: Buffer; mode: number }>();
          for (const entry of readTar(Buffer.concat(chunks))) {
            if (entry.type === 'file') files.set(entry.path, { content: entry.content, mode: entry.mode });
          }
          resolve(files);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      // tar exits with status 2 when a named file vanished; the others are still in the archive.
      child.stdin.end(paths.map((p) => `${p}\0`).join(''));
    });
  }
}

/**
 * Reads `paths` from the host once the sandbox has ended: no learner program is left to swap a file for a link, and
 * the last component is still never followed.
 */
async function readQuietly(file: string): Promise<{ content: Buffer; mode: number } | null> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || stats.size > WORK.bytesPerLesson) return null;
    return { content: await handle.readFile(), mode: stats.mode & 0o777 };
  } finally {
    await handle.close();
  }
}

/**
 * The lesson's files, as a new home gets them (all of the lesson's folder but `skip`), for telling the learner's
 * changes from the originals. The folder is the course's own, not the learner's.
 */
export async function readOriginals(dir: string, skip: string): Promise<Map<string, Buffer>> {
  const originals = new Map<string, Buffer>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const rel = path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    if (rel !== skip) originals.set(rel, await readFile(path.join(entry.parentPath, entry.name)));
  }
  return originals;
}
