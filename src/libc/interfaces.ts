// Network interfaces by index and by name, as if_indextoname(3) and if_nametoindex(3) answer, read
// from sysfs (/sys/class/net/NAME/ifindex: this network namespace's interfaces) so that no libc call
// is needed to print a scope id or to read one typed after `%`.
import * as fs from 'node:fs';

const SYSFS_NET = '/sys/class/net';

/** Every interface of this network namespace, by name: {lo: 1, eth0: 2}; empty when sysfs cannot be read. */
function interfaceIndexes(): Map<string, number> {
  const indexes = new Map<string, number>();
  let names: string[];
  try {
    names = fs.readdirSync(SYSFS_NET);
  } catch {
    return indexes;
  }
  for (const name of names) {
    try {
      const index = Number(fs.readFileSync(`${SYSFS_NET}/${name}/ifindex`, 'utf8').trim());
      if (Number.isInteger(index) && index > 0) indexes.set(name, index);
    } catch {
      // an interface that went away while it was being read
    }
  }
  return indexes;
}

/** The name of the interface with this index (`lo` for 1), or null when there is none, as if_indextoname. */
export function interfaceName(index: number): string | null {
  if (index <= 0) return null;
  for (const [name, value] of interfaceIndexes()) if (value === index) return name;
  return null;
}

/** The index of the interface with this name, or null when there is none, as if_nametoindex. */
export function interfaceIndex(name: string): number | null {
  return interfaceIndexes().get(name) ?? null;
}
