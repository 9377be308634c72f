import { pathToFileURL } from 'node:url';
import { printTable, type Row } from './table.ts';

/** Runs a scenario and prints its table when its module is the one executed (`tsx bench/x.ts`). */
export function runIfMain(moduleUrl: string, scenario: () => Promise<Row[]>): void {
  const entry = process.argv[1];
  if (!entry || pathToFileURL(entry).href !== moduleUrl) return;
  scenario().then(
    (rows) => {
      printTable(rows);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** A progress note on stderr, so stdout keeps only the table. */
export function note(message: string): void {
  process.stderr.write(`· ${message}\n`);
}
