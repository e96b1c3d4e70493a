/**
 * The class door as both ends see it: where the join pages are, the error codes the backend sends a learner back to
 * them with, and which `next` pages a join may lead to. Imported by the backend, the join page and the lab page, so
 * the three agree on every path and code.
 */
import { z } from 'zod';

/** The join page of each of the course's languages (Starlight's root locale is zh-CN). */
export const JOIN_PAGES = { 'zh-CN': '/join/', en: '/en/join/' } as const;
export type JoinLang = keyof typeof JOIN_PAGES;

/** Why a join was turned back; the join page shows each in its language. */
export const JOIN_ERRORS = ['wrong-passcode', 'bad-name', 'class-full'] as const;
export const joinErrorSchema = z.enum(JOIN_ERRORS);
export type JoinError = z.infer<typeof joinErrorSchema>;

/** A display name may be this long, in characters (code points); the instructor's list has room for no more. */

/** Where a join leads when it was not told where, or was told somewhere it may not go. */
export const DEFAULT_NEXT = '/';

const MAX_NEXT_LENGTH = 2048;
const ORIGIN = 'http://next.invalid';

/** The course language a path belongs to: anything under /en is English, the rest the root locale's. */
export function pathLang(pathname: string): JoinLang {
  return pathname === '/en' || pathname.startsWith('/en/') ? 'en' : 'zh-CN';
}

/** `path` (a safe next path) in the other language: /en/lessons/x/ and /lessons/x/ are one lesson in two. */
export function inLang(path: string, lang: JoinLang): string {
  const root = pathLang(path) === 'en' ? path.slice('/en'.length) || '/' : path;
  return lang === 'en' ? `/en${root}` : root;
}

/** The join page for a learner who wanted `pathname`. */
export function joinPageFor(pathname: string): string {
  return JOIN_PAGES[pathLang(pathname)];
}

export function isJoinPage(pathname: string): boolean {
  return Object.values(JOIN_PAGES).some((page) => pathname === page || `${pathname}/` === page);
}

/**
 * `value` as a path on this site (path and query, normalised and percent-encoded), or null when it is anything else:
 * an absolute or protocol-relative URL ("//evil.example"), a backslash trick, control characters, the lab's own
 * endpoints, a join page (a join that leads back to itself), or too long. Only ever used as a Location, so a null
 * falls back to DEFAULT_NEXT rather than to anything the request said.
 */
export function safeNextPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NEXT_LENGTH) return null;
  // Browsers read "\" as "/" in URLs, so "/\evil.example" is another host; control characters are stripped by them.
  // eslint-disable-next-line no-control-regex
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\x00-\x1f\x7f]/.test(value)) return null;
  if (!URL.canParse(value, ORIGIN)) return null;
  const url = new URL(value, ORIGIN);
  if (url.origin !== ORIGIN) return null;
  // Dot segments can collapse into a protocol-relative path: "/..//evil.example" resolves to "//evil.example".
  if (url.pathname.startsWith('//') || url.pathname.startsWith('/_lab/') || isJoinPage(url.pathname)) return null;
  return url.pathname + url.search;
}

/** The join page for a learner who wanted `next`, carrying it (and the reason they were sent back, if any). */
export function joinUrl(next: string, error?: JoinError): string {
  const safe = safeNextPath(next);
  const query = new URLSearchParams();
  if (safe && safe !== DEFAULT_NEXT) query.set('next', safe);
  if (error) query.set('error', error);
  const search = query.toString();
  return `${joinPageFor(safe ?? DEFAULT_NEXT)}${search ? `?${search}` : ''}`;
}
