// CPU time of the process's finished children (Linux /proc), so a contender that shells out
// (e.g. to `ps` for memory sampling) is charged for it; 0 where /proc is not there.
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

export function childCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command name start at field 3; cutime and cstime are fields 16 and 17.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}
