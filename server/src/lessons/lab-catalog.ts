/**
 * The labs the backend can run: every `examples/<lab-id>/lab.json`, read and validated once at start-up.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { LAB_ID_PATTERN, labManifestSchema, type LabManifest } from '#protocol/lab-manifest.ts';
import { parseWithFriendlyErrors } from '#protocol/errors.ts';

export interface Lab {
  id: string;
  /** The folder whose files are copied into each new workspace of this lab. */
  dir: string;
  manifest: LabManifest;
}

export type LabCatalog = ReadonlyMap<string, Lab>;

export const MANIFEST_FILE = 'lab.json';

export async function loadLabCatalog(examplesDir: string): Promise<LabCatalog> {
  const labs = new Map<string, Lab>();
  const entries = await readdir(examplesDir, { withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isDirectory() || !LAB_ID_PATTERN.test(entry.name)) continue;
    const dir = path.join(examplesDir, entry.name);
    const file = path.join(dir, MANIFEST_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`${file}: not JSON: ${(error as Error).message}`, { cause: error });
    }
    const parsed = parseWithFriendlyErrors(labManifestSchema, json);
    if (!parsed.ok) throw new Error(`${file}:\n${parsed.error}`);
    labs.set(entry.name, { id: entry.name, dir, manifest: parsed.data });
  }
  return labs;
}
