/**
 * Workspaces are sandboxes: each has its own loopback (the note's 127.0.0.1:2333 works for every learner at once),
 * sees none of the host's network, processes or secrets, and never runs as root. Each has a TCP table of its own.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';
import { WORKSPACE_TCP_BUCKETS } from '../../server/src/sandbox/net-parent.ts';
import { FIXTURE_LAB, startFixtureLab } from '../support/fixture-lab.ts';
import { labSocket, newLearnerCookie, PROJECT_ROOT, TerminalProbe, type TestLab } from '../support/lab-harness.ts';

describe('workspace isolation', () => {
  let lab: TestLab;
  let alice: { server: TerminalProbe; shell: TerminalProbe };
  let bob: { server: TerminalProbe; shell: TerminalProbe };
  let hostChildBuckets: string;

  const learner = async () => {
    const socket = labSocket(lab, FIXTURE_LAB, await newLearnerCookie(lab));
    const server = new TerminalProbe(socket, 't1');
    const shell = new TerminalProbe(socket, 't2');
    await server.waitForStatus('idle');
    await shell.waitForStatus('idle');
    return { server, shell };
  };

  before(async () => {
    hostChildBuckets = readFileSync('/proc/sys/net/ipv4/tcp_child_ehash_entries', 'utf8').trim();
    lab = await startFixtureLab();
    [alice, bob] = await Promise.all([learner(), learner()]);
  });

  // Closing the lab closes its sockets too.
  after(() => lab?.close());

  test('two learners both bind 127.0.0.1:2333 and each client reaches its own server', async () => {
    alice.server.type('python3 echo_server.py alice\r');
    bob.server.type('python3 echo_server.py bob\r');
    await alice.server.waitForText('alice listening');
    await bob.server.waitForText('bob listening');
    assert.doesNotMatch(alice.server.text + bob.server.text, /Address already in use/);

    const fromBob = await bob.shell.exec('python3 send.py 2333 from-bob');
    assert.equal(fromBob.code, 0, fromBob.output);
    assert.match(fromBob.output, /reply: bob echoes from-bob/);
    await bob.server.waitForText('bob got from-bob');
    const fromAlice = await alice.shell.exec('python3 send.py 2333 from-alice');
    assert.match(fromAlice.output, /reply: alice echoes from-alice/);
    assert.doesNotMatch(alice.server.text, /from-bob/);
    assert.doesNotMatch(bob.server.text, /from-alice/);
  });

  test("a workspace reaches neither the backend's port nor any host address", async () => {
    const port = new URL(lab.url).port;
    const backend = await alice.shell.exec(`python3 send.py ${port} GET`);
    assert.notEqual(backend.code, 0);
    assert.match(backend.output, /ConnectionRefusedError/);

    const hostAddresses = Object.values(os.networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a?.address as string);
    for (const address of hostAddresses) {
      const result = await alice.shell.exec(
        `python3 -c "import socket; socket.create_connection(('${address}', ${port}), timeout=2)"`,
      );
      assert.notEqual(result.code, 0, `reached ${address}:${port}`);
      assert.match(result.output, /Network is unreachable|OSError/);
    }
    const links = await alice.shell.exec('ip -o link');
    assert.match(links.output, /\blo:/);
    assert.doesNotMatch(links.output, /eth|ens|veth|enp|wl/);
  });

  test("each workspace has a TCP table of its own, and the host's setting is left alone", async () => {
    // The checks read a workspace's socket table every second; the host's table would make each read walk all of it.
    const own = await alice.shell.exec('cat /proc/sys/net/ipv4/tcp_ehash_entries');
    assert.match(own.output, new RegExp(`^${WORKSPACE_TCP_BUCKETS}$`, 'm'), "not the host's (a negative count)");
    assert.equal(readFileSync('/proc/sys/net/ipv4/tcp_child_ehash_entries', 'utf8').trim(), hostChildBuckets);
  });

  test('host secrets and the repository are not visible; the home holds only the lab files', async () => {
    const shadow = await alice.shell.exec('cat /etc/shadow');
    assert.notEqual(shadow.code, 0);
    assert.match(shadow.output, /No such file or directory/);
    const repo = await alice.shell.exec(`ls ${PROJECT_ROOT}/package.json /root`);
    assert.notEqual(repo.code, 0);
    const etc = await alice.shell.exec('ls /etc');
    assert.doesNotMatch(etc.output, /shadow|sudoers|ssh\b/);
    const home = await alice.shell.exec('ls');
    assert.match(home.output, /echo_server\.py/);
    assert.doesNotMatch(home.output, /lab\.json/);
    const write = await alice.shell.exec('touch /usr/evil');
    assert.notEqual(write.code, 0);
    assert.match(write.output, /Read-only file system/);
  });

  test('learner programs never run as host root and see no host processes', async () => {
    const id = await alice.shell.exec('id -u');
    const uid = Number(/^(\d+)\s*$/m.exec(id.output)?.[1]);
    assert.ok(Number.isInteger(uid) && uid !== 0, `uid ${uid}`);
    const bobId = await bob.shell.exec('id -u');
    if (process.getuid?.() === 0) {
      assert.notEqual(Number(/^(\d+)\s*$/m.exec(bobId.output)?.[1]), uid, 'each workspace has its own uid');
    }
    const ps = await alice.shell.exec('ps -eo pid,comm --no-headers');
    const commands = ps.output
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[1]);
    assert.ok(!commands.includes('node'), `host processes visible:\n${ps.output}`);
    assert.ok(commands.includes('bwrap'), 'the workspace init is pid 1');
    const caps = await alice.shell.exec('grep -E "^(CapEff|NoNewPrivs)" /proc/self/status');
    assert.match(caps.output, /CapEff:\s+0000000000000000/);
    assert.match(caps.output, /NoNewPrivs:\s+1/);
  });

  test("a terminal is its learner's own: programs name it, Node reads it without blocking, no one else opens it", async () => {
    const tty = await alice.shell.exec('tty');
    assert.equal(tty.code, 0, tty.output);
    const name = /^\/dev\/pts\/\d+$/m.exec(tty.output)?.[0];
    assert.ok(name, tty.output);
    // Node reopens its terminal by that name to read it non-blocking; on the shared, blocking one, its main thread
    // would sit in read() and a SIGINT handler (Stop) would never run.
    const node = await alice.shell.exec(
      `node -e "process.stdin; const fdinfo = require('fs').readFileSync('/proc/self/fdinfo/0', 'utf8'); console.log('nonblocking=' + Boolean(parseInt(fdinfo.split('flags:')[1], 8) & 0o4000))"`,
    );
    assert.match(node.output, /^nonblocking=true$/m);
    if (process.getuid?.() === 0) {
      const open = await bob.shell.exec(`python3 -c "open('${name}', 'rb')"`);
      assert.notEqual(open.code, 0);
      assert.match(open.output, /PermissionError/);
      const make = await bob.shell.exec('python3 -c "import os; os.openpty()"');
      assert.notEqual(make.code, 0, "a learner could use up the host's ptys");
    }
  });

  test('a learner cannot reach another learner through the abstract socket namespace or /tmp', async () => {
    await alice.shell.exec('echo secret > /tmp/alice-was-here');
    const seen = await bob.shell.exec('ls /tmp');
    assert.doesNotMatch(seen.output, /alice-was-here/);
  });
});
