/**
 * The store's schema, as numbered migrations. The database's `user_version` says how many have run; a migration is
 * never edited once released, only followed by another.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: learners, and the files each changed or created in a lesson's home.
  `
  CREATE TABLE learners (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
  ) STRICT;

  -- One row per file that differs from the lesson's original: its content, or deleted = 1 for an original the
  -- learner removed. Paths are relative to the home, with '/' separators.
  CREATE TABLE work_files (
    learner_id TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    lab_id TEXT NOT NULL,
    path TEXT NOT NULL,
    content BLOB,
    mode INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    saved_at INTEGER NOT NULL,
    PRIMARY KEY (learner_id, lab_id, path)
  ) STRICT;
  `,
  // 2: the checks each learner passed in each lab; a passed check stays passed.
  `
  CREATE TABLE passed_checks (
    learner_id TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    lab_id TEXT NOT NULL,
    check_id TEXT NOT NULL,
    passed_at INTEGER NOT NULL,
    PRIMARY KEY (learner_id, lab_id, check_id)
  ) STRICT;
  `,
];
