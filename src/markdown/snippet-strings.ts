/**
 * The runnable snippets' button words, by key, as src/content/i18n has them in each language (the pattern of
 * lab/lab-strings.ts). They are put into the page at build time by run-snippets.ts, which reads them itself: a
 * remark step has no Astro.locals.t.
 */
import { stringsSchema } from '../components/ui-strings.ts';

export const SNIPPET_STRING_KEYS = ['snippet.runIn', 'snippet.interrupting'] as const;
export type SnippetStringKey = (typeof SNIPPET_STRING_KEYS)[number];

/** The i18n file holds every component's strings; this picks the snippets' out of it. */
export const snippetStringsSchema = stringsSchema(SNIPPET_STRING_KEYS);
export type SnippetStrings = Record<SnippetStringKey, string>;
