/**
 * GET /_lab/progress: for each lab with checks, how many it has and how many the learner passed. Read by the tiny
 * script that marks the sidebar on every page, so it is validated with zod/mini: the full zod would be most of the
 * JavaScript a page without a lab ships.
 */
import * as z from 'zod/mini';

export const PROGRESS_PATH = '/_lab/progress';
/** A document event a lab page fires when one of its checks passes, so that the sidebar's marks follow at once. */
export const PROGRESS_CHANGED = 'socket-lab:progress';

const count = z.int().check(z.nonnegative());

export const progressSchema = z.strictObject({
  labs: z.record(z.string(), z.strictObject({ total: count, passed: count })),
});
export type Progress = z.infer<typeof progressSchema>;

export type LessonState = 'done' | 'started' | 'new';

export function lessonState(lab: { total: number; passed: number } | undefined): LessonState {
  if (!lab || lab.passed === 0) return 'new';
  return lab.passed >= lab.total ? 'done' : 'started';
}
