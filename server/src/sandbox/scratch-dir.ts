/**
 * The backend's scratch directory in the system's temporary directory: the tools staged for every sandbox (among
 * them a copy of Node, 120 MB wherever /tmp is another file system than the project's, a tmpfs /tmp among them) and
 * the running workspaces' directories. A backend removes it when it stops; one that crashed cannot. So it is named
 * for its owner (instance-owner.ts), and the next backend removes what a gone one left, as it does with their cgroups
 * and disks.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.ts';
import { ownerAlive } from './instance-owner.ts';
import { parseMountinfo } from './mountinfo.ts';

const PREFIX = 'socket-lab-';
/** `socket-lab-<owner tag>-<mkdtemp's six characters>`. */
const NAME = /^socket-lab-(\d+-\d+)-[A-Za-z0-9]{6}$/;

/** Makes this backend's scratch directory in `tmp`. */
export function makeScratchDir(tmp: string, ownerTag: string): Promise<string> {
  return mkdtemp(path.join(tmp, `${PREFIX}${ownerTag}-`));
}

/**
 * Removes the scratch directories in `tmp` whose backend is gone. Called once the disks such a backend left are
 * unmounted (removeStaleDisks): one with a mount still under it is left alone, since removing it would reach through
 * the mount. Never throws: what cannot be removed is logged.
 */
export async function removeStaleScratchDirs(tmp: string, log: Logger): Promise<void> {
  let names: string[];
  let mountPoints: string[];
  try {
    names = await readdir(tmp);
    mountPoints = parseMountinfo(await readFile('/proc/self/mountinfo', 'utf8')).map((m) => m.mountPoint);
  } catch (error) {
    log.warn('could not look for scratch directories of stopped backends', { error: String(error) });
    return;
  }
  for (const name of names) {
    const tag = NAME.exec(name)?.[1];
    if (!tag || (await ownerAlive(tag))) continue;
    const dir = path.join(tmp, name);
    if (mountPoints.some((mountPoint) => mountPoint.startsWith(`${dir}/`))) {
      log.warn('kept a scratch directory left by a stopped backend: something is still mounted in it', { dir });
      continue;
    }
    try {
      await rm(dir, { recursive: true, force: true });
      log.info('removed a scratch directory left by a stopped backend', { dir });
    } catch (error) {
      log.warn('could not remove a scratch directory left by a stopped backend', { dir, error: String(error) });
    }
  }
}
