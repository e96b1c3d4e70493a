/** The lab's configuration: its defaults, the class passcode, and where each value comes from. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Config } from '../../server/src/config.ts';
import { configOf, errorOf, MIB } from '../support/config-parse.ts';

describe('parseConfig defaults', () => {
  test('no options and no environment give the documented defaults', () => {
    assert.deepEqual(configOf([]), {
      host: '127.0.0.1',
      port: 4321,
      siteDir: '/opt/socket-lab/dist',
      examplesDir: '/opt/socket-lab/examples',
      dataDir: '/home/teacher/.local/share/socket-lab',
      allowedOrigins: [],
      idleTimeoutMs: 1_800_000,
      heartbeatMs: 15_000,
      maxWorkspaces: 100,
      maxWorkspacesPerLearner: 4,
      maxLearners: 1000,
      passcode: null,
      passcodeGenerated: false,
      scrollbackBytes: 262_144,
      sandboxUidBase: 200_000,
      unsafeNoSandbox: false,
      limits: {
        memoryBytes: 512 * MIB,
        processes: 256,
        cpus: 1,
        diskBytes: 200 * MIB,
        openFiles: 1024,
        backendCpus: 0,
      },
      noLimits: false,
      sandboxPool: 0,
    });
  });

  test('environment variables unrelated to the lab are ignored', () => {
    assert.deepEqual(configOf([], { HOST: '0.0.0.0', NODE_ENV: 'production', USER: 'x' }), configOf([]));
  });

  test('the data directory is /var/lib/socket-lab for root, else under the XDG data home', () => {
    assert.equal(configOf([], {}, 0).dataDir, '/var/lib/socket-lab');
    assert.equal(configOf([], { XDG_DATA_HOME: '/data/me' }).dataDir, '/data/me/socket-lab');
    assert.equal(configOf([], { XDG_DATA_HOME: 'relative' }).dataDir, '/home/teacher/.local/share/socket-lab');
  });
});

describe('parseConfig passcode', () => {
  test('on loopback the lab is open unless a passcode is given', () => {
    assert.equal(configOf([]).passcode, null);
    assert.equal(configOf(['--passcode', 'sesame42']).passcode, 'sesame42');
    assert.equal(configOf([], { SOCKET_LAB_PASSCODE: 'sesame42' }).passcodeGenerated, false);
  });

  test('beyond loopback a passcode is generated when none is given, and said to be', () => {
    const config = configOf(['--host', '0.0.0.0']);
    assert.equal(config.passcode, 'generated1');
    assert.equal(config.passcodeGenerated, true);
    assert.equal(configOf(['--host', '0.0.0.0', '--passcode', 'sesame42']).passcodeGenerated, false);
  });

  test('a class beyond loopback gets a sandbox pool as big as its workspaces, up to 100; loopback none', () => {
    assert.equal(configOf([]).sandboxPool, 0);
    assert.equal(configOf(['--host', '0.0.0.0']).sandboxPool, 100);
    assert.equal(configOf(['--host', '0.0.0.0', '--max-workspaces', '30']).sandboxPool, 30);
    assert.equal(configOf(['--host', '0.0.0.0', '--max-workspaces', '300']).sandboxPool, 100);
    assert.equal(configOf(['--host', '0.0.0.0', '--sandbox-pool', '0']).sandboxPool, 0);
    assert.equal(configOf(['--sandbox-pool', '12']).sandboxPool, 12);
  });

  test('no CPU is kept for the backend unless asked, on loopback or beyond', () => {
    assert.equal(configOf([]).limits.backendCpus, 0);
    assert.equal(configOf(['--host', '0.0.0.0']).limits.backendCpus, 0);
    assert.equal(configOf(['--host', '0.0.0.0', '--backend-cpus', '1']).limits.backendCpus, 1);
    assert.equal(configOf([], { SOCKET_LAB_BACKEND_CPUS: '2' }).limits.backendCpus, 2);
    assert.match(errorOf(['--backend-cpus', '-1']), /--backend-cpus/);
  });

  test('a short or spaced passcode is refused with a reason', () => {
    assert.match(errorOf(['--passcode', 'abc']), /--passcode .*at least 4/);
    assert.match(errorOf(['--passcode', 'open sesame']), /--passcode .*printable ASCII/);
  });
});

describe('parseConfig precedence', () => {
  test('a command-line option beats the environment', () => {
    assert.equal(configOf(['--port', '2222'], { PORT: '1111' }).port, 2222);
    assert.equal(configOf(['--host', '::1'], { SOCKET_LAB_HOST: '0.0.0.0' }).host, '::1');
  });

  test('the environment beats the default', () => {
    assert.equal(configOf([], { PORT: '1111' }).port, 1111);
  });

  test('an empty environment variable counts as unset', () => {
    assert.equal(configOf([], { PORT: '' }).port, 4321);
    assert.equal(configOf([], { SOCKET_LAB_HOST: '' }).host, '127.0.0.1');
  });

  test('--allowed-origin on the command line replaces the environment list rather than adding to it', () => {
    const config = configOf(['--allowed-origin', 'https://b.example'], {
      SOCKET_LAB_ALLOWED_ORIGINS: 'https://a.example',
    });
    assert.deepEqual(config.allowedOrigins, ['https://b.example']);
  });

  test('the --name=value form works like --name value', () => {
    assert.equal(configOf(['--port=8080']).port, 8080);
  });
});

describe('parseConfig environment variables', () => {
  const cases: { env: string; value: string; expected: Partial<Config> }[] = [
    {
      env: 'SOCKET_LAB_HOST',
      value: '0.0.0.0',
      expected: { host: '0.0.0.0', passcode: 'generated1', passcodeGenerated: true, sandboxPool: 100 },
    },
    { env: 'PORT', value: '8080', expected: { port: 8080 } },
    { env: 'SOCKET_LAB_SITE_DIR', value: '/srv/site', expected: { siteDir: '/srv/site' } },
    { env: 'SOCKET_LAB_EXAMPLES_DIR', value: '/srv/examples', expected: { examplesDir: '/srv/examples' } },
    { env: 'SOCKET_LAB_DATA_DIR', value: '/srv/data', expected: { dataDir: '/srv/data' } },
    {
      env: 'SOCKET_LAB_ALLOWED_ORIGINS',
      value: 'https://a.example, http://b.example:8080',
      expected: { allowedOrigins: ['https://a.example', 'http://b.example:8080'] },
    },
    { env: 'SOCKET_LAB_IDLE_TIMEOUT', value: '60', expected: { idleTimeoutMs: 60_000 } },
    { env: 'SOCKET_LAB_HEARTBEAT', value: '5', expected: { heartbeatMs: 5_000 } },
    { env: 'SOCKET_LAB_MAX_WORKSPACES', value: '7', expected: { maxWorkspaces: 7 } },
    { env: 'SOCKET_LAB_MAX_WORKSPACES_PER_LEARNER', value: '2', expected: { maxWorkspacesPerLearner: 2 } },
    { env: 'SOCKET_LAB_MAX_LEARNERS', value: '30', expected: { maxLearners: 30 } },
    { env: 'SOCKET_LAB_PASSCODE', value: 'sesame42', expected: { passcode: 'sesame42' } },
    { env: 'SOCKET_LAB_SCROLLBACK', value: '8192', expected: { scrollbackBytes: 8192 } },
    { env: 'SOCKET_LAB_SANDBOX_UID_BASE', value: '300000', expected: { sandboxUidBase: 300_000 } },
    { env: 'SOCKET_LAB_UNSAFE_NO_SANDBOX', value: '1', expected: { unsafeNoSandbox: true } },
    { env: 'SOCKET_LAB_NO_LIMITS', value: 'yes', expected: { noLimits: true } },
  ];
  for (const { env, value, expected } of cases) {
    test(`${env}=${value} sets ${Object.keys(expected).join(', ')}`, () => {
      assert.deepEqual(configOf([], { [env]: value }), { ...configOf([]), ...expected });
    });
  }

  test('SOCKET_LAB_UNSAFE_NO_SANDBOX accepts the usual spellings of yes and no', () => {
    for (const yes of ['1', 'true', 'yes']) {
      assert.equal(configOf([], { SOCKET_LAB_UNSAFE_NO_SANDBOX: yes }).unsafeNoSandbox, true, yes);
    }
    for (const no of ['0', 'false', 'no']) {
      assert.equal(configOf([], { SOCKET_LAB_UNSAFE_NO_SANDBOX: no }).unsafeNoSandbox, false, no);
    }
  });

  test('an invalid environment value is reported with the variable name', () => {
    const error = errorOf([], { PORT: 'abc' });
    assert.match(error, /PORT/);
    assert.match(error, /--port/);
  });
});
