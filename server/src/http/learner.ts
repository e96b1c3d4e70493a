/**
 * Who a learner is: an unguessable random id the browser keeps in an HttpOnly cookie. Nothing else identifies a
 * learner, so holding the cookie is what lets a browser attach to that learner's workspaces.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const LEARNER_COOKIE = 'socketlab_learner';
const LEARNER_ID = /^[A-Za-z0-9_-]{22}$/;
const MAX_AGE_SECONDS = 7 * 24 * 3600;

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
  res.setHeader('Set-Cookie', `${LEARNER_COOKIE}=${id}; Path=/; Max-Age=${MAX_AGE_SECONDS}; HttpOnly; SameSite=Strict`);
  return id;
}
