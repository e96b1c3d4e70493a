/** The progress marks' strings, by key, as src/content/i18n has them (see ui-strings.ts). */
import { stringsSchema } from '../ui-strings.ts';

export const PROGRESS_STRING_KEYS = ['progress.done', 'progress.started', 'progress.summary'] as const;
export type ProgressStringKey = (typeof PROGRESS_STRING_KEYS)[number];
export const progressStringsSchema = stringsSchema(PROGRESS_STRING_KEYS);
export type ProgressStrings = Record<ProgressStringKey, string>;
