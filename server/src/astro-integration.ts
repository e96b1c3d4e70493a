/**
 * `npm run dev`: the lab backend attached to Astro's dev server, so lessons reload live while their terminals keep
 * working. The backend is loaded only when the dev server starts; `astro build` never touches node-pty.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { AstroIntegration } from 'astro';

const PROJECT_ROOT = path.join(import.meta.dirname, '..', '..');

export default function socketLabBackend(): AstroIntegration {
  return {
    name: 'socket-lab-backend',
    hooks: {
      'astro:server:setup': async ({ server, logger }) => {
        const [{ parseConfig }, { startLab }, { createLogger }] = await Promise.all([
          import('./config.ts'),
          import('./lab.ts'),
          import('./log.ts'),
        ]);
        // The dev server's own --host/--port are Astro's; the lab takes the rest of its options from the environment.
        const parsed = parseConfig({
          argv: [],
          env: process.env,
          cwd: process.cwd(),
          projectRoot: PROJECT_ROOT,
          uid: process.getuid?.() ?? 1000,
        });
        if (parsed.ok !== true) throw new Error(parsed.ok === 'help' ? parsed.text : parsed.error);
        const log = createLogger((line) => logger.info(line.trimEnd()));
        const lab = await startLab(parsed.config, log);
        server.middlewares.use((req, res, next) => {
          if (!lab.backend.handleRequest(req, res)) next();
        });
        // Vite's own upgrades (hot reload) are left alone: handleUpgrade only takes the lab's path.
        server.httpServer?.on('upgrade', (req, socket, head) => lab.backend.handleUpgrade(req, socket, head));
        server.httpServer?.on('close', () => {
          lab.close().catch((error: unknown) => logger.error(`closing the lab failed: ${String(error)}`));
        });
        // Stopping the dev server often ends the process without closing its HTTP server. The sandboxes end with
        // the process (their holders read from it); their scratch files are removed here, synchronously, as it exits
        // (learners' work is in the store, saved every few seconds).
        // Workspace disks still mounted there cannot be (unmounting takes a process): the next start removes them
        // and their cgroups (lab-limits.ts), so a failure here is not worth a stack trace on the way out.
        process.once('exit', () => {
          try {
            rmSync(lab.scratchDir, { recursive: true, force: true });
          } catch {
            // See above.
          }
        });
        logger.info(`lab backend attached (labs: ${lab.catalog.size})`);
      },
    },
  };
}
