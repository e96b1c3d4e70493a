/**
 * The split lesson layout's UI strings, by key, as src/content/i18n has them in each language (the pattern of
 * lab/lab-strings.ts): the divider, the sidebar switch, and the control that jumps between text and lab on a phone.
 */
import { stringsSchema } from '../ui-strings.ts';

export const LESSON_STRING_KEYS = [
  'lesson.labRegion',
  'lesson.divider',
  'lesson.hideSidebar',
  'lesson.showSidebar',
  'lesson.jump',
  'lesson.toText',
  'lesson.toLab',
] as const;
export type LessonStringKey = (typeof LESSON_STRING_KEYS)[number];

export const lessonStringsSchema = stringsSchema(LESSON_STRING_KEYS);
export type LessonStrings = Record<LessonStringKey, string>;
