/**
 * The network namespace every workspace's own is made from, so that each gets a small TCP hash table of its own.
 *
 * The lab reads a workspace's socket table (/proc/<pid>/net/tcp and tcp6) about once a second while a page is
 * attached, for its checks. The kernel builds that text by walking every bucket of the namespace's TCP hash, and by
 * default every namespace shares the host's, sized for the whole machine (262,144 buckets on a 24 GiB host): 3.4 ms
 * of CPU per read, some 200 ms a second for 30 learners. A namespace made by a process whose own namespace sets
 * net.ipv4.tcp_child_ehash_entries (Linux 6.1) gets a table of that size instead: 0.06 ms a read at 1,024 buckets.
 *
 * The setting is read from the namespace of the process that makes the new one, and setting it on the host would
 * change every namespace made on the machine afterwards (containers' too). So the lab keeps a namespace of its own,
 * held by a `cat` that ends when the backend does, sets it there, and starts every sandbox from inside it
 * (`nsenter --net`). It has nothing else in it: the sandboxes' namespaces are new either way. Root only: entering a
 * namespace takes CAP_SYS_ADMIN. Elsewhere, or on an older kernel, sandboxes share the host's table as before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../log.ts';

/** Room for a lesson's sockets: a learner with thousands of connections only lengthens their own table's chains. */
export const WORKSPACE_TCP_BUCKETS = 1024;
const START_TIMEOUT_MS = 5000;
/** Sets the value given as $1 in the namespace it runs in, says so, and then holds the namespace until stdin ends. */
const HOLD_SCRIPT = 'echo "$1" > /proc/sys/net/ipv4/tcp_child_ehash_entries && echo ready && exec /usr/bin/cat';

export class NetworkParent {
  readonly #holder: ChildProcess;
  readonly #pid: number;

  private constructor(holder: ChildProcess, pid: number) {
    this.#holder = holder;
    this.#pid = pid;
  }

  /** Null, with the reason logged, where it cannot be made: the sandboxes then share the host's table. */
  static async start(isRoot: boolean, log: Logger): Promise<NetworkParent | null> {
    if (!isRoot) return null;
    const holder = spawn(
      '/usr/bin/unshare',
      ['--net', '--', '/bin/sh', '-c', HOLD_SCRIPT, 'net-parent', String(WORKSPACE_TCP_BUCKETS)],
      { env: {}, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    holder.on('error', (error) => log.warn('network parent error', { error: error.message }));
    holder.stdin?.on('error', () => undefined); // it ended: nothing more to say to it
    let stderr = '';
    holder.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-500)));
    const ready = await new Promise<boolean>((resolve) => {
      const settle = (value: boolean) => {
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => settle(false), START_TIMEOUT_MS);
      holder.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString('utf8').includes('ready')) settle(true);
      });
      holder.once('exit', () => settle(false));
      holder.once('error', () => settle(false));
    });
    if (!ready || holder.pid === undefined) {
      holder.kill('SIGKILL');
      log.warn("workspaces share the host's TCP table: each socket check reads all of it", {
        reason: stderr.trim() || 'the namespace did not start',
      });
      return null;
    }
    return new NetworkParent(holder, holder.pid);
  }

  /**
   * What a sandbox's first process runs behind, to be made inside this namespace. Once the holder has ended its pid
   * may be reused, so then nothing is entered: the sandbox is made beside the host's table instead.
   */
  get entry(): string[] {
    if (this.#holder.exitCode !== null || this.#holder.signalCode !== null) return [];
    return ['/usr/bin/nsenter', `--net=/proc/${this.#pid}/ns/net`, '--'];
  }

  /** Ends the holder; sandboxes already made keep their namespaces. Idempotent. */
  close(): void {
    this.#holder.stdin?.end();
    if (this.#holder.exitCode === null) this.#holder.kill();
  }
}
