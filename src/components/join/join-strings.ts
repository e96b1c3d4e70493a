/**
 * The join page's UI strings, by key, as src/content/i18n has them in each language: one list the i18n schema checks
 * the translations against and the page reads them by (the same pattern as the lab's, lab/lab-strings.ts).
 */
import { JOIN_ERRORS, type JoinError } from '#protocol/join.ts';
import { stringsSchema } from '../ui-strings.ts';

export type JoinErrorKey = `join.error.${JoinError}`;
/** The messages for the errors a failed join comes back with: the page hands these to its script. */
export const JOIN_ERROR_KEYS: readonly JoinErrorKey[] = JOIN_ERRORS.map(joinErrorKey);

export const JOIN_STRING_KEYS = [
  'join.title',
  'join.intro',
  'join.passcode',
  'join.name',
  'join.nameHint',
  'join.submit',
  'join.remember',
  'join.otherLanguage',
  ...JOIN_ERROR_KEYS,
] as const;
export type JoinStringKey = (typeof JOIN_STRING_KEYS)[number];

export const joinStringsSchema = stringsSchema(JOIN_STRING_KEYS);
export const joinErrorStringsSchema = stringsSchema(JOIN_ERROR_KEYS);

export function joinErrorKey(code: JoinError): JoinErrorKey {
  return `join.error.${code}`;
}
