import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ShellMarkScanner, type ShellMark } from '../../server/src/terminal/shell-marks.ts';

const PROMPT = '\x1b]133;A\x07';
const COMMAND_START = '\x1b]133;C\x07';
const commandEnd = (code: number): string => `\x1b]133;D;${code}\x07`;

function scanAll(...chunks: string[]): ShellMark[] {
  const scanner = new ShellMarkScanner();
  return chunks.flatMap((chunk) => scanner.scan(Buffer.from(chunk, 'latin1')));
}

describe('ShellMarkScanner finds marks', () => {
  test('A is a prompt', () => {
    assert.deepEqual(scanAll(`${PROMPT}$ `), [{ kind: 'prompt' }]);
  });

  test('C is a command start', () => {
    assert.deepEqual(scanAll(`ls\r\n${COMMAND_START}`), [{ kind: 'command-start' }]);
  });

  test('D;<code> is a command end with its exit code', () => {
    for (const code of [0, 1, 2, 127, 130, 255]) {
      assert.deepEqual(scanAll(commandEnd(code)), [{ kind: 'command-end', exitCode: code }], String(code));
    }
  });

  test('several marks in one chunk come out in order', () => {
    const chunk = `${PROMPT}$ ls\r\n${COMMAND_START}a.txt\r\n${commandEnd(0)}${PROMPT}$ false\r\n${COMMAND_START}${commandEnd(1)}${PROMPT}`;
    assert.deepEqual(scanAll(chunk), [
      { kind: 'prompt' },
      { kind: 'command-start' },
      { kind: 'command-end', exitCode: 0 },
      { kind: 'prompt' },
      { kind: 'command-start' },
      { kind: 'command-end', exitCode: 1 },
      { kind: 'prompt' },
    ]);
  });

  test('output without marks gives none', () => {
    assert.deepEqual(scanAll('hello\r\n\x1b[1;32mgreen\x1b[0m\r\n'), []);
  });

  test('GB18030 bytes around a mark do not hide it', () => {
    const scanner = new ShellMarkScanner();
    const chunk = Buffer.concat([Buffer.from('c4e3bac3', 'hex'), Buffer.from(PROMPT), Buffer.from('9439fc36', 'hex')]);
    assert.deepEqual(scanner.scan(chunk), [{ kind: 'prompt' }]);
  });
});

describe('ShellMarkScanner across reads', () => {
  const stream = `output\r\n${commandEnd(127)}more`;

  test('a mark split at every byte position is found exactly once', () => {
    for (let at = 0; at <= stream.length; at++) {
      assert.deepEqual(
        scanAll(stream.slice(0, at), stream.slice(at)),
        [{ kind: 'command-end', exitCode: 127 }],
        `split at ${at}`,
      );
    }
  });

  test('a mark split into three pieces at every pair of positions is found exactly once', () => {
    const mark = `x${PROMPT}y`;
    for (let a = 0; a <= mark.length; a++) {
      for (let b = a; b <= mark.length; b++) {
        assert.deepEqual(
          scanAll(mark.slice(0, a), mark.slice(a, b), mark.slice(b)),
          [{ kind: 'prompt' }],
          `split at ${a} and ${b}`,
        );
      }
    }
  });

  test('a mark fed one byte at a time is found', () => {
    const chunks = [...`${PROMPT}$ ls\r\n${COMMAND_START}`];
    assert.deepEqual(scanAll(...chunks), [{ kind: 'prompt' }, { kind: 'command-start' }]);
  });

  test('a lone ESC at the end of a read that starts something else is not a mark', () => {
    assert.deepEqual(scanAll('red: \x1b', '[31mX\x1b[0m'), []);
  });
});

describe('ShellMarkScanner ignores what is not a mark', () => {
  test('an unrelated OSC sequence such as a window title', () => {
    assert.deepEqual(scanAll('\x1b]0;title\x07'), []);
    assert.deepEqual(scanAll(`\x1b]0;title\x07${PROMPT}`), [{ kind: 'prompt' }]);
  });

  test('OSC 1337 and OSC 133 kinds the backend does not use', () => {
    assert.deepEqual(scanAll('\x1b]1337;SetMark\x07\x1b]133;B\x07\x1b]133;D;abc\x07\x1b]133;D;1234\x07'), []);
  });

  test('BEL-less garbage longer than 32 bytes does not stall the next read', () => {
    const scanner = new ShellMarkScanner();
    assert.deepEqual(scanner.scan(Buffer.from(`\x1b]133;${'x'.repeat(40)}`)), []);
    assert.deepEqual(scanner.scan(Buffer.from(`${PROMPT}$ `)), [{ kind: 'prompt' }]);
  });

  test('a long stream of unterminated marks does not stall the scanner', () => {
    const scanner = new ShellMarkScanner();
    for (let i = 0; i < 200; i++) assert.deepEqual(scanner.scan(Buffer.from(`\x1b]133;${'z'.repeat(i % 50)}`)), []);
    assert.deepEqual(scanner.scan(Buffer.from(`\r\n${'y'.repeat(40)}\r\n${PROMPT}`)), [{ kind: 'prompt' }]);
  });

  test('a mark after BEL-less garbage longer than 32 bytes in the same read is found', () => {
    assert.deepEqual(scanAll(`\x1b]133;${'x'.repeat(40)}\r\n${PROMPT}$ `), [{ kind: 'prompt' }]);
  });

  test('a mark after a short unterminated one carried over from the previous read is found', () => {
    assert.deepEqual(scanAll('\x1b]133;xx', `\r\n${commandEnd(0)}${PROMPT}`), [
      { kind: 'command-end', exitCode: 0 },
      { kind: 'prompt' },
    ]);
  });
});
