/** parseConfig as the lab's command line and environment would call it, for the config tests. */
import assert from 'node:assert/strict';
import { parseConfig, type Config, type ConfigResult } from '../../server/src/config.ts';

const CWD = '/home/teacher/course';
export const MIB = 1024 * 1024;
const PROJECT_ROOT = '/opt/socket-lab';

const HOME = { HOME: '/home/teacher' };

export function parse(argv: string[], env: Record<string, string | undefined> = HOME, uid = 1000): ConfigResult {
  return parseConfig({ argv, env, cwd: CWD, projectRoot: PROJECT_ROOT, uid, generatePasscode: () => 'generated1' });
}

export function configOf(argv: string[], env: Record<string, string | undefined> = HOME, uid?: number): Config {
  const result = parse(argv, { ...HOME, ...env }, uid);
  if (result.ok !== true) assert.fail(`expected a config, got ${JSON.stringify(result)}`);
  return result.config;
}

export function errorOf(argv: string[], env: Record<string, string | undefined> = HOME): string {
  const result = parse(argv, { ...HOME, ...env });
  if (result.ok !== false) assert.fail(`expected an error, got ${JSON.stringify(result)}`);
  return result.error;
}
