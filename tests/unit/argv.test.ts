import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  enterArgv,
  ETC_ALLOWLIST,
  holderArgv,
  holderMounts,
  learnerEnv,
  mountOptions,
  privilegePrefix,
  SANDBOX_HOME,
  shellCommand,
  type HostRoot,
  type Limits,
  type Mount,
  type SandboxLayout,
} from '../../server/src/sandbox/argv.ts';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');
const DATA = '/var/tmp/socket-lab-test/ws-1';

/** A merged-/usr host (Debian 12): /bin and friends are links into /usr. */
const MERGED_USR: HostRoot = {
  etc: ['/etc/alternatives', '/etc/ld.so.cache', '/etc/services', '/etc/python3', '/etc/python3.12'],
  rootDirs: [
    { path: '/bin', symlink: true },
    { path: '/sbin', symlink: true },
    { path: '/lib', symlink: true },
    { path: '/lib64', symlink: true },
  ],
  devices: ['/dev/null', '/dev/zero', '/dev/urandom'],
};

/** An older host with real top-level directories, and host data that names what must never get in. */
const SPLIT_USR: HostRoot = {
  etc: ['/etc/services', '/etc/shadow', '/etc', '/etc/ssh', '/etc/python3.9', '/etc/python3.9/../shadow'],
  rootDirs: [
    { path: '/bin', symlink: false },
    { path: '/lib', symlink: false },
  ],
  devices: ['/dev/null'],
};

// The layout the backend really builds: sandbox files and the Node binary may live inside the project directory.
function layout(hostRoot: HostRoot): SandboxLayout {
  return {
    home: `${DATA}/home`,
    tmp: `${DATA}/tmp`,
    shm: `${DATA}/shm`,
    passwd: `${DATA}/passwd`,
    group: `${DATA}/group`,
    tools: {
      filesDir: path.join(PROJECT_ROOT, 'server', 'sandbox'),
      nodeBinary: process.execPath,
      nodePackages: { ws: path.join(PROJECT_ROOT, 'node_modules', 'ws') },
    },
    hostRoot,
  };
}
const LAYOUT = layout(MERGED_USR);
const IDENTITY = { uid: 200_001, gid: 200_001 };
const JOIN = {
  helper: path.join(PROJECT_ROOT, 'server', 'sandbox', 'join-cgroup'),
  procsFiles: ['/sys/fs/cgroup/memory/lab/ws-1/cgroup.procs', '/sys/fs/cgroup/pids/lab/ws-1/cgroup.procs'],
};
const LIMITS: Limits = { cgroup: JOIN, processes: 512, openFiles: 1024, fileSize: 512 * 1024 * 1024 };

type Bind = Extract<Mount, { kind: 'ro-bind' | 'bind' | 'dev-bind' }>;
const isBind = (m: Mount): m is Bind => m.kind === 'ro-bind' || m.kind === 'bind' || m.kind === 'dev-bind';
const isWithin = (inner: string, outer: string): boolean =>
  inner === outer || inner.startsWith(outer.endsWith('/') ? outer : `${outer}/`);
const has = (mounts: readonly Mount[], wanted: Mount) =>
  mounts.some((m) => JSON.stringify(m) === JSON.stringify(wanted));
const indexOf = (mounts: readonly Mount[], wanted: Mount) =>
  mounts.findIndex((m) => JSON.stringify(m) === JSON.stringify(wanted));

/** The bwrap options of a holder command line: everything between /usr/bin/bwrap and its `--`. */
function bwrapOptions(argv: string[]): string[] {
  const start = argv.indexOf('/usr/bin/bwrap');
  assert.notEqual(start, -1, 'no bwrap in the command line');
  const end = argv.indexOf('--', start);
  assert.notEqual(end, -1, 'bwrap options not terminated by --');
  return argv.slice(start + 1, end);
}

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
      const mounts = holderMounts(layout(host));
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

      test("devices are the host's own nodes, one by one, in an empty /dev", () => {
        assert.deepEqual(
          binds.filter((b) => b.kind === 'dev-bind'),
          host.devices.map((d) => ({ kind: 'dev-bind', source: d, target: d })),
        );
        assert.ok(has(mounts, { kind: 'dir', target: '/dev' }));
        assert.ok(has(mounts, { kind: 'symlink', source: '/proc/self/fd', target: '/dev/fd' }));
        assert.ok(has(mounts, { kind: 'symlink', source: '/proc/self/fd/0', target: '/dev/stdin' }));
        assert.ok(has(mounts, { kind: 'proc', target: '/proc' }));
      });
    });
  }

  test('top-level directories that are links into /usr stay links; real ones are bound read-only', () => {
    const merged = holderMounts(layout(MERGED_USR));
    assert.ok(has(merged, { kind: 'symlink', source: 'usr/bin', target: '/bin' }));
    assert.ok(has(merged, { kind: 'symlink', source: 'usr/lib64', target: '/lib64' }));
    assert.ok(!merged.some((m) => isBind(m) && m.source === '/bin'));
    const split = holderMounts(layout(SPLIT_USR));
    assert.ok(has(split, { kind: 'ro-bind', source: '/bin', target: '/bin' }));
    assert.ok(!split.some((m) => m.target === '/sbin'), 'what the host lacks is not made up');
  });

  test("the host Python's configuration is whichever version the host has", () => {
    const python = (host: HostRoot) =>
      holderMounts(layout(host))
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

describe('holderArgv', () => {
  for (const [name, identity] of [
    ['with an identity', IDENTITY],
    ['without an identity', null],
  ] as const) {
    describe(name, () => {
      const argv = holderArgv(LAYOUT, identity, LIMITS, 9);
      const options = bwrapOptions(argv);

      test('runs bwrap behind the privilege prefix', () => {
        const prefix = privilegePrefix(identity, LIMITS);
        assert.deepEqual(argv.slice(0, prefix.length), prefix);
        assert.equal(argv[prefix.length], '/usr/bin/bwrap');
      });

      test('builds the file system from exactly the holder mounts', () => {
        const flat = mountOptions(holderMounts(LAYOUT)).join('\0');
        assert.ok(options.join('\0').includes(flat));
        assert.ok(!options.includes('--dev'), 'no devpts: nsenter could not join the network namespace');
      });

      test('unshares user, network, pid, ipc and uts, and dies with its parent', () => {
        for (const flag of ['--unshare-user', '--unshare-net', '--unshare-pid', '--unshare-ipc', '--unshare-uts']) {
          assert.ok(options.includes(flag), flag);
        }
        assert.ok(options.includes('--die-with-parent'));
        assert.ok(options.includes('--new-session'));
        assert.ok(!options.includes('--share-net'));
      });

      test('reports on the given info fd and starts in the sandbox home', () => {
        assert.equal(options[options.indexOf('--info-fd') + 1], '9');
        assert.equal(options[options.indexOf('--chdir') + 1], SANDBOX_HOME);
      });

      test("the holder command is the sandbox's cat, not a shell", () => {
        assert.deepEqual(argv.slice(argv.indexOf('--', argv.indexOf('/usr/bin/bwrap')) + 1), ['/usr/bin/cat']);
      });
    });
  }
});

describe('privilegePrefix', () => {
  test('with an identity switches uid and gid, clears groups, forbids new privileges and limits processes', () => {
    const prefix = privilegePrefix(IDENTITY, LIMITS);
    for (const arg of ['--reuid=200001', '--regid=200001', '--clear-groups', '--no-new-privs', '--nproc=512']) {
      assert.ok(prefix.includes(arg), arg);
    }
  });

  test('limits file size and disables core dumps', () => {
    const prefix = privilegePrefix(null, LIMITS);
    assert.ok(prefix.includes(`--fsize=${512 * 1024 * 1024}`));
    assert.ok(prefix.includes('--core=0'));
  });

  test('limits open files', () => {
    assert.ok(privilegePrefix(null, LIMITS).includes('--nofile=1024'));
    assert.ok(!privilegePrefix(null, { ...LIMITS, openFiles: null }).some((a) => a.startsWith('--nofile')));
  });

  test('first joins the cgroup: the fixed helper run by /bin/sh, the procs files, then -- and prlimit', () => {
    const prefix = privilegePrefix(IDENTITY, LIMITS);
    assert.deepEqual(prefix.slice(0, 5), ['/bin/sh', JOIN.helper, ...JOIN.procsFiles, '--']);
    assert.equal(prefix[5], '/usr/bin/prlimit');
  });

  test('without a cgroup, starts with prlimit', () => {
    assert.equal(privilegePrefix(IDENTITY, { ...LIMITS, cgroup: null })[0], '/usr/bin/prlimit');
  });

  test('runs the cgroup join, then prlimit, then setpriv, then the command', () => {
    const prefix = privilegePrefix(IDENTITY, LIMITS);
    assert.ok(prefix.indexOf('/bin/sh') < prefix.indexOf('/usr/bin/prlimit'));
    const setpriv = prefix.indexOf('/usr/bin/setpriv');
    assert.equal(prefix[setpriv - 1], '--');
    assert.ok(prefix.indexOf('--nproc=512') < setpriv);
    assert.ok(prefix.indexOf('--reuid=200001') > setpriv);
    assert.equal(prefix.at(-1), '--');
  });

  test('without an identity there is no uid or gid switch and no process limit', () => {
    const prefix = privilegePrefix(null, LIMITS);
    assert.ok(!prefix.some((arg) => arg.startsWith('--reuid') || arg.startsWith('--regid')), prefix.join(' '));
    assert.ok(!prefix.includes('--clear-groups'));
    assert.ok(!prefix.some((arg) => arg.startsWith('--nproc')));
    assert.ok(prefix.includes('--no-new-privs'));
  });

  test('an identity without a process limit switches uid but sets no --nproc', () => {
    const prefix = privilegePrefix(IDENTITY, { ...LIMITS, processes: null });
    assert.ok(prefix.includes('--reuid=200001'));
    assert.ok(!prefix.some((arg) => arg.startsWith('--nproc')));
  });
});

describe('enterArgv', () => {
  const command = shellCommand('/etc/socket-lab/bashrc');
  const argv = enterArgv(4242, IDENTITY, LIMITS, command);

  test('joins the holder by pid with preserved credentials', () => {
    assert.ok(argv.includes('--target=4242'));
    assert.ok(argv.includes('--preserve-credentials'));
  });

  test('enters every namespace of the holder and its root', () => {
    for (const flag of ['--user', '--net', '--pid', '--mount', '--ipc', '--uts', '--root', '--wd']) {
      assert.ok(argv.includes(flag), flag);
    }
  });

  test('runs the command after nsenter, behind the privilege prefix', () => {
    const prefix = privilegePrefix(IDENTITY, LIMITS);
    assert.deepEqual(argv.slice(0, prefix.length), prefix);
    assert.equal(argv[prefix.length], '/usr/bin/nsenter');
    assert.deepEqual(argv.slice(-command.length - 1), ['--', ...command]);
  });

  test('the shell command is an interactive bash with the given rc file', () => {
    assert.deepEqual(command, ['/bin/bash', '--rcfile', '/etc/socket-lab/bashrc', '-i']);
  });
});

describe('learnerEnv', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env['AWS_SECRET_ACCESS_KEY'] = 'leak-me';
    process.env['SOCKET_LAB_SECRET'] = 'leak-me';
    process.env['PATH'] = '/opt/backend/bin:/usr/bin';
    process.env['LD_PRELOAD'] = '/tmp/evil.so';
  });
  afterEach(() => {
    for (const key of ['AWS_SECRET_ACCESS_KEY', 'SOCKET_LAB_SECRET', 'LD_PRELOAD']) {
      if (!(key in saved)) Reflect.deleteProperty(process.env, key);
    }
    Object.assign(process.env, saved);
  });

  test('is exactly the listed variables, with a fixed sandbox PATH', () => {
    assert.deepEqual(learnerEnv('/home/learner'), {
      HOME: '/home/learner',
      USER: 'learner',
      LOGNAME: 'learner',
      SHELL: '/bin/bash',
      TERM: 'xterm-256color',
      COLORTERM: 'truecolor',
      LANG: 'C.UTF-8',
      PATH: '/usr/local/bin:/usr/bin:/bin',
    });
  });

  test('carries no value of the backend environment', () => {
    const env = learnerEnv('/home/learner');
    assert.ok(!Object.values(env).includes('leak-me'));
    assert.ok(!('LD_PRELOAD' in env));
    assert.notEqual(env['PATH'], process.env['PATH']);
  });
});
