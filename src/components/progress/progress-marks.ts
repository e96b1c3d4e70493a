/**
 * Marks the learner's progress on every page: each lesson in the sidebar done (every check passed) or started (some),
 * and, on the home page, the course as a whole. Asks the backend (GET /_lab/progress, the learner by cookie); a page
 * served without a backend, or a browser that has not joined, just shows no marks. Tiny on purpose: it ships with
 * every page, so it imports only zod/mini and the progress protocol.
 */
import { lessonState, PROGRESS_CHANGED, PROGRESS_PATH, progressSchema, type Progress } from '#protocol/progress.ts';

interface MarksConfig {
  strings: Record<'progress.done' | 'progress.started' | 'progress.summary', string>;
  /** Lesson page path (without the language prefix) -> its lab id. */
  lessons: Record<string, string>;
}

function fill(template: string, values: Record<string, number>): string {
  return template.replace(/\{(\w+)\}/g, (all, name: string) => String(values[name] ?? all));
}

function readConfig(): MarksConfig | null {
  const text = document.querySelector('[data-progress-config]')?.getAttribute('data-progress-config');
  try {
    return text ? (JSON.parse(text) as MarksConfig) : null;
  } catch {
    return null;
  }
}

function markSidebar(config: MarksConfig, progress: Progress): void {
  for (const link of document.querySelectorAll<HTMLAnchorElement>('#starlight__sidebar a[href]')) {
    const page = new URL(link.href).pathname.replace(/^\/en\//, '/');
    const lab = config.lessons[page];
    if (!lab) continue;
    const state = lessonState(progress.labs[lab]);
    link.querySelector('.progress-mark')?.remove();
    if (state === 'new') {
      link.removeAttribute('data-progress');
      continue;
    }
    link.setAttribute('data-progress', state);
    const mark = document.createElement('span');
    mark.className = 'progress-mark';
    mark.title = config.strings[state === 'done' ? 'progress.done' : 'progress.started'];
    const words = document.createElement('span');
    words.className = 'sr-only';
    words.textContent = ` (${mark.title})`;
    mark.append(words);
    link.append(mark);
  }
}

function showSummary(config: MarksConfig, progress: Progress): void {
  const summary = document.querySelector<HTMLElement>('[data-course-progress]');
  if (!summary) return;
  const labs = Object.values(config.lessons).map((lab) => progress.labs[lab]);
  summary.textContent = fill(config.strings['progress.summary'], {
    done: labs.filter((lab) => lessonState(lab) === 'done').length,
    lessons: labs.length,
    passed: labs.reduce((n, lab) => n + (lab?.passed ?? 0), 0),
    total: labs.reduce((n, lab) => n + (lab?.total ?? 0), 0),
  });
  summary.hidden = false;
}

async function markProgress(): Promise<void> {
  const config = readConfig();
  if (!config) return;
  let body: unknown;
  try {
    const response = await fetch(PROGRESS_PATH, { credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) return;
    body = await response.json();
  } catch {
    return; // no backend (a static preview): no marks
  }
  const parsed = progressSchema.safeParse(body);
  if (!parsed.success) return;
  markSidebar(config, parsed.data);
  showSummary(config, parsed.data);
}

void markProgress();
document.addEventListener(PROGRESS_CHANGED, () => void markProgress());
