/**
 * The checks list's life: the boxes follow what the backend says (every check on connect, then each as it passes),
 * the count says how many are done, and each Hint button shows or hides its hint.
 */
import type { CheckState } from '#protocol/checks.ts';
import { PROGRESS_CHANGED } from '#protocol/progress.ts';
import { fillIn } from '../ui-strings.ts';
import type { LabSocket } from './lab-socket.ts';
import type { LabStrings } from './lab-strings.ts';
import { find, hookValue } from './selectors.ts';

export class ChecksList {
  readonly #root: HTMLElement;
  readonly #strings: LabStrings;
  readonly #boxes = new Map<string, HTMLElement>();
  readonly #count: HTMLElement | null;
  readonly #news: HTMLElement | null;
  readonly #onClick = (event: Event) => this.#toggleHint(event);

  constructor(root: HTMLElement, socket: LabSocket, strings: LabStrings) {
    this.#root = root;
    this.#strings = strings;
    this.#count = root.querySelector<HTMLElement>(find('checksCount'));
    this.#news = root.querySelector<HTMLElement>(find('checksNews'));
    for (const item of root.querySelectorAll<HTMLElement>(find('check'))) {
      const id = hookValue(item, 'check');
      const box = item.querySelector<HTMLElement>(find('checkBox'));
      if (id && box) this.#boxes.set(id, box);
    }
    root.addEventListener('click', this.#onClick);
    socket.listenChecks({
      states: (checks) => {
        for (const check of checks) this.#show(check);
        this.#updateCount(null);
      },
      passed: (check) => {
        const box = this.#boxes.get(check.id);
        const already = box?.getAttribute('aria-checked') === 'true';
        this.#show(check);
        if (already) return;
        this.#updateCount(check.id);
        // The sidebar's marks follow (progress-marks.ts).
        document.dispatchEvent(new CustomEvent(PROGRESS_CHANGED));
      },
    });
  }

  dispose(): void {
    this.#root.removeEventListener('click', this.#onClick);
  }

  /** Checks of other parts of the lab (another <Lab> of the page shows them) have no box here. */
  #show(check: CheckState): void {
    this.#boxes.get(check.id)?.setAttribute('aria-checked', String(check.passedAt !== null));
  }

  /** The count; and, when a check just passed, a line for screen readers naming it (role="status"). */
  #updateCount(justPassed: string | null): void {
    const boxes = [...this.#boxes.values()];
    const passed = boxes.filter((box) => box.getAttribute('aria-checked') === 'true').length;
    const count = fillIn(this.#strings['lab.checksCount'], { passed, total: boxes.length });
    if (this.#count) this.#count.textContent = count;
    const title = justPassed && this.#boxes.get(justPassed)?.nextElementSibling?.textContent?.trim();
    if (title && this.#news)
      this.#news.textContent = `${fillIn(this.#strings['lab.checkPassed'], { title })} (${count})`;
  }

  #toggleHint(event: Event): void {
    const button = (event.target as Element).closest<HTMLButtonElement>(find('action', 'hint'));
    const hint = button && document.getElementById(button.getAttribute('aria-controls') ?? '');
    if (!button || !hint) return;
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    hint.hidden = !open;
  }
}
