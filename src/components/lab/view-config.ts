/**
 * What a rendered lab hands its browser script: the lab id, its terminals (titles in the page's language, commands)
 * and the UI strings. Built at build time from the lab manifest; validated again in the browser, because a
 * data attribute is input like any other.
 */
import { z } from 'zod';
import {
  labIdSchema,
  terminalIdSchema,
  type LabManifest,
  type LocalizedText,
} from '../../../server/src/lessons/lab-manifest.ts';
import { ENCODINGS } from '../../../server/src/protocol/messages.ts';

export const STRING_KEYS = [
  'lab.run',
  'lab.stop',
  'lab.restart',
  'lab.encoding',
  'lab.command',
  'lab.fullscreen',
  'lab.connecting',
  'lab.reconnecting',
  'lab.outdated',
  'lab.loading',
  'lab.starting',
  'lab.idle',
  'lab.running',
  'lab.exited',
  'lab.shellExited',
  'lab.replaced',
  'lab.takeOver',
] as const;
export type StringKey = (typeof STRING_KEYS)[number];

export const viewConfigSchema = z.strictObject({
  lab: labIdSchema,
  terminals: z.array(
    z.strictObject({
      id: terminalIdSchema,
      title: z.string(),
      commands: z.array(z.strictObject({ run: z.string(), label: z.string() })),
    }),
  ),
  strings: z.strictObject(
    Object.fromEntries(STRING_KEYS.map((k) => [k, z.string()])) as Record<StringKey, z.ZodString>,
  ),
});
export type LabViewConfig = z.infer<typeof viewConfigSchema>;

export type CourseLang = 'zh-CN' | 'en';

/** The menu entries of the encoding selector, in the order shown. */
export const ENCODING_LABELS: Record<(typeof ENCODINGS)[number], string> = {
  'utf-8': 'UTF-8',
  gb18030: 'GBK / GB18030',
  big5: 'Big5',
  shift_jis: 'Shift_JIS',
  latin1: 'Latin-1',
};

export function courseLang(lang: string): CourseLang {
  return lang.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function buildViewConfig(
  labId: string,
  manifest: LabManifest,
  only: readonly string[] | undefined,
  lang: CourseLang,
  translate: (key: StringKey) => string,
): LabViewConfig {
  const pick = (text: LocalizedText) => text[lang];
  const unknown = only?.filter((id) => !manifest.terminals.some((t) => t.id === id)) ?? [];
  if (unknown.length) throw new Error(`lab ${labId} has no terminal(s) ${unknown.join(', ')}`);
  return {
    lab: labId,
    terminals: manifest.terminals
      .filter((t) => !only || only.includes(t.id))
      .map((t) => ({
        id: t.id,
        title: pick(t.title),
        commands: t.commands.map((c) => ({ run: c.run, label: c.label ? `${pick(c.label)}: ${c.run}` : c.run })),
      })),
    strings: Object.fromEntries(STRING_KEYS.map((key) => [key, translate(key)])) as Record<StringKey, string>,
  };
}
