/**
 * Brotli and gzip copies of the built site's text files, made once after `astro build` (file.js -> file.js.br,
 * file.js.gz) so the server sends compressed bytes without compressing on every request. Only files that shrink
 * get copies; images, fonts and Pagefind's already-compressed index are left as they are.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** What is worth compressing: text. */
export const COMPRESSIBLE = new Set(['.html', '.css', '.js', '.mjs', '.json', '.svg', '.xml', '.txt', '.webmanifest']);
/** Smaller files gain nothing a request's headers would not cost. */
const MIN_BYTES = 1024;

export const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/** Writes the compressed copies under `dir`; returns how many files got them and the bytes before and after. */
export async function precompressSite(dir: string): Promise<{ files: number; bytes: number; brotliBytes: number }> {
  let files = 0;
  let bytes = 0;
  let brotliBytes = 0;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  await Promise.all(
    entries
      .filter((e) => e.isFile() && COMPRESSIBLE.has(path.extname(e.name).toLowerCase()))
      .map(async (entry) => {
        const file = path.join(entry.parentPath, entry.name);
        if ((await stat(file)).size < MIN_BYTES) return;
        const content = await readFile(file);
        const [br, gz] = await Promise.all([
          brotli(content, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
            },
          }),
          gzipAsync(content, { level: constants.Z_BEST_COMPRESSION }),
        ]);
        if (br.length >= content.length) return;
        await Promise.all([writeFile(`${file}.br`, br), writeFile(`${file}.gz`, gz)]);
        files += 1;
        bytes += content.length;
        brotliBytes += br.length;
      }),
  );
  return { files, bytes, brotliBytes };
}
