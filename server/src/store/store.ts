/**
 * The lab's embedded store: one SQLite database (Node's built-in node:sqlite, no server) in the data directory, in
 * WAL mode, with versioned migrations. It keeps learners and their work across reaps, crashes and restarts.
 *
 * Opening it never loses data silently: a damaged file, a database from a newer version, or a data directory whose
 * database has gone missing each stop the start with a clear error instead of starting empty.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { CheckStore } from './check-store.ts';
import { LearnerStore } from './learner-store.ts';
import { MIGRATIONS } from './migrations.ts';
import { WorkStore } from './work-store.ts';

export const DATABASE_FILE = 'socket-lab.db';
/** Written beside the database when it is first created: its presence says a database existed here. */
const MARKER_FILE = 'socket-lab-data.txt';

export class StoreError extends Error {
  readonly fix: string;
  constructor(problem: string, fix: string) {
    super(problem);
    this.fix = fix;
  }
}

export class Store {
  readonly file: string;
  readonly learners: LearnerStore;
  readonly work: WorkStore;
  readonly checks: CheckStore;
  readonly #db: DatabaseSync;
  #closed = false;

  private constructor(file: string, db: DatabaseSync) {
    this.file = file;
    this.#db = db;
    this.learners = new LearnerStore(db);
    this.work = new WorkStore(db);
    this.checks = new CheckStore(db);
  }

  /** Opens (or, in a new data directory, creates) the store in `dataDir`. */
  static async open(dataDir: string): Promise<Store> {
    try {
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new StoreError(
        `cannot make the data directory ${dataDir}: ${(error as Error).message}`,
        'choose a directory this user may write with --data-dir (or SOCKET_LAB_DATA_DIR)',
      );
    }
    const file = path.join(dataDir, DATABASE_FILE);
    const marker = path.join(dataDir, MARKER_FILE);
    const fresh = !existsSync(file);
    if (fresh && existsSync(marker)) {
      throw new StoreError(
        `the database ${file} is missing, but ${marker} says one was kept here`,
        `restore ${DATABASE_FILE} from a backup into ${dataDir}, or remove ${marker} to start with an empty store`,
      );
    }
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(file);
    } catch (error) {
      throw new StoreError(
        `cannot open the database ${file}: ${(error as Error).message}`,
        `check that ${dataDir} is writable by this user, or choose another with --data-dir`,
      );
    }
    try {
      configure(db, file);
      migrate(db, file);
    } catch (error) {
      db.close();
      throw error;
    }
    if (fresh) {
      // Learners' work is nobody else's business on this machine.
      await chmod(file, 0o600);
      await writeFile(
        marker,
        `Socket Lab keeps learners and their work in ${DATABASE_FILE} here (created ${new Date().toISOString()}).\n` +
          'Back it up with: sqlite3 socket-lab.db ".backup backup.db" (or copy it while the lab is stopped).\n',
      );
    }
    return new Store(file, db);
  }

  /** Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}

/** What `doctor` says of the store in `dataDir`, without creating or changing anything. */
export async function inspectStore(dataDir: string): Promise<{ ok: boolean; detail: string; fix?: string }> {
  const file = path.join(dataDir, DATABASE_FILE);
  if (!existsSync(file)) {
    if (existsSync(path.join(dataDir, MARKER_FILE))) {
      return { ok: false, detail: `${file} is missing`, fix: `restore ${DATABASE_FILE} from a backup` };
    }
    return { ok: true, detail: `${file} (made at the first start)` };
  }
  let db: DatabaseSync | null = null;
  try {
    db = new DatabaseSync(file, { readOnly: true });
    const check = db.prepare('PRAGMA quick_check').all() as { quick_check: string }[];
    const problems = check.map((row) => row.quick_check).filter((text) => text !== 'ok');
    if (problems.length > 0) return { ok: false, detail: `${file} is damaged`, fix: 'restore it from a backup' };
    const { n } = db.prepare('SELECT count(*) AS n FROM learners').get() as { n: number };
    return { ok: true, detail: `${file} (${n} learners)` };
  } catch (error) {
    return { ok: false, detail: `${file}: ${(error as Error).message}`, fix: 'restore it from a backup' };
  } finally {
    db?.close();
  }
}

function damaged(file: string, detail: string): StoreError {
  return new StoreError(
    `the database ${file} is damaged (${detail})`,
    `restore it from a backup, or move it away to start with an empty store (learners then join again)`,
  );
}

function configure(db: DatabaseSync, file: string): void {
  try {
    // A quick look at every page first: a damaged file is refused before anything is written to it.
    const check = db.prepare('PRAGMA quick_check').all() as { quick_check: string }[];
    const problems = check.map((row) => row.quick_check).filter((text) => text !== 'ok');
    if (problems.length > 0) throw damaged(file, problems.slice(0, 3).join('; '));
    db.exec('PRAGMA journal_mode = WAL');
    // In WAL mode NORMAL loses at most the last transactions on a power cut, never the database.
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    db.exec('PRAGMA busy_timeout = 5000');
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw damaged(file, (error as Error).message);
  }
}

function migrate(db: DatabaseSync, file: string): void {
  const { user_version: version } = db.prepare('PRAGMA user_version').get() as { user_version: number };
  if (version > MIGRATIONS.length) {
    throw new StoreError(
      `the database ${file} is from a newer Socket Lab (schema ${version}, this one knows ${MIGRATIONS.length})`,
      'run the newer version, or restore a backup made by this one',
    );
  }
  for (let next = version; next < MIGRATIONS.length; next += 1) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(MIGRATIONS[next] as string);
      db.exec(`PRAGMA user_version = ${next + 1}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw new StoreError(
        `could not bring the database ${file} to schema ${next + 1}: ${(error as Error).message}`,
        'restore a backup; nothing was changed by this attempt',
      );
    }
  }
}
