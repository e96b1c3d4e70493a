/**
 * Learners' work: for each learner and lesson, every file of the home that differs from the lesson's original (its
 * bytes), and every original the learner deleted. Restoring a workspace is: the originals, then these.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export type WorkFile =
  { path: string; deleted: false; content: Buffer; mode: number } | { path: string; deleted: true };

interface WorkRow {
  path: string;
  content: Uint8Array | null;
  mode: number;
  deleted: number;
}

export class WorkStore {
  readonly #db: DatabaseSync;
  readonly #list: StatementSync;
  readonly #put: StatementSync;
  readonly #drop: StatementSync;
  readonly #clear: StatementSync;
  readonly #bytes: StatementSync;
  readonly #any: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#list = db.prepare(
      'SELECT path, content, mode, deleted FROM work_files WHERE learner_id = ? AND lab_id = ? ORDER BY path',
    );
    this.#put = db.prepare(
      `INSERT INTO work_files (learner_id, lab_id, path, content, mode, deleted, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (learner_id, lab_id, path) DO UPDATE SET
         content = excluded.content, mode = excluded.mode, deleted = excluded.deleted, saved_at = excluded.saved_at`,
    );
    this.#drop = db.prepare('DELETE FROM work_files WHERE learner_id = ? AND lab_id = ? AND path = ?');
    this.#clear = db.prepare('DELETE FROM work_files WHERE learner_id = ? AND lab_id = ?');
    this.#any = db.prepare('SELECT 1 FROM work_files WHERE learner_id = ? AND lab_id = ? LIMIT 1');
    this.#bytes = db.prepare(
      'SELECT coalesce(sum(length(content)), 0) AS n FROM work_files WHERE learner_id = ? AND lab_id = ?',
    );
  }

  list(learnerId: string, labId: string): WorkFile[] {
    return (this.#list.all(learnerId, labId) as unknown as WorkRow[]).map((row) =>
      row.deleted
        ? { path: row.path, deleted: true }
        : { path: row.path, deleted: false, content: Buffer.from(row.content ?? new Uint8Array()), mode: row.mode },
    );
  }

  /**
   * Records what changed since the last save, in one transaction: `files` to keep (content or deletion), `same`
   * paths that are back to the original (or gone and never were one) and need no row.
   */
  save(learnerId: string, labId: string, files: readonly WorkFile[], same: readonly string[], now = Date.now()): void {
    if (files.length === 0 && same.length === 0) return;
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      for (const file of files) {
        if (file.deleted) this.#put.run(learnerId, labId, file.path, null, 0, 1, now);
        else this.#put.run(learnerId, labId, file.path, file.content, file.mode, 0, now);
      }
      for (const path of same) this.#drop.run(learnerId, labId, path);
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Forgets the learner's work in this lesson ("Reset files"). */
  clear(learnerId: string, labId: string): void {
    this.#clear.run(learnerId, labId);
  }

  /** Whether the learner changed (or made, or deleted) any file of this lesson. */
  changedAny(learnerId: string, labId: string): boolean {
    return this.#any.get(learnerId, labId) !== undefined;
  }

  /** Bytes of file content kept for the learner in this lesson. */
  bytes(learnerId: string, labId: string): number {
    return (this.#bytes.get(learnerId, labId) as { n: number }).n;
  }
}
