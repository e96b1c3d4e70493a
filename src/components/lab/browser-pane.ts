/**
 * The script side of BrowserPane.astro, shared by both browser panes: the address form, read only when it is valid.
 */
import type { PaneDom } from './pane-dom.ts';
import { FIELDS, find } from './selectors.ts';

export interface Address {
  port: number;
  path: string;
}

export class AddressForm {
  readonly #dom: PaneDom;

  /** Calls `submit` when the learner submits the form (Enter, or the pane's Load / Connect button). */
  constructor(dom: PaneDom, submit: () => void) {
    this.#dom = dom;
    dom.on(find('url'), 'submit', (event) => {
      event.preventDefault();
      submit();
    });
  }

  /** The address typed, or null when the form is not valid (and the browser then says what is wrong). */
  read(): Address | null {
    if (!this.#dom.element<HTMLFormElement>(find('url')).reportValidity()) return null;
    const port = this.#dom.field(find('url'), FIELDS.port);
    const path = this.#dom.field(find('url'), FIELDS.path);
    return { port: Number(port.value), path: path.value };
  }
}
