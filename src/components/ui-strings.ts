/**
 * UI strings, done one way for every component: the component lists the keys it reads (as src/content/i18n has
 * them), and that one list gives the i18n collection its schema (content.config.ts), the page its translations and
 * the browser script its check of what the page handed it.
 */
import { z } from 'zod';

/** One string for each of `keys`, and nothing else. */
export function stringsSchema<const K extends string>(keys: readonly K[]) {
  return z.strictObject(Object.fromEntries(keys.map((key) => [key, z.string()])) as Record<K, z.ZodString>);
}

/** `template` with each {name} in it replaced by `values[name]`. */
export function fillIn(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => String(values[name] ?? placeholder));
}

/** The strings of `keys` in the page's language; `t` is Astro.locals.t. */
export function translateAll<const K extends string>(keys: readonly K[], t: (key: K) => string): Record<K, string> {
  return Object.fromEntries(keys.map((key) => [key, t(key)])) as Record<K, string>;
}
