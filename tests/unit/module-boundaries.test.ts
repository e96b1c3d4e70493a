/**
 * The browser never imports backend code: nothing under src/ reaches into server/, and the shared protocol module
 * (src/protocol, `#protocol/*`) depends on nothing but zod (or zod/mini, for the progress script every page ships) and
 * itself.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.join(import.meta.dirname, '..', '..');
const IMPORT =
  /^\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(ROOT, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.(ts|astro|mjs)$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

test('nothing under src/ imports from server/ (the site config reads the lab manifests through #protocol)', async () => {
  for (const file of await sources('src')) {
    for (const specifier of await importsOf(file)) {
      assert.doesNotMatch(specifier, /(^|\/)server\//, `${file} imports ${specifier}`);
    }
  }
});

test('src/protocol imports only zod and its own files', async () => {
  for (const file of await sources('src/protocol')) {
    for (const specifier of await importsOf(file)) {
      assert.ok(
        specifier === 'zod' || specifier === 'zod/mini' || /^\.\/[\w-]+\.ts$/.test(specifier),
        `${file} imports ${specifier}`,
      );
    }
  }
});
