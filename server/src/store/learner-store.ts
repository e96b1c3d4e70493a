/**
 * Learners: an unguessable id (the browser's cookie), the display name they joined with, when they were first and
 * last seen. A learner exists once a browser was given an id; the door decides when that may happen.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export interface Learner {
  id: string;
  displayName: string;
  firstSeen: number;
  lastSeen: number;
}

/** last_seen is written at most this often per learner: it is for the instructor, not an audit log. */
const TOUCH_INTERVAL_MS = 60_000;

interface LearnerRow {
  id: string;
  display_name: string;
  first_seen: number;
  last_seen: number;
}

export class LearnerStore {
  readonly #insert: StatementSync;
  readonly #get: StatementSync;
  readonly #touch: StatementSync;
  readonly #count: StatementSync;
  readonly #rename: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(
      'INSERT INTO learners (id, display_name, first_seen, last_seen) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
    );
    this.#get = db.prepare('SELECT id, display_name, first_seen, last_seen FROM learners WHERE id = ?');
    this.#touch = db.prepare('UPDATE learners SET last_seen = ? WHERE id = ? AND last_seen < ?');
    this.#count = db.prepare('SELECT count(*) AS n FROM learners');
    this.#rename = db.prepare('UPDATE learners SET display_name = ? WHERE id = ?');
  }

  /** Records a learner; one that already exists keeps its name. */
  add(id: string, displayName: string, now = Date.now()): void {
    this.#insert.run(id, displayName, now, now);
  }

  /** A learner who joins again (same browser, right passcode) may correct the name they gave. */
  rename(id: string, displayName: string): void {
    this.#rename.run(displayName, id);
  }

  get(id: string): Learner | null {
    const row = this.#get.get(id) as LearnerRow | undefined;
    if (!row) return null;
    return { id: row.id, displayName: row.display_name, firstSeen: row.first_seen, lastSeen: row.last_seen };
  }

  /** Notes that the learner is here now (cheap to call on every request). */
  touch(id: string, now = Date.now()): void {
    this.#touch.run(now, id, now - TOUCH_INTERVAL_MS);
  }

  count(): number {
    return (this.#count.get() as { n: number }).n;
  }
}
