/**
 * The class door. With a passcode, learner ids are minted only by a join with the right passcode (POST /_lab/join,
 * from the join page's form), a browser that has not joined is sent to the join page from every page of the course,
 * and the lab page's session endpoint vouches only for learners the store knows. Without one (a lab on loopback) the
 * lab stays open: the session endpoint mints an id for any lab page that asks.
 *
 * The learner cookie the door sets is SameSite=Lax, not Strict: a learner following a link to a lesson from another
 * site (the class chat, a course page) must arrive with their cookie, or the door would send a learner who has joined
 * back to the join page. Lax is safe here because nothing reachable by a cross-site GET changes anything, and every
 * request that does (this join, the session endpoint, the terminal socket) checks Origin.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import {
  DEFAULT_NEXT,
  isJoinPage,
  JOIN_PAGES,
  joinUrl,
  pathLang,
  safeNextPath,
  type JoinError,
} from '#protocol/join.ts';
import type { Store } from '../store/store.ts';
import { displayNameSchema, joinFormSchema, passcodeMatches, readForm } from './join-form.ts';
import { ensureLearnerCookie, learnerIdOf, newLearnerId, setLearnerCookie } from './learner.ts';
import { FailureLimiter } from './rate-limiter.ts';
import { tooManyAttemptsPage } from './wait-page.ts';
import { DOOR } from '#protocol/limits.ts';
import { parseWithFriendlyErrors } from '#protocol/errors.ts';

/** Wrong passcodes one client address may send per window before it must wait. */
/** A class lasts a term: a learner joins once per browser. */
const JOINED_MAX_AGE_SECONDS = 180 * 24 * 3600;

export interface Door {
  /** Whether learners must join with a passcode. */
  readonly hasPasscode: boolean;
  /** The learner the request's cookie names, when the cookie is well formed and the store knows them. */
  learnerOf(req: IncomingMessage): string | null;
  /** Sends a browser that has not joined from a page to the join page; true when it answered the request. */
  screen(req: IncomingMessage, res: ServerResponse): boolean;
  /** POST /_lab/session (method and Origin already checked). */
  session(req: IncomingMessage, res: ServerResponse): void;
  /** POST /_lab/join (method and Origin already checked). */
  join(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export interface DoorDependencies {
  config: Pick<Config, 'passcode' | 'maxLearners'>;
  store: Store;
  log: Logger;
}

export function createDoor({ config, store, log }: DoorDependencies): Door {
  const passcode = config.passcode;
  const limiter = new FailureLimiter({ limit: DOOR.wrongPasscodes, windowMs: DOOR.wrongPasscodeWindowMs });

  const learnerOf = (req: IncomingMessage) => {
    const id = learnerIdOf(req);
    return id && store.learners.get(id) ? id : null;
  };

  const redirect = (res: ServerResponse, location: string, why: string) => {
    res.writeHead(303, {
      Location: location,
      'Cache-Control': 'no-store',
      'Content-Type': 'text/plain; charset=utf-8',
    });
    res.end(`${why}: ${location}\n`);
  };

  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, text: string, reason: string) => {
    log.warn('join refused', { status, reason, remote: clientAddress(req) });
    // Connection: close ends an upload that is still coming (a body too large is not read to its end).
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end(`${text}\n`);
  };

  const turnBack = (req: IncomingMessage, res: ServerResponse, next: string, error: JoinError) => {
    log.warn('join refused', { reason: error, remote: clientAddress(req) });
    redirect(res, joinUrl(next, error), JOIN_ERROR_TEXT[error]);
  };

  const admit = (res: ServerResponse, id: string, next: string) => {
    setLearnerCookie(res, id, { maxAgeSeconds: JOINED_MAX_AGE_SECONDS, sameSite: 'Lax' });
    redirect(res, next, 'Welcome');
  };

  return {
    hasPasscode: passcode !== null,
    learnerOf,

    screen(req, res) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      const raw = req.url ?? '/';
      const pathname = sitePath(raw.split('?')[0] ?? '/');
      if (passcode === null) {
        // An open lab has no door to show: a join page leads straight on.
        if (pathname === null || !isJoinPage(pathname)) return false;
        const query = new URLSearchParams(raw.includes('?') ? raw.slice(raw.indexOf('?')) : '');
        redirect(res, safeNextPath(query.get('next')) ?? homeOf(pathname), 'This lab is open');
        return true;
      }
      if (pathname !== null && !isPage(pathname)) return false;
      if (learnerOf(req)) return false;
      redirect(res, joinUrl(raw), 'Join the class first');
      return true;
    },

    session(req, res) {
      if (passcode === null) {
        store.learners.add(ensureLearnerCookie(req, res), '');
        res.writeHead(204, { 'Cache-Control': 'no-store' }).end();
        return;
      }
      const id = learnerOf(req);
      if (id) {
        store.learners.touch(id);
        res.writeHead(204, { 'Cache-Control': 'no-store' }).end();
        return;
      }
      res.writeHead(401, { 'Cache-Control': 'no-store', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`Join the class first: ${JOIN_PAGES['zh-CN']} (${JOIN_PAGES.en} in English)\n`);
    },

    async join(req, res) {
      if (passcode === null) {
        refuse(req, res, 404, 'This lab has no passcode: open any page, no need to join', 'open lab');
        return;
      }
      const form = await readForm(req).catch(() => null);
      if (!form) return; // The client went away mid-body; there is no one to answer.
      if (!form.ok) {
        refuse(req, res, form.status, form.message, 'malformed form');
        return;
      }
      const fields = parseWithFriendlyErrors(joinFormSchema, form.fields);
      if (!fields.ok) {
        refuse(req, res, 400, `Not a join form:\n${fields.error}`, 'not a join form');
        return;
      }
      const next = safeNextPath(fields.data.next) ?? DEFAULT_NEXT;
      const address = clientAddress(req);
      const waitMs = limiter.retryAfterMs(address);
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        log.warn('join refused', { status: 429, reason: 'too many wrong passcodes', remote: address });
        res.writeHead(429, {
          'Content-Type': 'text/html; charset=utf-8',
          'Retry-After': String(seconds),
          'Cache-Control': 'no-store',
        });
        res.end(tooManyAttemptsPage(pathLang(next), seconds, joinUrl(next)));
        return;
      }
      // Phones like to add a space after a word, and a passcode has none.
      if (!passcodeMatches(fields.data.passcode.trim(), passcode)) {
        limiter.fail(address);
        turnBack(req, res, next, 'wrong-passcode');
        return;
      }
      const name = displayNameSchema.safeParse(fields.data.name);
      if (!name.success) {
        turnBack(req, res, next, 'bad-name');
        return;
      }
      // A learner joining again keeps their id (and so their work), whether or not the class is full.
      const existing = learnerOf(req);
      if (existing) {
        store.learners.rename(existing, name.data);
        admit(res, existing, next);
        return;
      }
      // No await between counting and adding: two joins cannot both take the last place.
      if (store.learners.count() >= config.maxLearners) {
        turnBack(req, res, next, 'class-full');
        return;
      }
      const id = newLearnerId();
      store.learners.add(id, name.data);
      log.info('learner joined', { name: name.data, learners: store.learners.count(), remote: address });
      admit(res, id, next);
    },
  };
}

/** What a 303 back to the join page says, for a client that shows the response instead of following it. */
const JOIN_ERROR_TEXT: Record<JoinError, string> = {
  'wrong-passcode': 'Wrong passcode',
  'bad-name': 'A display name is 1 to 40 characters, without control characters',
  'class-full': 'The class is full',
};

/** The request's address, one key per client: an IPv4 client on a dual-stack socket looks like ::ffff:a.b.c.d. */
function clientAddress(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}

/**
 * The path the static server would serve for `rawPath` (decoded, dot segments resolved), so the door judges the file
 * that would be sent, not its spelling ("/_astro/../lessons/" is a lesson). Null when it cannot be decoded.
 */
function sitePath(rawPath: string): string | null {
  try {
    return path.posix.resolve('/', `.${decodeURIComponent(rawPath)}`);
  } catch {
    return null;
  }
}

/**
 * Whether the door stands in front of `pathname`: the course's pages (folders and .html files). Left public: the join
 * pages; the files pages load (scripts, styles, fonts, the favicon), which are the same for everyone and carry
 * nothing of the lab; Pagefind's search index, so the join page's search box works (the course's text is no secret,
 * the door guards the terminals); and a dev server's own /@... modules.
 */
function isPage(pathname: string): boolean {
  if (isJoinPage(pathname) || pathname.startsWith('/@')) return false;
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  return !last.includes('.') || last.toLowerCase().endsWith('.html');
}

function homeOf(pathname: string): string {
  return pathLang(pathname) === 'en' ? '/en/' : DEFAULT_NEXT;
}
