/** The command lines that start and enter a workspace's sandbox, the privilege prefix and the learner's environment. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  enterArgv,
  holderArgv,
  holderMounts,
  learnerEnv,
  mountOptions,
  privilegePrefix,
  SANDBOX_HOME,
  shellCommand,
} from '../../server/src/sandbox/argv.ts';
import { LAYOUT, IDENTITY, JOIN, LIMITS, bwrapOptions } from '../support/sandbox-layout.ts';

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
        const flat = mountOptions(holderMounts(LAYOUT, identity !== null)).join('\0');
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
