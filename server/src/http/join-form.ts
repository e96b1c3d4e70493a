/**
 * What the join form sends (POST, application/x-www-form-urlencoded: passcode, name, next) and how it is read: the
 * body size-limited, its encoding strict (a malformed escape is refused, not guessed at), its fields checked by zod.
 * Also the passcode comparison, in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { DOOR } from '#protocol/limits.ts';

/** A join form is three short fields; anything much bigger is not one. */

export const joinFormSchema = z.strictObject({
  // Generous bounds: the exact rules are the door's, which answers in the learner's language.
  passcode: z.string().max(DOOR.passcodeChars * 2),
  name: z.string().max(1024),
  next: z.string().max(2048).optional(),
});
export type JoinForm = z.infer<typeof joinFormSchema>;

/**
 * Control characters (including line breaks), and the bidirectional overrides and isolates that would make a name
 * display as something else in the instructor's list.
 */
const UNSHOWABLE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** A display name as stored: trimmed, 1 to DOOR.displayNameChars characters, nothing unshowable. Never HTML. */
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'a display name is needed')
  .refine(
    (name) => [...name].length <= DOOR.displayNameChars,
    `a display name has at most ${DOOR.displayNameChars} characters`,
  )
  .refine((name) => !UNSHOWABLE.test(name), 'a display name has no control characters');

export type FormBody = { ok: true; fields: Record<string, string> } | { ok: false; status: number; message: string };

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** Reads and decodes a urlencoded form body of at most `maxBytes`; every refusal says why. */
export async function readForm(req: IncomingMessage, maxBytes = DOOR.joinBodyBytes): Promise<FormBody> {
  if (!FORM_TYPE.test(req.headers['content-type'] ?? '')) {
    return { ok: false, status: 415, message: 'Send the form as application/x-www-form-urlencoded' };
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    req.on('error', () => undefined).resume();
    return { ok: false, status: 413, message: `A form is at most ${maxBytes} bytes` };
  }
  const body = await readBody(req, maxBytes);
  if (body === null) return { ok: false, status: 413, message: `A form is at most ${maxBytes} bytes` };
  return parseUrlEncoded(body.toString('latin1'));
}

/**
 * The body, or null once it grows past `maxBytes`. The rest is then read and dropped rather than the socket destroyed,
 * so the refusal reaches the client; the caller answers with Connection: close, which ends the upload.
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      req.on('error', () => undefined).resume();
      resolve(null);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    const onError = (error: Error) => reject(error);
    // A client that goes away mid-body: settled here (a second settle after 'end' is a no-op).
    const onClose = () => reject(new Error('the request ended before its body did'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/**
 * Decodes `a=1&b=2` strictly: only the characters a browser sends, every %-escape well formed and the result valid
 * UTF-8, each field once. (URLSearchParams would quietly keep "%zz" and turn bad UTF-8 into U+FFFD.)
 */
export function parseUrlEncoded(body: string): FormBody {
  if (!/^[\x21-\x7e]*$/.test(body)) return { ok: false, status: 400, message: 'The form has characters it may not' };
  const fields: Record<string, string> = {};
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent((eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
      value = eq === -1 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      return { ok: false, status: 400, message: 'The form has a malformed %-escape' };
    }
    if (Object.hasOwn(fields, name)) return { ok: false, status: 400, message: `The form has "${name}" twice` };
    fields[name] = value;
  }
  return { ok: true, fields };
}

/** Whether `given` is the passcode, taking as long whatever it is (hashing first evens out the lengths too). */
export function passcodeMatches(given: string, passcode: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(passcode));
}
