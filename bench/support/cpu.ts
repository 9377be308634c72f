import { readFile } from 'node:fs/promises';
import type postgres from 'postgres';

// Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux this runs on.
const TICKS = 100;

/** CPU seconds (user + system) each process has used so far; gone processes are left out. */
async function cpuSeconds(pids: readonly number[]): Promise<Map<number, number>> {
  const used = new Map<number, number>();
  for (const pid of pids) {
    try {
      const text = await readFile(`/proc/${pid}/stat`, 'utf8');
      // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      used.set(pid, (Number(fields[11]) + Number(fields[12])) / TICKS);
    } catch {
      // Exited.
    }
  }
  return used;
}

/** The Postgres backends serving one database (other databases on the server are others'). */
async function backends(admin: postgres.Sql, database: string): Promise<number[]> {
  const rows = await admin<{ pid: number }[]>`
    select pid from pg_stat_activity where datname = ${database}`;
  return rows.map((r) => r.pid);
}

export type CpuUse<T> = { result: T; server: number; postgres: number; client: number };

/**
 * CPU seconds the server process, the Postgres backends of `database` and this process spend
 * while `work` runs: where the time of a request goes when the machine is not saturated.
 */
export async function measureCpu<T>(
  serverPid: number,
  admin: postgres.Sql,
  database: string,
  work: () => Promise<T>,
): Promise<CpuUse<T>> {
  const before = await cpuSeconds([serverPid, ...(await backends(admin, database))]);
  const clientBefore = process.cpuUsage();
  const result = await work();
  const client = process.cpuUsage(clientBefore);
  const after = await cpuSeconds([serverPid, ...(await backends(admin, database))]);
  const spent = (pid: number) => (after.get(pid) ?? 0) - (before.get(pid) ?? 0);
  let postgresSeconds = 0;
  for (const pid of after.keys()) if (pid !== serverPid) postgresSeconds += spent(pid);
  return {
    result,
    server: spent(serverPid),
    postgres: postgresSeconds,
    client: (client.user + client.system) / 1e6,
  };
}
