/**
 * Who a learner is: an unguessable random id the browser keeps in an HttpOnly cookie. Nothing else identifies a
 * learner, so holding the cookie is what lets a browser attach to that learner's workspaces.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const LEARNER_COOKIE = 'socketlab_learner';
const LEARNER_ID = /^[A-Za-z0-9_-]{22}$/;
/** An open lab's id is re-issued by any lab page that lacks one, so it need not live long. */
const OPEN_LAB_MAX_AGE_SECONDS = 7 * 24 * 3600;

export function newLearnerId(): string {
  return randomBytes(16).toString('base64url');
}

export function isLearnerId(value: string): boolean {
  return LEARNER_ID.test(value);
}

/** The learner id from the request's cookies, or null when there is none or it is malformed. */
export function learnerIdOf(req: IncomingMessage): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== LEARNER_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    if (isLearnerId(value)) return value;
  }
  return null;
}

/** Gives the browser a learner id unless it has one; returns the id in use. */
export function ensureLearnerCookie(req: IncomingMessage, res: ServerResponse): string {
  const existing = learnerIdOf(req);
  if (existing) return existing;
  const id = newLearnerId();
  setLearnerCookie(res, id, { maxAgeSeconds: OPEN_LAB_MAX_AGE_SECONDS, sameSite: 'Strict' });
  return id;
}

export interface LearnerCookieOptions {
  maxAgeSeconds: number;
  sameSite: 'Strict' | 'Lax';
}

/** Hands the browser learner id `id`: HttpOnly (no page script ever reads it), for the whole site. */
export function setLearnerCookie(res: ServerResponse, id: string, { maxAgeSeconds, sameSite }: LearnerCookieOptions) {
  if (!isLearnerId(id)) throw new Error('not a learner id');
  res.setHeader(
    'Set-Cookie',
    `${LEARNER_COOKIE}=${id}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=${sameSite}`,
  );
}
