/**
 * The join page in the browser: the backend sends a learner here with `?next=` (the page they wanted) and, after a
 * failed join, `?error=`. Both are read from the address, validated, and put where the form and the learner see them:
 * `next` into the form's hidden field, the error as text (never HTML) into the alert region. Without this script the
 * form still works; it then leads to the course's home page.
 */
import { inLang, JOIN_PAGES, joinErrorSchema, safeNextPath } from '#protocol/join.ts';
import { joinErrorKey, joinErrorStringsSchema } from './join-strings.ts';

/** The name typed before a failed join, so the learner corrects the passcode without typing it again. */
const NAME_KEY = 'socket-lab:join-name';

/** sessionStorage, where the browser allows it (some private modes throw on any use). */
function session(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

function start(): void {
  const form = document.querySelector<HTMLFormElement>('form[data-join]');
  if (!form) return;
  const query = new URLSearchParams(location.search);
  const input = (name: string) => form.querySelector<HTMLInputElement>(`input[name="${name}"]`);

  const next = safeNextPath(query.get('next'));
  const nextField = input('next');
  if (next && nextField) nextField.value = next;
  // The other language's join page leads to the same page in that language.
  const other = document.querySelector<HTMLAnchorElement>('a[data-other-lang]');
  const otherLang = other?.dataset['otherLang'];
  if (next && other && (otherLang === 'en' || otherLang === 'zh-CN')) {
    other.search = `?next=${encodeURIComponent(inLang(next, otherLang))}`;
    other.pathname = JOIN_PAGES[otherLang];
  }

  const error = joinErrorSchema.safeParse(query.get('error'));
  const region = form.querySelector<HTMLElement>('[data-error]');
  const messages = joinErrorStringsSchema.safeParse(JSON.parse(form.dataset['errors'] ?? '{}'));
  const nameField = input('name');
  if (error.success && region && messages.success) {
    region.textContent = messages.data[joinErrorKey(error.data)];
    const typed = session()?.getItem(NAME_KEY);
    if (typed && nameField && !nameField.value) nameField.value = typed;
    // Back to the field to correct.
    if (error.data === 'wrong-passcode') input('passcode')?.focus();
    else if (error.data === 'bad-name') nameField?.focus();
  }
  form.addEventListener('submit', () => {
    if (nameField) session()?.setItem(NAME_KEY, nameField.value);
  });
}

start();
