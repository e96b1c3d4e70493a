/**
 * What of the host's own root a sandbox is built from, read once (at start-up) so that argv.ts can stay pure: which
 * allowed /etc entries exist, which top-level directories are links into /usr, which device nodes exist.
 */
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DEVICES, ETC_ALLOWLIST, PTYS_DIR, PYTHON_ETC, ROOT_DIRS, type HostRoot } from './argv.ts';

/** Reads the host below `root` (a test's fake root; normally /) and answers in the sandbox's paths. */
export function inspectHostRoot(root = '/'): HostRoot {
  const exists = (p: string) => existsSync(path.join(root, p));
  // Python's per-version configuration (Debian's /etc/python3.11 holds sitecustomize.py) follows the host's Python.
  const python = readdirSync(path.join(root, 'etc'))
    .map((name) => `/etc/${name}`)
    .filter((p) => PYTHON_ETC.test(p))
    .sort();
  return {
    etc: [...ETC_ALLOWLIST.filter(exists), ...python],
    rootDirs: ROOT_DIRS.filter(exists).map((p) => ({
      path: p,
      symlink: lstatSync(path.join(root, p)).isSymbolicLink(),
    })),
    devices: DEVICES.filter(exists),
    ptys: exists(PTYS_DIR),
  };
}
