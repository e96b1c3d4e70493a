/**
 * A copy of what running the backend takes (server/, src/protocol/, package.json, node_modules, a Node binary and a
 * lab), made in a folder of the test's choosing: a private one, to show the lab works from root's home; a public one,
 * to run the backend as another user whatever folder the repository itself is in.
 */
import { execFile } from 'node:child_process';
import { chmod, cp, link, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { fixtureExamples } from './fixture-lab.ts';
import { PROJECT_ROOT } from './lab-harness.ts';

const run = promisify(execFile);

export interface ProjectCopy {
  root: string;
  /** The Node binary inside the copy. */
  node: string;
}

export async function copyProject(root: string): Promise<ProjectCopy> {
  await mkdir(path.join(root, '.tools'), { recursive: true });
  await cp(path.join(PROJECT_ROOT, 'server'), path.join(root, 'server'), { recursive: true });
  // The protocol the backend shares with the page (package.json's #protocol/* imports).
  await cp(path.join(PROJECT_ROOT, 'src', 'protocol'), path.join(root, 'src', 'protocol'), { recursive: true });
  await cp(path.join(PROJECT_ROOT, 'package.json'), path.join(root, 'package.json'));
  // Hard links: a copy of node_modules in well under a second, and every file really inside the copy.
  await run('cp', ['-al', path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules')]);
  const node = path.join(root, '.tools', 'node');
  await link(process.execPath, node).catch(() => cp(process.execPath, node));
  const examples = await fixtureExamples();
  await cp(examples.dir, path.join(root, 'examples'), { recursive: true });
  // As a checkout's examples/ is (the fixture's was made private by mkdtemp).
  await chmod(path.join(root, 'examples'), 0o755);
  await examples.remove();
  return { root, node };
}
