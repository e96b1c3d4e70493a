/**
 * /proc/self/mountinfo, parsed: where the cgroup hierarchies are mounted and which workspace disks (tmpfs) are
 * mounted. Pure, so that tests can hand it a made-up table.
 */

export interface Mount {
  /** The directory of the mounted filesystem that appears at the mount point ("/" unless a subtree is mounted). */
  root: string;
  mountPoint: string;
  fsType: string;
  source: string;
  /** Per-superblock options: for cgroup v1 they name the hierarchy's controllers ("rw,memory"). */
  superOptions: string[];
}

/** The kernel writes space, tab, newline and backslash in paths as \ooo octal escapes. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * Lines look like `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`: a variable
 * number of optional fields ends at the lone "-".
 */
export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    if (dash === -1 || fields.length < dash + 3) continue;
    mounts.push({
      root: unescape(fields[3] as string),
      mountPoint: unescape(fields[4] as string),
      fsType: fields[dash + 1] as string,
      source: unescape(fields[dash + 2] as string),
      superOptions: (fields[dash + 3] ?? '').split(','),
    });
  }
  return mounts;
}
