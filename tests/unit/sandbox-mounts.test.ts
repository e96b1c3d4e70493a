/** What a workspace's sandbox sees: the mounts its holder is started with, and their bwrap options. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  ETC_ALLOWLIST,
  holderMounts,
  PTYS_DIR,
  mountOptions,
  SANDBOX_HOME,
  type HostRoot,
} from '../../server/src/sandbox/argv.ts';
import {
  PROJECT_ROOT,
  MERGED_USR,
  SPLIT_USR,
  layout,
  LAYOUT,
  isBind,
  isWithin,
  has,
  indexOf,
} from '../support/sandbox-layout.ts';

describe('holderMounts', () => {
  for (const { name, host, hostEtc } of [
    { name: 'a merged-/usr host', host: MERGED_USR, hostEtc: MERGED_USR.etc },
    {
      name: 'a split-/usr host, with data naming secrets',
      host: SPLIT_USR,
      hostEtc: ['/etc/services', '/etc/python3.9'],
    },
  ]) {
    describe(name, () => {
      const mounts = holderMounts(layout(host), true);
      const binds = mounts.filter(isBind);

      test('starts from the host /usr, read-only, and hides its /usr/local behind a tmpfs', () => {
        assert.deepEqual(mounts[0], { kind: 'ro-bind', source: '/usr', target: '/usr' });
        const local = indexOf(mounts, { kind: 'tmpfs', target: '/usr/local' });
        assert.ok(local > 0);
        for (const m of mounts.slice(0, local)) assert.ok(!m.target.startsWith('/usr/local'), 'bound under the tmpfs');
      });

      test('gets only the backend Node and the lesson packages in /usr/local, and /node_modules to find them', () => {
        const local = binds.filter((b) => b.target.startsWith('/usr/local/'));
        assert.deepEqual(local, [
          { kind: 'ro-bind', source: process.execPath, target: '/usr/local/bin/node' },
          {
            kind: 'ro-bind',
            source: path.join(PROJECT_ROOT, 'node_modules', 'ws'),
            target: '/usr/local/lib/node_modules/ws',
          },
        ]);
        assert.ok(has(mounts, { kind: 'symlink', source: '/usr/local/lib/node_modules', target: '/node_modules' }));
      });

      test('never binds /etc/shadow, /root, the whole /etc or the project directory, nor a parent of them', () => {
        const secret = ['/etc/shadow', '/etc/gshadow', '/root', '/etc', PROJECT_ROOT];
        for (const { source, target } of binds) {
          for (const p of secret) assert.ok(!isWithin(p, source), `${source} -> ${target} exposes ${p}`);
          assert.ok(!isWithin(source, '/root'), `${source} is under /root`);
          assert.ok(!['/etc/shadow', '/etc/gshadow', '/etc/sudoers'].includes(source), `${source} is bound`);
        }
      });

      test('of the host /etc, an empty /etc gets the allowlisted entries the host has, whatever else it names', () => {
        assert.ok(has(mounts, { kind: 'dir', target: '/etc' }));
        const fromHostEtc = binds.filter((b) => isWithin(b.source, '/etc'));
        assert.deepEqual(
          fromHostEtc,
          hostEtc.map((entry) => ({ kind: 'ro-bind', source: entry, target: entry })),
        );
        for (const { source } of fromHostEtc) {
          assert.ok(ETC_ALLOWLIST.includes(source) || /^\/etc\/python3\.\d+$/.test(source), `${source} is bound`);
        }
      });

      test('binds only single files out of the project directory', () => {
        const fromProject = binds.filter((b) => isWithin(b.source, PROJECT_ROOT)).map((b) => b.source);
        const tools = LAYOUT.tools;
        const allowed = [
          path.join(tools.filesDir, 'hosts'),
          path.join(tools.filesDir, 'nsswitch.conf'),
          path.join(tools.filesDir, 'bashrc'),
          tools.nodeBinary,
          tools.nodePackages['ws'],
        ];
        for (const source of fromProject) assert.ok(allowed.includes(source), `${source} is bound`);
      });

      test("replaces /etc/passwd and /etc/group with the workspace's, and adds the backend's hosts and bashrc", () => {
        const { passwd, group, tools } = LAYOUT;
        for (const [source, target] of [
          [passwd, '/etc/passwd'],
          [group, '/etc/group'],
          [`${tools.filesDir}/hosts`, '/etc/hosts'],
          [`${tools.filesDir}/nsswitch.conf`, '/etc/nsswitch.conf'],
          [`${tools.filesDir}/bashrc`, '/etc/socket-lab/bashrc'],
        ] as const) {
          assert.ok(has(mounts, { kind: 'ro-bind', source, target }), target);
        }
      });

      test('the only writable binds are the workspace home, tmp and shm', () => {
        assert.deepEqual(
          binds.filter((b) => b.kind === 'bind'),
          [
            { kind: 'bind', source: LAYOUT.shm, target: '/dev/shm' },
            { kind: 'bind', source: LAYOUT.home, target: SANDBOX_HOME },
            { kind: 'bind', source: LAYOUT.tmp, target: '/tmp' },
          ],
        );
        assert.ok(!mounts.some((m) => m.kind === 'tmpfs' && m.target === '/dev/shm'), 'an unbounded /dev/shm');
      });

      test("devices are the host's own nodes, one by one, in an empty /dev, and its ptys where it has them", () => {
        const ptys = host.ptys ? [PTYS_DIR] : [];
        assert.deepEqual(
          binds.filter((b) => b.kind === 'dev-bind'),
          [...host.devices, ...ptys].map((d) => ({ kind: 'dev-bind', source: d, target: d })),
        );
        assert.ok(has(mounts, { kind: 'dir', target: '/dev' }));
        assert.ok(has(mounts, { kind: 'symlink', source: '/proc/self/fd', target: '/dev/fd' }));
        assert.ok(has(mounts, { kind: 'symlink', source: '/proc/self/fd/0', target: '/dev/stdin' }));
        assert.ok(has(mounts, { kind: 'proc', target: '/proc' }));
      });
    });
  }

  test("the host's ptys only when each workspace has a user of its own: else another could open them", () => {
    const bound = (ownUser: boolean) => holderMounts(layout(MERGED_USR), ownUser).some((m) => m.target === PTYS_DIR);
    assert.equal(bound(true), true);
    assert.equal(bound(false), false);
  });

  test('top-level directories that are links into /usr stay links; real ones are bound read-only', () => {
    const merged = holderMounts(layout(MERGED_USR), true);
    assert.ok(has(merged, { kind: 'symlink', source: 'usr/bin', target: '/bin' }));
    assert.ok(has(merged, { kind: 'symlink', source: 'usr/lib64', target: '/lib64' }));
    assert.ok(!merged.some((m) => isBind(m) && m.source === '/bin'));
    const split = holderMounts(layout(SPLIT_USR), true);
    assert.ok(has(split, { kind: 'ro-bind', source: '/bin', target: '/bin' }));
    assert.ok(!split.some((m) => m.target === '/sbin'), 'what the host lacks is not made up');
  });

  test("the host Python's configuration is whichever version the host has", () => {
    const python = (host: HostRoot) =>
      holderMounts(layout(host), true)
        .filter((m) => m.target.startsWith('/etc/python3.'))
        .map((m) => m.target);
    assert.deepEqual(python(MERGED_USR), ['/etc/python3.12']);
    assert.deepEqual(python(SPLIT_USR), ['/etc/python3.9']);
  });
});

describe('mountOptions', () => {
  test('flattens each mount into its bwrap option, in order', () => {
    assert.deepEqual(
      mountOptions([
        { kind: 'ro-bind', source: '/usr', target: '/usr' },
        { kind: 'symlink', source: 'usr/bin', target: '/bin' },
        { kind: 'tmpfs', target: '/usr/local' },
        { kind: 'dir', target: '/dev' },
        { kind: 'dev-bind', source: '/dev/null', target: '/dev/null' },
        { kind: 'proc', target: '/proc' },
        { kind: 'bind', source: '/data/home', target: '/home/learner' },
      ]),
      [
        ...['--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--tmpfs', '/usr/local', '--dir', '/dev'],
        ...['--dev-bind', '/dev/null', '/dev/null', '--proc', '/proc', '--bind', '/data/home', '/home/learner'],
      ],
    );
  });
});
