/**
 * Where a flood's CPU goes in the backend, in figures the machine's load hardly moves: each thread's CPU time per
 * 100 MB (the main thread's user and system time, V8's workers: garbage collection and compilation), beside the naive
 * server's, and the JavaScript heap the backend allocates per 100 MB (V8's sampling heap profiler, counting what was
 * collected too), by the functions that allocate most. `npm run bench:flood-heap`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import NodeWebSocket from 'ws';
import { lab, naive, type Peer } from './peers.ts';

const ROUNDS = 2;
const TOP = 15;

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** CPU ticks (user, system) of each of `pid`'s threads, by thread name. */
async function threadTicks(pid: number): Promise<Map<string, [number, number]>> {
  const ticks = new Map<string, [number, number]>();
  for (const task of await readdir(`/proc/${pid}/task`).catch(() => [])) {
    const stat = await readFile(`/proc/${pid}/task/${task}/stat`, 'latin1').catch(() => '');
    const name = /\((.*)\)/.exec(stat)?.[1] ?? '?';
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [user, system] = ticks.get(name) ?? [0, 0];
    ticks.set(name, [user + Number(fields[11]), system + Number(fields[12])]);
  }
  return ticks;
}

async function floods(peer: Peer): Promise<string> {
  const before = await threadTicks(peer.pid as number);
  let bytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const session = await peer.session();
    session.onOutput = (n) => (bytes += n);
    await session.start('flood');
    await session.ended();
    session.close();
  }
  const per100 = (ticks: number) => ((ticks / 100) * 1e8) / bytes;
  const threads = [...(await threadTicks(peer.pid as number))].flatMap(([name, [user, system]]) => {
    const [user0, system0] = before.get(name) ?? [0, 0];
    const cpu = per100(user - user0 + system - system0);
    return cpu < 0.005 ? [] : [`${name} ${per100(user - user0).toFixed(2)} + ${per100(system - system0).toFixed(2)}`];
  });
  return `${peer.name}: s per 100 MB by thread (user + system): ${threads.join(', ')}`;
}

/** A free loopback port for the backend's inspector. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The backend's inspector, for one sampling of its heap. */
async function inspector(port: number): Promise<(method: string, params?: object) => Promise<unknown>> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const ws = new NodeWebSocket(targets[0]?.webSocketDebuggerUrl ?? '');
  ws.on('error', (error) => console.error('inspector:', error.message));
  await new Promise((resolve) => ws.once('open', resolve));
  let next = 0;
  const replies = new Map<number, (result: unknown) => void>();
  ws.on('message', (data: Buffer) => {
    const reply = JSON.parse(data.toString()) as { id?: number; result?: unknown };
    if (reply.id !== undefined) replies.get(reply.id)?.(reply.result);
  });
  return (method, params = {}) =>
    new Promise((resolve) => {
      const id = ++next;
      replies.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
}

function allocations(head: ProfileNode, bytes: number): string[] {
  const bySite = new Map<string, number>();
  let total = 0;
  const walk = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const site = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    total += node.selfSize;
    node.children.forEach(walk);
  };
  walk(head);
  const mb = (n: number) => ((n / 1e6) * (1e8 / bytes)).toFixed(2).padStart(6);
  return [
    `backend JS heap allocated per 100 MB of flood: ${mb(total).trim()} MB; where (MB per 100 MB):`,
    ...[...bySite]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([site, size]) => `${mb(size)}  ${site}`),
  ];
}

const port = await freePort();
// The backend's node gets its inspector through the bench's own knob (bench/support.ts).
process.env['BENCH_NODE_FLAGS'] = `--inspect=127.0.0.1:${port}`;
const naivePeer = await naive();
const labPeer = await lab();
try {
  process.stdout.write(`${await floods(naivePeer)}\n${await floods(labPeer)}\n`);
  const call = await inspector(port);
  await call('HeapProfiler.enable');
  await call('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  let bytes = 0;
  const session = await labPeer.session();
  session.onOutput = (n) => (bytes += n);
  await session.start('flood');
  await session.ended();
  session.close();
  const { profile } = (await call('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };
  process.stdout.write(`${allocations(profile.head, bytes).join('\n')}\n`);
} finally {
  await Promise.all([naivePeer.close(), labPeer.close()]);
}
process.exit(0);
