/**
 * The command line of a workspace's capture: Debian's tcpdump on the loopback of the workspace's network namespace,
 * and nowhere else. The backend (root) joins the workspace's cgroup, so the capture counts against the workspace's
 * memory and processes, enters only the network namespace (the program stays the host's /usr/bin/tcpdump, out of
 * the learner's reach: another PID namespace, another user), then drops to the `tcpdump` user keeping nothing but
 * CAP_NET_RAW, which opening a packet socket needs. tcpdump writes the raw pcap stream and parses nothing; the
 * backend reads it (pcap.ts). It dies with the backend (--pdeathsig), whatever ends it.
 */
import { CAPTURE } from '#protocol/limits.ts';
import type { CgroupJoin } from '../sandbox/argv.ts';

/** The unprivileged user tcpdump runs as: Debian's tcpdump package makes it. */
export const CAPTURE_USER = 'tcpdump';

export function captureArgv(holderPid: number, cgroup: CgroupJoin | null): string[] {
  if (!Number.isInteger(holderPid) || holderPid < 2) throw new RangeError(`bad holder pid ${holderPid}`);
  const join = cgroup ? ['/bin/sh', cgroup.helper, ...cgroup.procsFiles, '--'] : [];
  return [
    ...join,
    '/usr/bin/nsenter',
    `--target=${holderPid}`,
    '--net',
    '--',
    '/usr/bin/setpriv',
    `--reuid=${CAPTURE_USER}`,
    `--regid=${CAPTURE_USER}`,
    '--clear-groups',
    // An ambient capability survives exec for a user that is not root; nothing else is kept, or could be regained.
    '--inh-caps=-all,+net_raw',
    '--ambient-caps=-all,+net_raw',
    '--bounding-set=-all,+net_raw',
    '--no-new-privs',
    // Set after the user changes (which would clear it), and kept across exec: tcpdump never outlives the backend.
    '--pdeathsig=KILL',
    '--',
    '/usr/bin/tcpdump',
    '-i',
    'lo',
    // Not promiscuous (that needs CAP_NET_ADMIN, and loopback has no one else's traffic anyway).
    '-p',
    '-n',
    // Each packet as it comes (no kernel batching, no stdio buffering): the view is live.
    '--immediate-mode',
    '-U',
    '-s',
    String(CAPTURE.snapLength),
    '-B',
    String(CAPTURE.kernelBufferKiB),
    '-w',
    '-',
    'tcp or udp',
  ];
}
