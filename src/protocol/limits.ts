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
  /** While a page is attached, changes are looked for this often: at most this much is lost to a crash. */
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

/** Defaults of the per-workspace kernel limits (each has an option; see `--help`). */
/**
 * Sandboxes kept started ahead of learners (a cgroup, a disk and a bubblewrap holder each, waiting for a learner's
 * files), so that a learner's first prompt does not wait for them: none unless the instructor asks for them.
 */
export const SANDBOX_POOL = { defaultSize: 0, maxSize: 1000 } as const;

export const WORKSPACE_DEFAULTS = {
  memoryMiB: 512,
  processes: 256,
  cpus: 1,
  diskMiB: 200,
  openFiles: 1024,
  /** Largest file a learner program may write (RLIMIT_FSIZE); the disk limit usually bites first. */
  fileSizeBytes: 512 * MIB,
} as const;
