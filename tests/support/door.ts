/**
 * Joining a test lab's class the way the join page's form does: a urlencoded POST to /_lab/join from the lab's own
 * origin, its 303 not followed, so a test sees where the door sends the browser and which cookie it sets.
 */
import { rawRequest, type RawOptions } from './raw-http.ts';
import type { TestLab } from './lab-harness.ts';

export const PASSCODE = 'sesame-42';

export interface JoinAnswer {
  status: number;
  /** Where the 303 leads, if it is one. */
  location: string | null;
  /** The Set-Cookie header as sent. */
  setCookie: string | null;
  /** "socketlab_learner=<id>", ready for a Cookie header. */
  cookie: string | null;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface JoinOptions extends Pick<RawOptions, 'localAddress'> {
  cookie?: string;
  /** The Origin header; the lab's own unless told (null: none). */
  origin?: string | null;
}

export async function postJoin(lab: TestLab, fields: Record<string, string>, options: JoinOptions = {}) {
  const { cookie, origin = lab.origin, localAddress } = options;
  const answer = await rawRequest(lab, '/_lab/join', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(origin !== null && { origin }),
      ...(cookie && { cookie }),
    },
    body: new URLSearchParams(fields).toString(),
    ...(localAddress && { localAddress }),
  });
  const setCookie = answer.headers['set-cookie']?.[0] ?? null;
  return {
    status: answer.status,
    location: answer.headers.location ?? null,
    setCookie,
    cookie: setCookie?.split(';')[0] ?? null,
    body: answer.body,
    headers: answer.headers,
  } satisfies JoinAnswer;
}

/** Joins as `name` with the right passcode; returns the learner cookie. */
export async function joinClass(lab: TestLab, name: string, passcode = PASSCODE): Promise<string> {
  const answer = await postJoin(lab, { passcode, name, next: '/' });
  if (answer.status !== 303 || !answer.cookie) throw new Error(`join failed: ${answer.status} ${answer.body}`);
  return answer.cookie;
}

/** The learner id a "socketlab_learner=<id>" cookie carries. */
export function learnerIdIn(cookie: string): string {
  return cookie.split('=')[1] as string;
}
