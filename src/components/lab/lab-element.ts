/**
 * <socket-lab>: waits until the lab is about to scroll into view, then loads the terminal code (xterm.js and all)
 * and starts it. Pages without a lab never load any of it, and a lab below the fold costs nothing until reached.
 * It also answers the runnable snippets of the lesson's text (src/markdown/run-snippets.ts): their buttons work once
 * this script runs, and a click starts the lab if it is not started yet, then hands the snippet to it.
 */
import type { MountedLab } from './lab-app.ts';
import { find, hookValue, STYLE_HOOKS } from './selectors.ts';

class SocketLabElement extends HTMLElement {
  #observer: IntersectionObserver | null = null;
  #mounted: Promise<MountedLab | null> | null = null;

  connectedCallback(): void {
    this.#observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) void this.#start();
      },
      { rootMargin: '300px 0px' },
    );
    this.#observer.observe(this);
    for (const button of this.#snippetButtons()) button.disabled = false;
    document.addEventListener('click', this.#onClick);
  }

  disconnectedCallback(): void {
    document.removeEventListener('click', this.#onClick);
    for (const button of this.#snippetButtons()) button.disabled = true;
    this.#observer?.disconnect();
    const mounted = this.#mounted;
    this.#mounted = null;
    void mounted?.then((lab) => lab?.stop());
  }

  #start(): Promise<MountedLab | null> {
    this.#observer?.disconnect();
    this.#mounted ??= import('./lab-app.ts').then(({ mountLab }) => (this.isConnected ? mountLab(this) : null));
    return this.#mounted;
  }

  /** The snippets of the page that run in a terminal of this lab (a page could have more than one lab). */
  #snippetButtons(): HTMLButtonElement[] {
    return [...document.querySelectorAll<HTMLButtonElement>(`${find('snippet')} ${find('snippetRun')}`)].filter(
      (button) => this.#ownsSnippet(button.closest(find('snippet'))),
    );
  }

  #ownsSnippet(snippet: Element | null): snippet is HTMLElement {
    const terminal = snippet && hookValue(snippet, 'snippet');
    return !!terminal && this.querySelector(find('terminal', terminal)) !== null;
  }

  readonly #onClick = (event: Event): void => {
    const button = event.target instanceof Element ? event.target.closest(find('snippetRun')) : null;
    const snippet = button?.closest(find('snippet')) ?? null;
    if (!button || !this.#ownsSnippet(snippet)) return;
    void this.#runSnippet(snippet, button);
  };

  async #runSnippet(snippet: HTMLElement, button: Element): Promise<void> {
    const note = snippet.querySelector<HTMLElement>(find('snippetNote'));
    note?.removeAttribute(STYLE_HOOKS.state);
    if (note) note.textContent = '';
    const lab = await this.#start();
    if (!lab) return;
    // The lab checks these: they are the page's markup, input like any other.
    const { outcome, text } = await lab.runSnippet({
      terminal: hookValue(snippet, 'snippet'),
      command: hookValue(snippet, 'snippetCommand'),
      kind: hookValue(button, 'snippetRun'),
    });
    if (!note) return;
    note.setAttribute(STYLE_HOOKS.state, outcome);
    note.textContent = text;
  }
}

if (!customElements.get('socket-lab')) customElements.define('socket-lab', SocketLabElement);
