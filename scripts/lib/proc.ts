import { readFileSync } from 'node:fs';

/**
 * Fields of /proc/PID/stat after the command name (Linux), or undefined when there is no such process:
 * [0] state, [1] ppid, [11] utime, [12] stime in ticks. The name may hold spaces and ')': cut at the last one.
 */
export function procStat(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}
