/**
 * The checks each learner passed in each lab, with when. A check is recorded once and never un-passed: the first
 * time counts, whatever the learner does after.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export interface PassedCheck {
  labId: string;
  checkId: string;
  passedAt: number;
}

export class CheckStore {
  readonly #inLab: StatementSync;
  readonly #all: StatementSync;
  readonly #pass: StatementSync;

  constructor(db: DatabaseSync) {
    this.#inLab = db.prepare(
      'SELECT check_id, passed_at FROM passed_checks WHERE learner_id = ? AND lab_id = ? ORDER BY passed_at',
    );
    this.#all = db.prepare('SELECT lab_id, check_id, passed_at FROM passed_checks WHERE learner_id = ?');
    this.#pass = db.prepare(
      `INSERT INTO passed_checks (learner_id, lab_id, check_id, passed_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (learner_id, lab_id, check_id) DO NOTHING`,
    );
  }

  /** The learner's passed checks in one lab: check id -> when. */
  passed(learnerId: string, labId: string): Map<string, number> {
    const rows = this.#inLab.all(learnerId, labId) as { check_id: string; passed_at: number }[];
    return new Map(rows.map((row) => [row.check_id, row.passed_at]));
  }

  /** Every check the learner passed, in every lab. */
  all(learnerId: string): PassedCheck[] {
    const rows = this.#all.all(learnerId) as { lab_id: string; check_id: string; passed_at: number }[];
    return rows.map((row) => ({ labId: row.lab_id, checkId: row.check_id, passedAt: row.passed_at }));
  }

  /** Records a pass; a check already passed keeps its first time. */
  pass(learnerId: string, labId: string, checkId: string, at = Date.now()): void {
    this.#pass.run(learnerId, labId, checkId, at);
  }
}
