/** The lab's configuration: the workspace limits, allowed origins, invalid values and --help. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configOf, errorOf, MIB, parse } from '../support/config-parse.ts';

describe('parseConfig workspace limits', () => {
  const limitsOf = (argv: string[], env: Record<string, string> = {}) => configOf(argv, env).limits;

  test('each limit has an option, in MiB for memory and disk', () => {
    const limits = limitsOf([
      '--memory-limit',
      '96',
      '--process-limit',
      '64',
      '--cpu-limit',
      '0.5',
      '--disk-limit',
      '32',
      '--open-files',
      '200',
      '--backend-cpus',
      '2',
    ]);
    assert.deepEqual(limits, {
      memoryBytes: 96 * MIB,
      processes: 64,
      cpus: 0.5,
      diskBytes: 32 * MIB,
      openFiles: 200,
      backendCpus: 2,
    });
  });

  test('each limit has an environment variable', () => {
    const limits = limitsOf([], {
      SOCKET_LAB_MEMORY_LIMIT: '1024',
      SOCKET_LAB_PROCESS_LIMIT: '100',
      SOCKET_LAB_CPU_LIMIT: '2',
      SOCKET_LAB_DISK_LIMIT: '500',
      SOCKET_LAB_OPEN_FILES: '4096',
      SOCKET_LAB_BACKEND_CPUS: '0',
    });
    assert.deepEqual(limits, {
      memoryBytes: 1024 * MIB,
      processes: 100,
      cpus: 2,
      diskBytes: 500 * MIB,
      openFiles: 4096,
      backendCpus: 0,
    });
  });

  test('the command line beats the environment', () => {
    assert.equal(limitsOf(['--cpu-limit', '1.5'], { SOCKET_LAB_CPU_LIMIT: '3' }).cpus, 1.5);
  });

  test('--no-limits is a flag, and off by default', () => {
    assert.equal(configOf(['--no-limits']).noLimits, true);
    assert.equal(configOf([]).noLimits, false);
    assert.equal(configOf([], { SOCKET_LAB_NO_LIMITS: '0' }).noLimits, false);
  });

  test('--no-limits is allowed beyond loopback (the lab checks at start whether it is needed)', () => {
    const config = configOf(['--no-limits', '--host', '0.0.0.0']);
    assert.equal(config.noLimits, true);
    assert.equal(config.host, '0.0.0.0');
  });

  test('the limits are frozen', () => {
    assert.ok(Object.isFrozen(configOf([]).limits));
  });

  const invalid: string[][] = [
    ['--memory-limit', '0'],
    ['--memory-limit', '1.5'],
    ['--process-limit', '1'],
    ['--process-limit', 'many'],
    ['--cpu-limit', '0'],
    ['--cpu-limit', '-1'],
    ['--disk-limit', '0'],
    ['--open-files', '3'],
  ];
  for (const argv of invalid) {
    test(`${argv.join(' ')} is rejected, naming the option`, () => {
      assert.match(errorOf(argv), new RegExp(argv[0] as string));
    });
  }
});

describe('parseConfig --allowed-origin', () => {
  test('is repeatable on the command line', () => {
    const config = configOf(['--allowed-origin', 'https://a.example', '--allowed-origin', 'http://b.example:8080']);
    assert.deepEqual(config.allowedOrigins, ['https://a.example', 'http://b.example:8080']);
  });

  test('a trailing slash is normalised away', () => {
    assert.deepEqual(configOf(['--allowed-origin', 'https://a.example/']).allowedOrigins, ['https://a.example']);
  });

  test('an origin with a path is rejected, naming the option', () => {
    const error = errorOf(['--allowed-origin', 'http://x/y']);
    assert.match(error, /--allowed-origin/);
    assert.match(error, /http:\/\/x\/y/);
  });

  test('a non-http(s) origin is rejected', () => {
    assert.match(errorOf(['--allowed-origin', 'ftp://x.example']), /--allowed-origin/);
    assert.match(errorOf(['--allowed-origin', 'file:///tmp']), /--allowed-origin/);
  });

  test('a bad entry in the comma-separated environment list is rejected', () => {
    const error = errorOf([], { SOCKET_LAB_ALLOWED_ORIGINS: 'https://a.example,http://x/y' });
    assert.match(error, /SOCKET_LAB_ALLOWED_ORIGINS/);
  });
});

describe('parseConfig rejects invalid values', () => {
  const cases: { argv: string[]; names: RegExp }[] = [
    { argv: ['--port', '70000'], names: /--port/ },
    { argv: ['--port', 'abc'], names: /--port/ },
    { argv: ['--port', '80.5'], names: /--port/ },
    { argv: ['--idle-timeout', '0'], names: /--idle-timeout/ },
    { argv: ['--heartbeat', '0'], names: /--heartbeat/ },
    { argv: ['--max-workspaces', '0'], names: /--max-workspaces/ },
    { argv: ['--scrollback', '100'], names: /--scrollback/ },
    { argv: ['--sandbox-uid-base', '0'], names: /--sandbox-uid-base/ },
    { argv: ['--host', ''], names: /--host/ },
  ];
  for (const { argv, names } of cases) {
    test(`${argv.join(' ')} gives an error naming the option`, () => {
      assert.match(errorOf(argv), names);
    });
  }

  test('an unknown flag is rejected, naming the flag', () => {
    assert.match(errorOf(['--bogus']), /--bogus/);
  });

  test('a positional argument is rejected, naming it', () => {
    assert.match(errorOf(['start']), /start/);
  });

  test('several invalid options are all reported', () => {
    const error = errorOf(['--port', '70000', '--idle-timeout', '0']);
    assert.match(error, /--port/);
    assert.match(error, /--idle-timeout/);
  });
});

describe('parseConfig --unsafe-no-sandbox', () => {
  test('is rejected together with a non-loopback host', () => {
    const error = errorOf(['--unsafe-no-sandbox', '--host', '0.0.0.0']);
    assert.match(error, /--host/);
    assert.match(error, /--unsafe-no-sandbox/);
  });

  test('is rejected when the host comes from the environment', () => {
    assert.match(errorOf(['--unsafe-no-sandbox'], { SOCKET_LAB_HOST: '0.0.0.0' }), /--unsafe-no-sandbox/);
  });

  test('is accepted on loopback hosts', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost']) {
      const config = configOf(['--unsafe-no-sandbox', '--host', host]);
      assert.equal(config.unsafeNoSandbox, true, host);
      assert.equal(config.host, host);
    }
  });

  test('a non-loopback host alone is fine', () => {
    assert.equal(configOf(['--host', '0.0.0.0']).unsafeNoSandbox, false);
  });
});

describe('parseConfig --help', () => {
  const expected: [option: string, shownDefault: string, env: string][] = [
    ['host', '127.0.0.1', 'SOCKET_LAB_HOST'],
    ['port', '4321', 'PORT'],
    ['site-dir', 'dist', 'SOCKET_LAB_SITE_DIR'],
    ['examples-dir', 'examples', 'SOCKET_LAB_EXAMPLES_DIR'],
    ['data-dir', '/home/teacher/.local/share/socket-lab', 'SOCKET_LAB_DATA_DIR'],
    ['allowed-origin', 'none', 'SOCKET_LAB_ALLOWED_ORIGINS'],
    ['idle-timeout', '1800', 'SOCKET_LAB_IDLE_TIMEOUT'],
    ['heartbeat', '15', 'SOCKET_LAB_HEARTBEAT'],
    ['max-workspaces', '100', 'SOCKET_LAB_MAX_WORKSPACES'],
    ['max-workspaces-per-learner', '4', 'SOCKET_LAB_MAX_WORKSPACES_PER_LEARNER'],
    ['max-learners', '1000', 'SOCKET_LAB_MAX_LEARNERS'],
    ['passcode', 'none', 'SOCKET_LAB_PASSCODE'],
    ['scrollback', '262144', 'SOCKET_LAB_SCROLLBACK'],
    ['sandbox-uid-base', '200000', 'SOCKET_LAB_SANDBOX_UID_BASE'],
    ['unsafe-no-sandbox', 'false', 'SOCKET_LAB_UNSAFE_NO_SANDBOX'],
    ['memory-limit', '512', 'SOCKET_LAB_MEMORY_LIMIT'],
    ['process-limit', '256', 'SOCKET_LAB_PROCESS_LIMIT'],
    ['cpu-limit', '1', 'SOCKET_LAB_CPU_LIMIT'],
    ['disk-limit', '200', 'SOCKET_LAB_DISK_LIMIT'],
    ['open-files', '1024', 'SOCKET_LAB_OPEN_FILES'],
    ['backend-cpus', '0', 'SOCKET_LAB_BACKEND_CPUS'],
    ['no-limits', 'false', 'SOCKET_LAB_NO_LIMITS'],
    ['sandbox-pool', 'none', 'SOCKET_LAB_SANDBOX_POOL'],
  ];

  function helpOf(argv: string[]): string {
    const result = parse(argv);
    if (result.ok !== 'help') assert.fail(`expected help, got ${JSON.stringify(result)}`);
    return result.text;
  }

  test('lists every option with its default and environment variable', () => {
    const text = helpOf(['--help']);
    for (const [option, shownDefault, env] of expected) {
      const block = new RegExp(`^  --${option}\\n.*\\n      default: ${shownDefault}; env: ${env}$`, 'm');
      assert.match(text, block, `--${option}`);
    }
  });

  test('lists no option beyond the known ones and --help', () => {
    const listed = [...helpOf(['--help']).matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]);
    assert.deepEqual(listed, [...expected.map(([option]) => option), 'help']);
  });

  test('-h is the short form', () => {
    assert.equal(helpOf(['-h']), helpOf(['--help']));
  });
});

describe('parseConfig paths', () => {
  test('relative paths on the command line resolve against cwd', () => {
    const config = configOf(['--site-dir', 'build', '--examples-dir', '../ex', '--data-dir', 'data']);
    assert.equal(config.siteDir, '/home/teacher/course/build');
    assert.equal(config.examplesDir, '/home/teacher/ex');
    assert.equal(config.dataDir, '/home/teacher/course/data');
  });

  test('relative paths in the environment resolve against cwd', () => {
    const config = configOf([], { SOCKET_LAB_SITE_DIR: 'build', SOCKET_LAB_DATA_DIR: 'data' });
    assert.equal(config.siteDir, '/home/teacher/course/build');
    assert.equal(config.dataDir, '/home/teacher/course/data');
  });

  test('default paths resolve against the project root, not cwd', () => {
    const config = configOf([]);
    assert.equal(config.siteDir, '/opt/socket-lab/dist');
    assert.equal(config.examplesDir, '/opt/socket-lab/examples');
  });

  test('absolute paths are kept as given', () => {
    assert.equal(configOf(['--site-dir', '/srv/www']).siteDir, '/srv/www');
  });
});

describe('parseConfig result', () => {
  test('the config and its origin list are frozen', () => {
    const config = configOf(['--allowed-origin', 'https://a.example']);
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.allowedOrigins));
    assert.throws(() => {
      (config as { port: number }).port = 1;
    }, TypeError);
    assert.throws(() => {
      (config.allowedOrigins as string[]).push('https://evil.example');
    }, TypeError);
    assert.equal(config.port, 4321);
    assert.deepEqual(config.allowedOrigins, ['https://a.example']);
  });
});
