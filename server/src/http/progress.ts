/**
 * GET /_lab/progress: where the learner the cookie names stands in each lab with checks. Read-only and about the
 * asking browser's own learner only; an unknown browser gets every lab with nothing passed.
 */
import type { ServerResponse } from 'node:http';
import type { Progress } from '#protocol/progress.ts';
import type { LabCatalog } from '../lessons/lab-catalog.ts';
import type { PassedCheck } from '../store/check-store.ts';

/** Counts only checks the labs still have: a check removed from a lab.json no longer counts. */
export function progressOf(catalog: LabCatalog, passed: readonly PassedCheck[]): Progress {
  const labs: Progress['labs'] = {};
  for (const lab of catalog.values()) {
    const ids = new Set(lab.manifest.checks.map((c) => c.id));
    if (ids.size === 0) continue;
    const mine = passed.filter((p) => p.labId === lab.id && ids.has(p.checkId)).length;
    labs[lab.id] = { total: ids.size, passed: mine };
  }
  return { labs };
}

export function sendProgress(res: ServerResponse, progress: Progress): void {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(progress));
}
