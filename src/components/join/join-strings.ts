/**
 * The join page's UI strings, by key, as src/content/i18n has them in each language: one list the i18n schema checks
 * the translations against and the page reads them by.
 */
import { JOIN_ERRORS, type JoinError } from '../../../server/src/protocol/join.ts';

export const JOIN_STRING_KEYS = [
  'join.title',
  'join.intro',
  'join.passcode',
  'join.name',
  'join.nameHint',
  'join.submit',
  'join.remember',
  'join.otherLanguage',
  ...JOIN_ERRORS.map((code) => `join.error.${code}` as const),
] as const;
export type JoinStringKey = (typeof JOIN_STRING_KEYS)[number];

export function joinErrorKey(code: JoinError): JoinStringKey {
  return `join.error.${code}`;
}
