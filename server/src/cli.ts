/**
 * socket-lab [start|doctor] [options]: the one entry point. Reads argv and the environment once, here.
 */
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { classBanner, classUrls } from './class-banner.ts';
import { parseConfig } from './config.ts';
import { formatFindings, runDoctor } from './doctor.ts';
import { LimitsUnavailableError, SandboxUnavailableError } from './lab.ts';
import { createLogger, lineWriter } from './log.ts';
import { StoreError } from './store/store.ts';
import { startSiteServer } from './site-server.ts';

const PROJECT_ROOT = path.join(import.meta.dirname, '..', '..');
/** Every line this process prints goes through these (see lineWriter). */
const out = lineWriter(process.stdout);
const err = lineWriter(process.stderr);

/** Resolves to an exit status, or to null while the server keeps running. */
async function main(argv: readonly string[]): Promise<number | null> {
  const [first, ...rest] = argv;
  const command = first === undefined || first.startsWith('-') ? 'start' : first;
  const options = command === first ? rest : argv;
  if (command !== 'start' && command !== 'doctor') {
    err(`unknown command "${command}"; use start or doctor (--help lists the options)\n`);
    return 2;
  }
  const parsed = parseConfig({
    argv: options,
    env: process.env,
    cwd: process.cwd(),
    projectRoot: PROJECT_ROOT,
    uid: process.getuid?.() ?? 1000,
  });
  if (parsed.ok === 'help') {
    out(`${parsed.text}\n`);
    return 0;
  }
  if (!parsed.ok) {
    err(`${parsed.error}\n`);
    return 2;
  }
  const config = parsed.config;

  if (command === 'doctor') {
    const findings = await runDoctor(config);
    out(`Socket Lab doctor\n${formatFindings(findings)}\n`);
    const failed = findings.filter((f) => !f.ok && f.required);
    out(failed.length ? `\n${failed.length} problem(s) to fix.\n` : '\nEverything the lab needs is here.\n');
    return failed.length ? 1 : 0;
  }

  const log = createLogger(err);
  let site;
  try {
    site = await startSiteServer(config, log);
  } catch (error) {
    if (error instanceof SandboxUnavailableError) {
      log.error(error.message);
      err(
        `\nThe lab will not run learners' programs unsandboxed.\nFix: ${error.fix}\n` +
          'Then check with: npm run doctor\n',
      );
      return 1;
    }
    if (error instanceof StoreError) {
      log.error(error.message);
      err(`\nThe lab did not start, so that no learner's work is lost.\nFix: ${error.fix}\n`);
      return 1;
    }
    if (error instanceof LimitsUnavailableError) {
      err(`\n${error.message}\nFix: ${error.fix}\nThen check with: npm run doctor\n`);
      return 1;
    }
    throw error;
  }
  log.info(`Socket Lab is serving ${site.url}/ (labs: ${site.lab.catalog.size})`);
  if (config.passcode !== null) {
    // On stdout, apart from the log on stderr: this is for the instructor to read out or put on the projector.
    const { port } = site.server.address() as AddressInfo;
    const urls = classUrls(config.host, port, os.networkInterfaces());
    out(`\n${classBanner({ passcode: config.passcode, generated: config.passcodeGenerated, urls })}\n\n`);
  } else {
    log.info('no passcode: the lab is open to anyone who can reach it (loopback only)');
  }
  const stop = (signal: string) => {
    log.info(`${signal}: closing workspaces`);
    site.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  // The terminal it was started from closed (an ssh session ended): a stop like any other, not node's sudden exit.
  process.once('SIGHUP', () => stop('SIGHUP'));
  return null;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== null) process.exit(code);
  },
  (error: unknown) => {
    err(`socket-lab: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
