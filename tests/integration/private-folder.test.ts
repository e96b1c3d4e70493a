/**
 * First run from any folder: the project copied into a private (0700) directory whose path has a space and Chinese
 * characters, as a clone in root's home is, and the backend started from there with a Node binary that lives there
 * too. bwrap opens its binds as the workspace's uid, which cannot enter such a folder; the lab must still work.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startBackendProcess, type BackendProcess } from '../support/backend-process.ts';
import { FIXTURE_LAB } from '../support/fixture-lab.ts';
import { labSocket, newLearnerCookie, probesAtPrompt } from '../support/lab-harness.ts';
import { copyProject } from '../support/project-copy.ts';

describe('a project in a private folder', () => {
  let privateDir: string;
  let backend: BackendProcess;

  before(async () => {
    privateDir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab 私有 '));
    assert.equal((await stat(privateDir)).mode & 0o777, 0o700);
    const project = await copyProject(path.join(privateDir, '课程 copy'));
    backend = await startBackendProcess({
      projectRoot: project.root,
      node: project.node,
      cwd: project.root,
      args: ['--port', '0', '--data-dir', path.join(privateDir, 'data')],
    });
  });

  after(async () => {
    await backend?.stop();
    await rm(privateDir, { recursive: true, force: true });
  });

  test('its sandboxes start, and run Python, and Node with the npm packages lessons import', async () => {
    const lab = { url: backend.url, origin: backend.url };
    const socket = labSocket(lab, FIXTURE_LAB, await newLearnerCookie(lab));
    const [t1] = await probesAtPrompt(socket, ['t1']);
    const python = await t1.exec('python3 -c "print(6*7)"');
    assert.match(python.output, /^42$/m);
    const node = await t1.exec(`node -e 'import("ws").then((m) => console.log("ws", typeof m.WebSocketServer))'`);
    assert.equal(node.code, 0, node.output);
    assert.match(node.output, /ws function/);
    socket.close();
  });
});
