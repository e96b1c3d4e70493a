/**
 * After `astro build`: brotli and gzip copies of the site's text files, which the lab's server sends to browsers
 * that accept them (http/static-files.ts). Listed after Starlight in astro.config.mjs, so its search index is built.
 */
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { precompressSite } from './http/precompress.ts';

export default function precompress(): AstroIntegration {
  return {
    name: 'socket-lab-precompress',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const { files, bytes, brotliBytes } = await precompressSite(fileURLToPath(dir));
        const kb = (n: number) => `${Math.round(n / 1024)} KiB`;
        logger.info(`compressed ${files} files: ${kb(bytes)} -> ${kb(brotliBytes)} with brotli (and gzip)`);
      },
    },
  };
}
