/**
 * The markup of one pane (rendered by its component, e.g. TerminalPane.astro) as its script uses it: elements found
 * by the selectors of selectors.ts, and listeners that all come off again when the pane is disposed.
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

  /** The input named `name` of the form `form` (a selector). */
  field(form: string, name: string): HTMLInputElement {
    const found = this.element<HTMLFormElement>(form).elements.namedItem(name);
    if (!(found instanceof HTMLInputElement)) throw new Error(`${this.#name}: no field ${name} in ${form}`);
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
