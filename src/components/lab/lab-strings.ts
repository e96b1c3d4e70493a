/**
 * The lab's UI strings, by key, as src/content/i18n has them in each language: one list the i18n schema checks the
 * translations against, the page translates and the browser script checks the page's config against.
 */
import { stringsSchema } from '../ui-strings.ts';

export const LAB_STRING_KEYS = [
  'lab.run',
  'lab.stop',
  'lab.restart',
  'lab.encoding',
  'lab.command',
  'lab.fullscreen',
  'lab.resetFiles',
  'lab.resetConfirm',
  'lab.connecting',
  'lab.reconnecting',
  'lab.outdated',
  'lab.notJoined',
  'lab.joinLink',
  'lab.loading',
  'lab.starting',
  'lab.idle',
  'lab.running',
  'lab.exited',
  'lab.shellExited',
  'lab.replaced',
  'lab.takeOver',
  'lab.port',
  'lab.path',
  'lab.load',
  'lab.stopWaiting',
  'lab.pageTab',
  'lab.rawTab',
  'lab.pageIdle',
  'lab.waiting',
  'lab.outcome.complete',
  'lab.outcome.closed',
  'lab.outcome.truncated',
  'lab.outcome.refused',
  'lab.outcome.cancelled',
  'lab.outcome.too-large',
  'lab.outcome.timeout',
  'lab.outcome.malformed',
  'lab.framing.none',
  'lab.framing.content-length',
  'lab.framing.chunked',
  'lab.framing.until-close',
  'lab.connect',
  'lab.disconnect',
  'lab.send',
  'lab.message',
  'lab.handshake',
  'lab.wsIdle',
  'lab.wsOpen',
  'lab.wsFailed',
  'lab.wsClosed',
] as const;
export type LabStringKey = (typeof LAB_STRING_KEYS)[number];

export const labStringsSchema = stringsSchema(LAB_STRING_KEYS);
export type LabStrings = Record<LabStringKey, string>;
