// `npm run bench`: the everyday scenarios, then one table; `npm run bench -- scale report`: the
// scenarios named. Loopback only; bounded in time.
import { cpus, loadavg } from 'node:os';
import postgres from 'postgres';
import { runBookingBench } from './booking.ts';
import { runFeedsBench } from './feeds.ts';
import { runMatchesBench } from './matches.ts';
import { runReadBench } from './read.ts';
import { runReportBench } from './report.ts';
import { runScaleBench } from './scale.ts';
import { adminUrl, dropAll } from './support/database.ts';
import { note } from './support/main.ts';
import { printTable, type Row } from './support/table.ts';

const DEADLINE_MS = 5 * 60_000;

/** `everyday`: run by `npm run bench` with no names; `limitMs`: what it may add to the limit. */
type Scenario = { name: string; run: () => Promise<Row[]>; everyday: boolean; limitMs: number };

const scenarios: Scenario[] = [
  { name: 'matches', run: runMatchesBench, everyday: true, limitMs: 0 },
  { name: 'booking', run: runBookingBench, everyday: true, limitMs: 0 },
  { name: 'read', run: runReadBench, everyday: true, limitMs: 0 },
  { name: 'report', run: runReportBench, everyday: true, limitMs: 0 },
  { name: 'feeds', run: runFeedsBench, everyday: true, limitMs: 0 },
  // Seeds of millions of rows: only when asked for, and given an hour.
  { name: 'scale', run: runScaleBench, everyday: false, limitMs: 60 * 60_000 },
];

const names = process.argv.slice(2);
const unknown = names.filter((n) => !scenarios.some((s) => s.name === n));
if (unknown.length > 0) {
  console.error(
    `unknown scenario ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`,
  );
  process.exit(2);
}
const chosen =
  names.length > 0
    ? scenarios.filter((s) => names.includes(s.name))
    : scenarios.filter((s) => s.everyday);
const limitMs = DEADLINE_MS + chosen.reduce((sum, s) => sum + s.limitMs, 0);

const rows: Row[] = [];
const started = performance.now();
const load = loadavg();

// Past the deadline, print what there is and stop (servers are stopped on exit).
let stopping = false;
let finishing = false;
const deadline = setTimeout(() => {
  stopping = true;
  rows.push({ figure: `stopped at the ${limitMs / 60_000}-minute limit`, value: '' });
  finish(1);
}, limitMs);

for (const scenario of chosen) {
  if (stopping) break;
  const t = performance.now();
  try {
    rows.push(...(await scenario.run()));
  } catch (error) {
    // A scenario cut off at the deadline fails as its database goes; that is no finding.
    if (stopping) break;
    console.error(error);
    rows.push({ figure: `${scenario.name}: FAILED`, value: String(error).slice(0, 80) });
  }
  note(`${scenario.name}: ${((performance.now() - t) / 1000).toFixed(0)} s`);
}
clearTimeout(deadline);
await finish(rows.some((r) => r.figure.endsWith('FAILED')) ? 1 : 0);

async function finish(code: number) {
  if (finishing) return;
  finishing = true;
  await dropAll();
  const machine = await describeMachine();
  console.log(`\n${machine}`);
  console.log(
    `load average before ${load.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; total ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
  );
  printTable(rows);
  process.exit(code);
}

async function describeMachine(): Promise<string> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  let server = 'Postgres unknown';
  try {
    const [row] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
    server = `Postgres ${row?.v ?? '?'}`;
  } catch {
    // Reported as unknown.
  } finally {
    await sql.end({ timeout: 1 });
  }
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, Node ${process.version}, ${server}`;
}
