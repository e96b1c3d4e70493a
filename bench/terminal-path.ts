/**
 * Figures for the whole terminal path (browser-side protocol client -> WebSocket -> backend -> sandboxed pty), each
 * beside its peers measured in the same run on the same machine: bare node-pty in this process, a naive `ws` +
 * node-pty server (bench/peers.ts) and ttyd when there is one (bench/ttyd-peer.ts). Run on demand: `npm run bench`.
 * Prints the figures and the ratios to the targets; it asserts nothing.
 */
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { bare, lab, naive, type Peer, type Session } from './peers.ts';
import { labOnlyFigures } from './lab-figures.ts';
import { cpuNanos, percentile, processTree, rssBytes } from './support.ts';
import { ttyd } from './ttyd-peer.ts';

const KEYSTROKES = Number(process.env['BENCH_KEYSTROKES'] ?? 1000);
/**
 * Keys typed into each echo session before any is timed. A lab's backend runs for hours, so the figure that matters
 * is the warm one: over the first 1000 keys a cold node process spent 150-170 us of CPU per echo, over 20000 110 us.
 */
const WARM_UP_KEYSTROKES = 2000;
/** Echo is measured in rounds taking turns between the peers, so that the machine's other load hits all alike. */
const ROUNDS = 4;
const FLOOD_ROUNDS = 2;
const FEW = 50;
const MANY = 200;
const KEYS_EACH = { [FEW]: 40, [MANY]: 25 };
/** A learner typing steadily. */
const KEYS_PER_SECOND = 5;
const PACED_SECONDS = 6;
const MB = 1e6;
/** ttyd 1.7.7's CPU per echo when issue 8 was filed; the target when no ttyd is at hand to measure (ttyd-peer.ts). */
const TTYD_CPU_PER_ECHO_US = 12;

interface Figures {
  echo: number[];
  echoCpuNs: number;
  floodBytes: number;
  floodMs: number;
  floodCpuNs: number;
  few: number[];
  fewReadyMs: number;
  fewRss: number;
  many: number[];
  pacedShare: number;
}

const cpuOf = (peer: Peer) => (peer.pid === null ? Promise.resolve(0) : cpuNanos(peer.pid));

/** Types `keys` keys into each session at once, each key after the previous one's echo; returns the round trips. */
async function typeAll(sessions: readonly Session[], keys: number): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    sessions.map(async (session) => {
      for (let i = 0; i < keys; i++) {
        const start = performance.now();
        await new Promise<void>((resolve) => {
          session.onOutput = () => resolve();
          session.type(String.fromCharCode(97 + (i % 26)));
        });
        times.push(performance.now() - start);
      }
      session.onOutput = null;
    }),
  );
  return times.sort((a, b) => a - b);
}

async function echoSession(peer: Peer): Promise<Session> {
  const session = await peer.session();
  await session.start('echo');
  return session;
}

async function flood(peer: Peer, figures: Figures): Promise<void> {
  const session = await peer.session();
  session.onOutput = (bytes) => (figures.floodBytes += bytes);
  const cpu = await cpuOf(peer);
  const start = performance.now();
  await session.start('flood');
  await session.ended();
  figures.floodMs += performance.now() - start;
  figures.floodCpuNs += (await cpuOf(peer)) - cpu;
  session.close();
}

/** Each session types KEYS_PER_SECOND keys a second, starting at its own moment; returns the share of the machine. */
async function paced(peer: Peer, sessions: readonly Session[]): Promise<number> {
  if (peer.pid === null) return NaN;
  const tree = await processTree(peer.pid);
  const cpu = async () => (await Promise.all(tree.map(cpuNanos))).reduce((a, b) => a + b, 0);
  const before = await cpu();
  const start = performance.now();
  await Promise.all(
    sessions.map(async (session) => {
      await sleep(Math.random() * 1000);
      for (let i = 0; i < KEYS_PER_SECOND * PACED_SECONDS; i++) {
        session.type('x');
        await sleep(1000 / KEYS_PER_SECOND);
      }
    }),
  );
  return ((await cpu()) - before) / 1e6 / (performance.now() - start) / cpus().length;
}

async function crowd(peer: Peer, figures: Figures): Promise<void> {
  const rss = peer.pid === null ? 0 : await rssBytes(peer.pid);
  const start = performance.now();
  const sessions = await Promise.all(Array.from({ length: FEW }, () => echoSession(peer)));
  figures.fewReadyMs = performance.now() - start;
  figures.fewRss = peer.pid === null ? NaN : (await rssBytes(peer.pid)) - rss;
  try {
    await sleep(500);
    figures.few = await typeAll(sessions, KEYS_EACH[FEW]);
    sessions.push(...(await Promise.all(Array.from({ length: MANY - FEW }, () => echoSession(peer)))));
    await sleep(500);
    figures.many = await typeAll(sessions, KEYS_EACH[MANY]);
    figures.pacedShare = await paced(peer, sessions);
  } finally {
    for (const session of sessions) session.close();
  }
}

function noFigures(peers: readonly Peer[]): Map<Peer, Figures> {
  return new Map<Peer, Figures>(
    peers.map((p) => [
      p,
      {
        echo: [],
        echoCpuNs: 0,
        floodBytes: 0,
        floodMs: 0,
        floodCpuNs: 0,
        few: [],
        fewReadyMs: NaN,
        fewRss: NaN,
        many: [],
        pacedShare: NaN,
      },
    ]),
  );
}

const wanted = (only: string | undefined, name: string) => !only || name.startsWith(only);

/** One session at a time: keystroke echo and flood. */
async function measureOne(all: Map<Peer, Figures>, only: string | undefined): Promise<void> {
  const peers = [...all.keys()];
  if (wanted(only, 'keystroke')) {
    process.stderr.write('measuring keystroke echo...\n');
    const sessions = await Promise.all(peers.map(echoSession));
    await typeAll(sessions, WARM_UP_KEYSTROKES);
    await sleep(300);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, peer] of peers.entries()) {
        const figures = all.get(peer) as Figures;
        const cpu = await cpuOf(peer);
        figures.echo.push(...(await typeAll([sessions[i] as Session], KEYSTROKES / ROUNDS)));
        figures.echoCpuNs += (await cpuOf(peer)) - cpu;
      }
    }
    for (const session of sessions) session.close();
  }
  if (wanted(only, 'flood')) {
    process.stderr.write('measuring flood throughput...\n');
    for (let round = 0; round < FLOOD_ROUNDS; round++) {
      for (const peer of peers) await flood(peer, all.get(peer) as Figures);
    }
  }
}

/** Many sessions at once; last, as what it leaves behind (hundreds of workspaces) would weigh on the rest. */
async function measureCrowd(all: Map<Peer, Figures>, only: string | undefined): Promise<void> {
  if (!wanted(only, 'crowd')) return;
  for (const [peer, figures] of all) {
    process.stderr.write(`measuring ${FEW} then ${MANY} sessions typing at once: ${peer.name}...\n`);
    await crowd(peer, figures);
  }
}

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(3)}` : '-');
const p = (xs: readonly number[], q: number) => percentile(xs, q);
const verdict = (ok: boolean, text: string) => `${ok ? 'meets' : 'MISSES'} ${text}`;

function table(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function report(
  all: Map<Peer, Figures>,
  peers: { lab: Peer; naive: Peer; ttyd: Peer | null },
  extra: readonly string[][],
): string {
  const { lab: labPeer, naive: naivePeer, ttyd: ttydPeer } = peers;
  const base = all.get(bare) as Figures;
  const rate = (f: Figures) => f.floodBytes / MB / (f.floodMs / 1000);
  const perEcho = (f: Figures, peer: Peer) => (peer.pid === null ? NaN : f.echoCpuNs / 1000 / f.echo.length);
  const per100 = (f: Figures, peer: Peer) => (peer.pid === null ? NaN : f.floodCpuNs / 1e9 / (f.floodBytes / 1e8));
  const rows = [
    [
      '',
      'echo p50 / p99 ms',
      'flood MB/s (x bare)',
      `${FEW} typing p50 / p99 ms`,
      'CPU/echo us',
      'CPU/100 MB s',
      `${MANY} typing p99 ms`,
      `${MANY} at ${KEYS_PER_SECOND} keys/s`,
    ],
    ...[...all].map(([peer, f]) => [
      peer.name,
      `${ms(p(f.echo, 50))} / ${ms(p(f.echo, 99))}`,
      `${rate(f).toFixed(1)} (${(rate(f) / rate(base)).toFixed(2)})`,
      `${ms(p(f.few, 50))} / ${ms(p(f.few, 99))}`,
      perEcho(f, peer).toFixed(1),
      per100(f, peer).toFixed(2),
      ms(p(f.many, 99)),
      Number.isFinite(f.pacedShare) ? `${(f.pacedShare * 100).toFixed(1)}% of ${cpus().length} cores` : '-',
    ]),
  ];
  const l = all.get(labPeer) as Figures;
  const n = all.get(naivePeer) as Figures;
  const t = ttydPeer ? (all.get(ttydPeer) as Figures) : null;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  /** The lab's figure against the target's base, and ttyd's in the same terms when it ran (the issue's brackets). */
  const against = (of: (f: Figures) => number, baseline: number) =>
    `${ratio(of(l), baseline)}${t ? `; ttyd ${ratio(of(t), baseline)}` : ''}`;
  const ttydPerEcho = t && ttydPeer ? perEcho(t, ttydPeer) : TTYD_CPU_PER_ECHO_US;
  const targets = [
    verdict(
      p(l.echo, 50) <= 3 * p(base.echo, 50),
      `echo p50 <= 3x bare (${against((f) => p(f.echo, 50), p(base.echo, 50))})`,
    ),
    verdict(
      p(l.echo, 99) <= 1.3 * p(base.echo, 99),
      `echo p99 <= 1.3x bare (${against((f) => p(f.echo, 99), p(base.echo, 99))})`,
    ),
    verdict(
      perEcho(l, labPeer) <= 2 * ttydPerEcho,
      `CPU per echo <= 2x ttyd's ${ttydPerEcho.toFixed(1)} us${t ? ' (measured)' : ' (when the issue was filed)'} (${ratio(perEcho(l, labPeer), ttydPerEcho)})`,
    ),
    verdict(rate(l) >= 0.9 * rate(base), `flood >= 0.9x bare (${against(rate, rate(base))})`),
    verdict(
      per100(l, labPeer) <= per100(n, naivePeer),
      `flood CPU per 100 MB <= naive's (${ratio(per100(l, labPeer), per100(n, naivePeer))})`,
    ),
    verdict(
      p(l.few, 99) <= p(base.few, 99),
      `${FEW} typing p99 <= 1.0x bare (${against((f) => p(f.few, 99), p(base.few, 99))})`,
    ),
    verdict(
      p(l.many, 99) < 20,
      `${MANY} typing p99 < 20 ms (${ms(p(l.many, 99))} ms${t ? `; ttyd ${ms(p(t.many, 99))} ms` : ''})`,
    ),
  ];
  const ready = [
    [`${FEW} sessions ready at once`, ...[...all.values()].map((f) => `${f.fewReadyMs.toFixed(0)} ms`)],
    [
      `${FEW} sessions: RSS growth of the path's process`,
      ...[...all.values()].map((f) => `${(f.fewRss / 1024 / 1024).toFixed(1)} MiB`),
    ],
  ];
  return [
    table(rows),
    '',
    ...targets.map((t) => `  ${t}`),
    '',
    table([['', ...[...all.keys()].map((peer) => peer.name)], ...ready]),
    '',
    table([['', 'Socket Lab', 'bare node-pty', 'target'], ...extra]),
  ].join('\n');
}

/** `npm run bench -- keystroke` measures only what starts with that name (keystroke, flood, crowd, ctrl-c, frozen, wire). */
const only = process.argv[2];
// ttyd first: it is the one that may fail to start, before the others have anything to close.
const ttydPeer = await ttyd();
const naivePeer = await naive();
const labPeer = await lab();
try {
  process.stdout.write(`Socket Lab terminal path vs its peers, node ${process.version}, ${cpus().length} cores\n`);
  const all = noFigures([bare, ...(ttydPeer ? [ttydPeer] : []), naivePeer, labPeer]);
  await measureOne(all, only);
  const extra = await labOnlyFigures(labPeer.backend, only);
  await measureCrowd(all, only);
  process.stdout.write(`${report(all, { lab: labPeer, naive: naivePeer, ttyd: ttydPeer }, extra)}\n`);
} finally {
  await Promise.all([naivePeer.close(), labPeer.close(), ttydPeer?.close()]);
}
process.exit(0);
