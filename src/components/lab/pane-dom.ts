/**
 * The markup of one pane (rendered by Lab.astro) as its script uses it: elements found by selector, and listeners
 * that all come off again when the pane is disposed.
 */
export class PaneDom {
  readonly root: HTMLElement;
  readonly #name: string;
  readonly #cleanups: (() => void)[] = [];

  constructor(root: HTMLElement, name: string) {
    this.root = root;
    this.#name = name;
  }

  element<T extends HTMLElement = HTMLElement>(selector: string): T {
    const found = this.root.querySelector<T>(selector);
    if (!found) throw new Error(`${this.#name}: no ${selector} in its markup`);
    return found;
  }

  on(target: string | HTMLElement, type: string, listener: (event: Event) => void): void {
    const element = typeof target === 'string' ? this.element(target) : target;
    element.addEventListener(type, listener);
    this.#cleanups.push(() => element.removeEventListener(type, listener));
  }

  /** Runs `cleanup` on dispose, with the listeners. */
  onDispose(cleanup: () => void): void {
    this.#cleanups.push(cleanup);
  }

  dispose(): void {
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
  }
}
