import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times (100 on nearly every Linux). */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * CPU milliseconds used so far by every process of these names (PostgreSQL's backends, redis-server), read from
 * /proc. A contender's updates cost their work there too, which its own process's CPU does not show; contenders
 * run one at a time, so the difference over a run is theirs (and the bench's own, alike for both). The children
 * each process has waited for count too: a backend that ended is added to the postmaster's.
 */
export function serviceCpuMs(names: readonly string[]): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    const stat = readStat(pid);
    if (!stat || !names.some((name) => stat.command.startsWith(name))) continue;
    ticks += stat.ticks;
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

function readStat(pid: string): { command: string; ticks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command sits in parentheses and may hold spaces; the fields after it are numbered from 3 (state).
    const command = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime: fields 14–17 of the file, 11–14 after the command.
    const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
    return { command, ticks };
  } catch {
    // The process ended between listing and reading.
    return undefined;
  }
}
