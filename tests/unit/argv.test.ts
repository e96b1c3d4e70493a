import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  enterArgv,
  holderArgv,
  learnerEnv,
  privilegePrefix,
  SANDBOX_HOME,
  shellCommand,
  type Limits,
  type SandboxLayout,
} from '../../server/src/sandbox/argv.ts';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');
const DATA = '/var/tmp/socket-lab-test/ws-1';

// The layout the backend really builds: sandbox files and the Node binary may live inside the project directory.
const LAYOUT: SandboxLayout = {
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
};
const IDENTITY = { uid: 200_001, gid: 200_001 };
const JOIN = {
  helper: path.join(PROJECT_ROOT, 'server', 'sandbox', 'join-cgroup'),
  procsFiles: ['/sys/fs/cgroup/memory/lab/ws-1/cgroup.procs', '/sys/fs/cgroup/pids/lab/ws-1/cgroup.procs'],
};
const LIMITS: Limits = { cgroup: JOIN, processes: 512, openFiles: 1024, fileSize: 512 * 1024 * 1024 };

const BIND_OPTIONS = new Set(['--bind', '--ro-bind', '--dev-bind', '--bind-try', '--ro-bind-try', '--dev-bind-try']);

/** The bwrap options of a holder command line: everything between /usr/bin/bwrap and its `--`. */
function bwrapOptions(argv: string[]): string[] {
  const start = argv.indexOf('/usr/bin/bwrap');
  assert.notEqual(start, -1, 'no bwrap in the command line');
  const end = argv.indexOf('--', start);
  assert.notEqual(end, -1, 'bwrap options not terminated by --');
  return argv.slice(start + 1, end);
}

function binds(options: string[]): { source: string; target: string }[] {
  const found: { source: string; target: string }[] = [];
  for (let i = 0; i < options.length; i++) {
    const option = options[i] as string;
    if (!BIND_OPTIONS.has(option)) continue;
    found.push({ source: options[i + 1] as string, target: options[i + 2] as string });
    i += 2;
  }
  return found;
}

const isWithin = (inner: string, outer: string): boolean =>
  inner === outer || inner.startsWith(outer.endsWith('/') ? outer : `${outer}/`);

describe('holderArgv', () => {
  const withIdentity = holderArgv(LAYOUT, IDENTITY, LIMITS, 9);
  const withoutIdentity = holderArgv(LAYOUT, null, LIMITS, 9);

  for (const [name, argv] of [
    ['with an identity', withIdentity],
    ['without an identity', withoutIdentity],
  ] as const) {
    describe(name, () => {
      const options = bwrapOptions(argv);
      const bound = binds(options);

      test('binds something', () => {
        assert.ok(bound.length > 5);
        assert.ok(bound.some((b) => b.source === '/usr' && b.target === '/usr'));
      });

      test('never binds /etc/shadow, /root, the whole /etc or the project directory, nor a parent of them', () => {
        const secret = ['/etc/shadow', '/etc/gshadow', '/root', '/etc', PROJECT_ROOT];
        for (const { source, target } of bound) {
          for (const path of secret) {
            assert.ok(!isWithin(path, source), `${source} -> ${target} exposes ${path}`);
          }
          assert.ok(!isWithin(source, '/root'), `${source} is under /root`);
          assert.ok(!['/etc/shadow', '/etc/gshadow', '/etc/sudoers'].includes(source), `${source} is bound`);
        }
      });

      test('binds only single files out of the project directory', () => {
        const fromProject = bound.filter((b) => isWithin(b.source, PROJECT_ROOT)).map((b) => b.source);
        const allowed = [
          path.join(LAYOUT.tools.filesDir, 'hosts'),
          path.join(LAYOUT.tools.filesDir, 'nsswitch.conf'),
          path.join(LAYOUT.tools.filesDir, 'bashrc'),
          LAYOUT.tools.nodeBinary,
          LAYOUT.tools.nodePackages['ws'],
        ];
        for (const source of fromProject) assert.ok(allowed.includes(source), `${source} is bound`);
      });

      test('replaces /etc/passwd and /etc/group with the workspace ones', () => {
        assert.ok(bound.some((b) => b.source === LAYOUT.passwd && b.target === '/etc/passwd'));
        assert.ok(bound.some((b) => b.source === LAYOUT.group && b.target === '/etc/group'));
      });

      test('the only writable binds are the workspace home, tmp and shm', () => {
        const writable = [];
        for (let i = 0; i < options.length; i++) {
          if (options[i] === '--bind' || options[i] === '--bind-try')
            writable.push(`${options[i + 1]} -> ${options[i + 2]}`);
        }
        assert.deepEqual(
          writable.sort(),
          [`${LAYOUT.home} -> ${SANDBOX_HOME}`, `${LAYOUT.tmp} -> /tmp`, `${LAYOUT.shm} -> /dev/shm`].sort(),
        );
        assert.ok(!options.some((o, i) => o === '--tmpfs' && options[i + 1] === '/dev/shm'), 'an unbounded /dev/shm');
      });

      test('unshares user, network, pid, ipc and uts, and dies with its parent', () => {
        for (const flag of ['--unshare-user', '--unshare-net', '--unshare-pid', '--unshare-ipc', '--unshare-uts']) {
          assert.ok(options.includes(flag), flag);
        }
        assert.ok(options.includes('--die-with-parent'));
        assert.ok(options.includes('--new-session'));
        assert.ok(!options.includes('--share-net'));
      });

      test('reports on the given info fd', () => {
        assert.equal(options[options.indexOf('--info-fd') + 1], '9');
      });

      test('the holder command is a program from the sandbox /usr, not a shell', () => {
        const command = argv.slice(argv.indexOf('--', argv.indexOf('/usr/bin/bwrap')) + 1);
        assert.ok(command.length > 0);
        assert.match(command[0] as string, /^\/usr\/bin\//);
        assert.ok(!['/bin/sh', '/bin/bash', '/usr/bin/bash', '/usr/bin/sh'].includes(command[0] as string));
      });

      test('starts in the sandbox home', () => {
        assert.equal(options[options.indexOf('--chdir') + 1], SANDBOX_HOME);
      });

      test('runs bwrap behind the privilege prefix', () => {
        const prefix = privilegePrefix(name === 'with an identity' ? IDENTITY : null, LIMITS);
        assert.deepEqual(argv.slice(0, prefix.length), prefix);
        assert.equal(argv[prefix.length], '/usr/bin/bwrap');
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
