/**
 * The lab's arrangement (Lab.astro): a tab for every pane found in its markup (whatever its kind, so a new kind of
 * pane gets one without a change here), and the switch between one pane, two side by side, and all of them. Panes
 * are only shown and hidden, never rebuilt: a terminal keeps its screen and scrollback, and refits to its new size.
 */
import {
  arrange,
  ARRANGEMENT_KEY,
  arrangementSchema,
  focusPane,
  frontPane,
  initialLayout,
  storedArrangement,
  visiblePanes,
  type LayoutState,
} from './layout-state.ts';
import { find, hookValue, STYLE_HOOKS } from './selectors.ts';

function readArrangement(): string | null {
  try {
    return localStorage.getItem(ARRANGEMENT_KEY);
  } catch {
    return null;
  }
}

export class LabLayout {
  readonly #host: HTMLElement;
  readonly #frames: HTMLElement[];
  readonly #keys: string[];
  readonly #tabs: HTMLButtonElement[] = [];
  readonly #switches: HTMLButtonElement[];
  readonly #cleanups: (() => void)[] = [];
  #state: LayoutState;

  constructor(host: HTMLElement) {
    this.#host = host;
    const box = host.querySelector<HTMLElement>(find('panes'));
    this.#frames = box ? [...box.querySelectorAll<HTMLElement>(`:scope > ${find('frame')}`)] : [];
    // A pane's key is its place in the lab: stable for the page's life, whatever the pane is.
    this.#keys = this.#frames.map((_, index) => String(index));
    this.#state = initialLayout(this.#keys, storedArrangement(readArrangement()));

    const tablist = host.querySelector<HTMLElement>(find('tabs'));
    if (tablist) this.#buildTabs(tablist);
    const group = host.querySelector<HTMLElement>(find('arrangements'));
    this.#switches = group ? [...group.querySelectorAll<HTMLButtonElement>(find('arrange'))] : [];
    for (const button of this.#switches) {
      this.#listen(button, 'click', () => {
        const chosen = arrangementSchema.safeParse(hookValue(button, 'arrange'));
        if (!chosen.success) return;
        this.#update(arrange(this.#state, chosen.data));
        try {
          localStorage.setItem(ARRANGEMENT_KEY, chosen.data);
        } catch {
          // Not kept for the next page; this one is arranged all the same.
        }
      });
    }
    if (group) group.hidden = false;
    this.#update(this.#state);
  }

  /** Brings the pane `frame` (or the pane containing it) into view: to the front, and scrolled to if need be. */
  reveal(element: HTMLElement): void {
    const index = this.#frames.findIndex((frame) => frame.contains(element));
    const key = this.#keys[index];
    const frame = this.#frames[index];
    if (key === undefined || !frame) return;
    // Already shown (all of them, or one of the two): leave the arrangement be, as a learner looking at it expects.
    if (!frame.hasAttribute(STYLE_HOOKS.shown)) this.#update(focusPane(this.#state, key));
    frame.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  dispose(): void {
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    for (const tab of this.#tabs) tab.remove();
  }

  #buildTabs(tablist: HTMLElement): void {
    for (const [index, frame] of this.#frames.entries()) {
      frame.id ||= `${this.#host.id || 'lab'}-pane-${index}`;
      const tab = document.createElement('button');
      tab.type = 'button';
      tab.setAttribute('role', 'tab');
      tab.setAttribute('aria-controls', frame.id);
      tab.textContent = frame.getAttribute('aria-label') ?? String(index + 1);
      this.#listen(tab, 'click', () => this.#select(index));
      this.#listen(tab, 'keydown', (event) => this.#moveWithKeys(event as KeyboardEvent, index));
      this.#tabs.push(tab);
    }
    tablist.append(...this.#tabs);
    tablist.hidden = this.#tabs.length < 2;
  }

  #select(index: number): void {
    const key = this.#keys[index];
    if (key === undefined) return;
    this.#update(focusPane(this.#state, key));
    this.#frames[index]?.scrollIntoView({ block: 'nearest' });
  }

  /** The WAI-ARIA tabs pattern: arrows, Home and End move between tabs and select the one reached. */
  #moveWithKeys(event: KeyboardEvent, index: number): void {
    const last = this.#tabs.length - 1;
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: last }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = next < 0 ? last : next > last ? 0 : next;
    this.#select(target);
    this.#tabs[target]?.focus();
  }

  #update(state: LayoutState): void {
    this.#state = state;
    const shown = new Set(visiblePanes(state, this.#keys));
    const front = frontPane(state);
    this.#host.setAttribute(STYLE_HOOKS.arrangement, state.arrangement);
    for (const [index, key] of this.#keys.entries()) {
      this.#frames[index]?.toggleAttribute(STYLE_HOOKS.shown, shown.has(key));
      const tab = this.#tabs[index];
      if (!tab) continue;
      tab.setAttribute('aria-selected', String(key === front));
      tab.tabIndex = key === front ? 0 : -1;
      tab.toggleAttribute(STYLE_HOOKS.shown, shown.has(key));
    }
    for (const button of this.#switches) {
      button.setAttribute('aria-pressed', String(hookValue(button, 'arrange') === state.arrangement));
    }
  }

  #listen(target: HTMLElement, type: string, listener: (event: Event) => void): void {
    target.addEventListener(type, listener);
    this.#cleanups.push(() => target.removeEventListener(type, listener));
  }
}
