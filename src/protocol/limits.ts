/**
 * Every limit of the lab, in one place: what crosses the wire between page and backend, what a pane may fetch, what
 * a class and a learner may hold, and what is kept of a learner's work. The backend enforces them, the page checks
 * before it sends, docs/protocol.md quotes them (tests/unit/limits-docs.test.ts keeps it honest), and the per-workspace
 * kernel limits take their defaults from here. Numbers only: importing this costs the page nothing else.
 */
const KIB = 1024;
const MIB = 1024 * KIB;

/** The lab WebSocket. */
export const WIRE = {
  /** Largest message a page may send; a larger one closes the socket with 1009. Big enough for a pasted page. */
  maxPayload: 64 * KIB,
  /** Characters of one `ws-send`: up to three times as many bytes in UTF-8, which the page checks against maxPayload. */
  wsSendChars: 60_000,
  /** Lab sockets one learner may have open at once (tabs x labs). */
  connectionsPerLearner: 16,
  /** Messages a page may send before its workspace is ready; more close the socket with 4003. */
  pendingMessages: 64,
  /** Typed or pasted input a program has not read yet, held per terminal; beyond it input is refused (`busy`). */
  pendingInput: 256 * KIB,
  /** The page splits longer pastes into frames of this many characters. */
  inputChunkChars: 8 * KIB,
} as const;

/**
 * Flow control, in bytes of terminal output. The high watermark is VS Code's (see the xterm.js flow-control guide);
 * the page acknowledges about one 32 KiB output frame at a time and the backend reads again at half the high
 * watermark: with VS Code's 5 000 for both, a flood cost the backend an acknowledgement to parse every 5 KB, and it
 * waited for the page to draw everything before reading more.
 */
export const FLOW_CONTROL = {
  /** The backend stops reading a terminal once this many bytes are sent but not acknowledged. */
  highWatermark: 100_000,
  /** ...and reads again once the unacknowledged bytes fall below this. */
  lowWatermark: 50_000,
  /**
   * The page acknowledges in batches of at least this many drawn bytes. At most the low watermark: what the page
   * holds back, less than a batch, must not keep a paused terminal paused.
   */
  ackBatch: 25_000,
} as const;

/** The browser panes' connections into a workspace. */
export const PANES = {
  /** Connections one page's panes may have open at once. */
  tunnels: 4,
  /** Bytes of one response the page preview reads, head and body. */
  previewBytes: 1 * MIB,
  /** How long the preview waits for a response that does not end. */
  previewTimeoutMs: 5 * 60 * 1000,
  /** Bytes of a response head (status line and fields). */
  responseHead: 64 * KIB,
  /** Bytes of one message the WebSocket pane receives. */
  wsMessage: 1 * MIB,
  /** Characters of a request path. */
  pathChars: 2000,
} as const;

/** The wire view: a capture of the workspace's loopback (src/protocol/capture.ts). */
export const CAPTURE = {
  /** Bytes kept of each packet (its headers and the start of its payload): tcpdump's -s. */
  snapLength: 1024,
  /** The kernel's capture buffer, in KiB (tcpdump's -B): packets beyond it are dropped by the kernel. */
  kernelBufferKiB: 1024,
  /** Segments the backend holds while the page is behind; older ones are skipped, and the page told how many. */
  heldSegments: 512,
  /** Segments sent and not yet acknowledged by the page; the backend sends no more until it acknowledges. */
  inFlightSegments: 256,
  /** Segments in one message. */
  batchSegments: 32,
  /** Segments the page keeps (and the .pcap it offers holds); older ones are forgotten. */
  pageSegments: 1000,
  /** Connections whose first sequence numbers are remembered, for relative numbers; the oldest is forgotten. */
  flows: 1024,
  /** Captures of one workspace at once (one per open wire pane: tabs). */
  perWorkspace: 2,
} as const;

/** The door of a class. */
export const DOOR = {
  /** A join form's body. */
  joinBodyBytes: 4 * KIB,
  /** Characters of a display name. */
  displayNameChars: 40,
  /** Characters of a passcode, and the fewest. */
  passcodeChars: 128,
  passcodeMinChars: 4,
  /** Wrong passcodes from one address within `wrongPasscodeWindowMs` before it must wait. */
  wrongPasscodes: 10,
  wrongPasscodeWindowMs: 60_000,
} as const;

/** What is kept of a learner's work. */
export const WORK = {
  /** File contents kept per learner and lesson; a file that does not fit is skipped, with a notice. */
  bytesPerLesson: 5 * MIB,
  /** While a page is attached, changes are looked for this often, ± a quarter: about this much is lost to a crash. */
  saveEveryMs: 2000,
} as const;

/** The editor's files (src/protocol/files.ts). */
export const FILES = {
  /** Largest file the editor opens or saves: bytes of UTF-8. */
  maxBytes: 1 * MIB,
  /** Characters of a path relative to the home. */
  pathChars: 1024,
  /** Bytes of one name in a path: Linux's NAME_MAX, what its file systems hold. */
  nameBytes: 255,
  /**
   * A save is sent in parts of at most this many UTF-16 units, because a whole file does not fit in one message
   * (maxPayload). Even a part of nothing but characters JSON escapes as \u00XX (6 bytes each) stays under it.
   */
  saveChunkChars: 8 * KIB,
  /** Parts of one save: a UTF-16 unit is at least one byte of UTF-8, so maxBytes never needs more. */
  saveParts: 128,
  /** File requests one page may have waiting at once; more are refused (`busy`). */
  pendingRequests: 4,
  /** How long the file helper in the sandbox may take for one request before it is killed. */
  helperTimeoutMs: 15_000,
} as const;

/**
 * Sandboxes kept started ahead of learners (a cgroup, a disk and a bubblewrap holder each, waiting for a learner's
 * files), so that a learner's first prompt does not wait for them. None on loopback (one learner: a pool would only
 * cost); beyond loopback, where a class arrives at once, as many as the class may have workspaces, up to
 * `classSize` (about 0.4 MiB and three idle processes each). Each also has shells started for its first terminals,
 * as many as the lab with the most terminals has, up to `shellsAhead` (about 0.7 MiB and two processes each), and no
 * more than `shellsInAll` over the whole pool: each holds one of the machine's ptys (4096 by default, the learners'
 * terminals' too).
 */
export const SANDBOX_POOL = {
  loopbackSize: 0,
  classSize: 100,
  maxSize: 1000,
  shellsAhead: 4,
  shellsInAll: 400,
} as const;

/** Defaults of the per-workspace kernel limits (each has an option; see `--help`). */
export const WORKSPACE_DEFAULTS = {
  memoryMiB: 512,
  processes: 256,
  cpus: 1,
  diskMiB: 200,
  openFiles: 1024,
  /** Largest file a learner program may write (RLIMIT_FSIZE); the disk limit usually bites first. */
  fileSizeBytes: 512 * MIB,
  /**
   * The lab's first CPUs, which learners' programs never run on (where it has more than these). None by default: on
   * a small machine that costs a class more than it gives (README, "Busy neighbours"), so an instructor chooses it.
   */
  backendCpus: 0,
} as const;

/** A lab's checks (src/protocol/checks.ts) and what evaluating them may cost. */
export const CHECKS = {
  /** Checks one lab may declare. */
  perLab: 12,
  /** Characters of a check's title, and of its hint. */
  titleChars: 120,
  hintChars: 400,
  /** Characters of a pattern (a JavaScript regular expression). */
  patternChars: 200,
  /** Characters of a terminal's recent output that output checks look at (escapes stripped). */
  outputWindowChars: 16 * KIB,
  /** New output is looked at no more often than this: a flood costs one look per interval, not one per chunk. */
  outputEveryMs: 200,
  /** While a page is attached, the socket table is read this often, ± a quarter (listening, connections, probes). */
  socketPollMs: 1000,
  /** Bytes a TCP probe sends at most, and reads at most. */
  probeSendBytes: 1 * KIB,
  probeReadBytes: 64 * KIB,
  /** How long a probe waits for its answer before it counts as failed (and is tried again later). */
  probeTimeoutMs: 2000,
  /**
   * Once a server has answered, a probe whose answer does not match ends after this much quiet: a server that serves
   * one client at a time (lesson 1's) must not keep the learner's own client waiting behind the probe.
   */
  probeQuietMs: 300,
  /**
   * A server is probed only once it has had no client connected for this many socket polls in a row: a learner who
   * starts a server and then a client is not raced by the probe.
   */
  probeIdlePolls: 2,
  /** A failed probe of a server is tried again no sooner than this. */
  probeRetryMs: 3000,
  /** Tries of one server (one listening socket) that got no answer, before waiting for it to be restarted. */
  probeAttempts: 10,
  /** Largest file a file check reads (the editor's limit). */
  fileBytes: FILES.maxBytes,
} as const;
