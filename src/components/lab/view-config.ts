/**
 * What a rendered lab hands its browser script: the lab id, its terminals (titles in the page's language, commands)
 * and the UI strings. Built at build time from the lab manifest; validated again in the browser, because a
 * data attribute is input like any other.
 */
import { z } from 'zod';
import {
  labIdSchema,
  labPaneSchema,
  portSchema,
  requestPathSchema,
  terminalIdSchema,
  type LabManifest,
  type LocalizedText,
} from '#protocol/lab-manifest.ts';
import { ENCODINGS } from '#protocol/messages.ts';
import { translateAll } from '../ui-strings.ts';
import { LAB_STRING_KEYS, labStringsSchema, type LabStringKey } from './lab-strings.ts';

export const viewConfigSchema = z.strictObject({
  lab: labIdSchema,
  terminals: z.array(
    z.strictObject({
      id: terminalIdSchema,
      title: z.string(),
      commands: z.array(z.strictObject({ run: z.string(), label: z.string() })),
    }),
  ),
  panes: z.array(
    z.strictObject({
      id: terminalIdSchema,
      kind: labPaneSchema.shape.kind,
      title: z.string(),
      port: portSchema,
      path: requestPathSchema,
    }),
  ),
  strings: labStringsSchema,
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

/** Which of a lab's terminals and panes a <Lab> shows: all of each unless listed. */
export interface LabSelection {
  terminals?: readonly string[] | undefined;
  panes?: readonly string[] | undefined;
}

export function buildViewConfig(
  labId: string,
  manifest: LabManifest,
  selection: LabSelection,
  lang: CourseLang,
  translate: (key: LabStringKey) => string,
): LabViewConfig {
  const pick = (text: LocalizedText) => text[lang];
  const picked = <T extends { id: string }>(all: readonly T[], only: readonly string[] | undefined, what: string) => {
    const unknown = only?.filter((id) => !all.some((item) => item.id === id)) ?? [];
    if (unknown.length) throw new Error(`lab ${labId} has no ${what} ${unknown.join(', ')}`);
    return all.filter((item) => !only || only.includes(item.id));
  };
  return {
    lab: labId,
    panes: picked(manifest.panes, selection.panes, 'pane').map((p) => ({
      id: p.id,
      kind: p.kind,
      title: pick(p.title),
      port: p.port,
      path: p.path,
    })),
    terminals: picked(manifest.terminals, selection.terminals, 'terminal').map((t) => ({
      id: t.id,
      title: pick(t.title),
      commands: t.commands.map((c) => ({ run: c.run, label: c.label ? `${pick(c.label)}: ${c.run}` : c.run })),
    })),
    strings: translateAll(LAB_STRING_KEYS, translate),
  };
}
