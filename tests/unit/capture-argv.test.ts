/**
 * The wire view's tcpdump command line: the workspace's network namespace and nothing else of it, the workspace's
 * cgroup, an unprivileged user with CAP_NET_RAW alone, death with the backend, and raw pcap on stdout.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureArgv, CAPTURE_USER } from '../../server/src/capture/capture-argv.ts';
import { CAPTURE } from '#protocol/limits.ts';

const cgroup = { helper: '/opt/lab/server/sandbox/join-cgroup', procsFiles: ['/sys/fs/cgroup/lab/ws-1/cgroup.procs'] };

test('enters only the network namespace of the holder, after joining its cgroup', () => {
  const argv = captureArgv(4242, cgroup);
  assert.deepEqual(argv.slice(0, 4), ['/bin/sh', cgroup.helper, ...cgroup.procsFiles, '--']);
  const nsenter = argv.indexOf('/usr/bin/nsenter');
  assert.deepEqual(argv.slice(nsenter, nsenter + 4), ['/usr/bin/nsenter', '--target=4242', '--net', '--']);
  for (const other of ['--user', '--pid', '--mount', '--root', '--wd']) assert.ok(!argv.includes(other), other);
  assert.equal(captureArgv(4242, null)[0], '/usr/bin/nsenter', 'no cgroup, no join');
});

test('runs tcpdump as its own user with CAP_NET_RAW alone, dying with the backend', () => {
  const argv = captureArgv(4242, null);
  const setpriv = argv.indexOf('/usr/bin/setpriv');
  const tcpdump = argv.indexOf('/usr/bin/tcpdump');
  assert.ok(setpriv > 0 && tcpdump > setpriv);
  const privileges = argv.slice(setpriv, tcpdump);
  for (const option of [
    `--reuid=${CAPTURE_USER}`,
    `--regid=${CAPTURE_USER}`,
    '--clear-groups',
    '--inh-caps=-all,+net_raw',
    '--ambient-caps=-all,+net_raw',
    '--bounding-set=-all,+net_raw',
    '--no-new-privs',
    '--pdeathsig=KILL',
  ]) {
    assert.ok(privileges.includes(option), option);
  }
});

test('captures lo to raw pcap on stdout, bounded, parsing nothing', () => {
  const args = captureArgv(4242, null).slice(captureArgv(4242, null).indexOf('/usr/bin/tcpdump') + 1);
  assert.deepEqual(args.slice(0, 2), ['-i', 'lo']);
  const value = (flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(value('-s'), String(CAPTURE.snapLength));
  assert.equal(value('-B'), String(CAPTURE.kernelBufferKiB));
  assert.equal(value('-w'), '-');
  assert.ok(args.includes('-U') && args.includes('-p') && args.includes('--immediate-mode'));
  assert.throws(() => captureArgv(1, null), RangeError);
  assert.throws(() => captureArgv(Number.NaN, null), RangeError);
});
