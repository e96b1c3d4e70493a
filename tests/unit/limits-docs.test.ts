/**
 * docs/protocol.md quotes the lab's limits; src/protocol/limits.ts defines them. This keeps the two saying the same:
 * change a limit and this test names the sentence of the documentation to change with it.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { CAPTURE, CHECKS, DOOR, FILES, FLOW_CONTROL, PANES, WIRE } from '#protocol/limits.ts';

const docs = await readFile(path.join(import.meta.dirname, '..', '..', 'docs', 'protocol.md'), 'utf8');

const KIB = 1024;
const kib = (bytes: number) => `${bytes / KIB} KiB`;
const mib = (bytes: number) => `${bytes / KIB / KIB} MiB`;
/** 100000 as the docs write it: 100 000. */
const spaced = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');

const quoted: [what: string, text: string][] = [
  ['the largest message from the page', `at most ${kib(WIRE.maxPayload)} (\`maxPayload\``],
  ["a ws-send's characters", `a \`ws-send\` of ${spaced(WIRE.wsSendChars)} characters`],
  ['input a program has not read', `is held up to ${kib(WIRE.pendingInput)}`],
  ["a join form's body", `at most ${kib(DOOR.joinBodyBytes)}) to \`POST /_lab/join\``],
  [
    'wrong passcodes before a wait',
    `| ${DOOR.wrongPasscodes} wrong passcodes from this client address within a minute`,
  ],
  ['a display name', `over ${DOOR.displayNameChars} characters`],
  ['the preview reads at most', `\`too-large\` (${mib(PANES.previewBytes)})`],
  ['the preview waits at most', `\`timeout\` (${PANES.previewTimeoutMs / 60_000} min)`],
  ['the high watermark', `Above ${spaced(FLOW_CONTROL.highWatermark)} it stops reading the pty`],
  ['the low watermark', `below ${spaced(FLOW_CONTROL.lowWatermark)} it reads again`],
  ['the ack batch', `in batches of at least ${spaced(FLOW_CONTROL.ackBatch)} bytes`],
  ['the largest file the editor opens', `at most ${mib(FILES.maxBytes)} of UTF-8 text`],
  ["a path's characters", `at most ${FILES.pathChars} characters long`],
  ["a name's bytes", `each name in it at most ${FILES.nameBytes} bytes of UTF-8`],
  ["a save's parts", `parts of at most ${FILES.saveChunkChars} UTF-16 units`],
  ['the parts of one save', `at most ${FILES.saveParts} of them`],
  ['file requests waiting', `A page may have ${FILES.pendingRequests} file requests waiting at once`],
  ['captures per workspace', `a\nworkspace has at most ${CAPTURE.perWorkspace} captures at once`],
  ['the capture command', `-s ${CAPTURE.snapLength} -B ${CAPTURE.kernelBufferKiB} -w -`],
  ['segments per message', `up to ${CAPTURE.batchSegments} segments:`],
  ['unacknowledged segments', `at most ${CAPTURE.inFlightSegments} segments the page has not acknowledged`],
  ['segments held', `the newest ${CAPTURE.heldSegments} wait`],
  ['the kernel buffer', `the kernel's ${CAPTURE.kernelBufferKiB} KiB capture buffer`],
  ['the snap length', `kept up to ${CAPTURE.snapLength} bytes (the snap length)`],
  ['segments the page keeps', `The page keeps the newest ${CAPTURE.pageSegments} segments`],
  ["an output check's window", `the last ${kib(CHECKS.outputWindowChars)} of characters`],
  ["a probe's wait", `waits at most ${CHECKS.probeTimeoutMs / 1000} s for its`],
  ["a probe's quiet", `${CHECKS.probeQuietMs} ms of quiet ends it`],
  [
    'polls before a probe',
    `only after ${CHECKS.probeIdlePolls === 2 ? 'two' : CHECKS.probeIdlePolls} socket polls in a row`,
  ],
  ['probe retries', `up to ${CHECKS.probeAttempts} times`],
  ['checks per lab', `A lab has at most\n${CHECKS.perLab} checks`],
  ['the socket poll', `every ${CHECKS.socketPollMs === 1000 ? 'second' : `${CHECKS.socketPollMs} ms`}`],
];

for (const [what, text] of quoted) {
  test(`docs/protocol.md quotes ${what} as src/protocol/limits.ts defines it`, () => {
    assert.ok(docs.includes(text), `expected docs/protocol.md to say: ${text}`);
  });
}
