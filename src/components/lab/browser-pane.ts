/**
 * The script side of BrowserPane.astro, shared by both browser panes: the address form, and fields checked as the
 * learner types.
 */
import { portSchema, requestPathSchema } from '#protocol/lab-manifest.ts';
import { fillIn } from '../ui-strings.ts';
import type { LabStrings } from './lab-strings.ts';
import type { PaneDom } from './pane-dom.ts';
import { FIELDS, find } from './selectors.ts';

export interface Address {
  port: number;
  path: string;
}

/**
 * Keeps `input`'s validity in step with `problem` (what is wrong with it, '' when nothing) as the learner types. The
 * browser then refuses to submit the form, showing that message in the page's language, so nothing the backend
 * would turn away is sent. Returns the check, for when a script changes the value itself.
 */
export function checkAsTyped(dom: PaneDom, input: HTMLInputElement, problem: () => string): () => void {
  const check = () => input.setCustomValidity(problem());
  dom.on(input, 'input', check);
  check();
  return check;
}

export class AddressForm {
  readonly #port: HTMLInputElement;
  readonly #path: HTMLInputElement;

  /** Calls `submit` when the learner submits the form (Enter, or the pane's Load / Connect button) and it is valid. */
  constructor(dom: PaneDom, strings: LabStrings, submit: () => void) {
    this.#port = dom.field(find('url'), FIELDS.port);
    this.#path = dom.field(find('url'), FIELDS.path);
    // The backend takes only what these schemas take.
    const badPort = fillIn(strings['lab.portInvalid'], {
      min: String(portSchema.minValue),
      max: String(portSchema.maxValue),
    });
    const badPath = fillIn(strings['lab.pathInvalid'], { max: String(requestPathSchema.maxLength) });
    checkAsTyped(dom, this.#port, () => (portSchema.safeParse(this.#port.valueAsNumber).success ? '' : badPort));
    checkAsTyped(dom, this.#path, () => (requestPathSchema.safeParse(this.#path.value).success ? '' : badPath));
    dom.on(find('url'), 'submit', (event) => {
      event.preventDefault();
      submit();
    });
  }

  /** The address typed; valid, since the browser submits no form with a field it was told is wrong. */
  read(): Address {
    return { port: this.#port.valueAsNumber, path: this.#path.value };
  }
}
