import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { hashSecret, newSecret } from './auth/secrets.ts';
import { isIssuedRole, TOKEN_PREFIXES } from './auth/token-prefixes.ts';
import { loadConfig } from './config.ts';
import { audit } from './db/audit.ts';
import { openDatabase } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { tokens } from './db/schema.ts';
import { transaction } from './db/transaction.ts';
import { DemoRefusedError, seedDemo } from './demo/seed.ts';
import { FISCAL_YEARS, fiscalYearOf } from './domain/time.ts';
import { expertById } from './routes/experts/queries.ts';
import { utilisationReport } from './routes/reports/queries.ts';
import { reportText } from './routes/reports/tables.ts';

const usage = `usage: npm run cli -- <command>
  migrate                                   apply database migrations
  token create --role staff|viewer|expert [--expert ID] [--label TEXT]
                                            issue a token and print it (shown once);
                                            token:create is the same
  report [--fy N]                           print the utilisation report of fiscal year N
                                            (default: the current one) as tables
  seed:demo                                 fill an empty database with the demo programme
                                            (refuses one that has experts or requests)`;

const [first, ...others] = process.argv.slice(2);
// `token create` and `token:create` are one command.
const [command, rest] =
  first === 'token' && others[0] === 'create' ? ['token:create', others.slice(1)] : [first, others];
const config = loadConfig(process.env);

async function main(): Promise<number> {
  switch (command) {
    case 'migrate': {
      const database = await openDatabase(config);
      await migrate(database);
      await database.close();
      console.log('migrations applied');
      return 0;
    }
    case 'token:create': {
      const { values } = parseArgs({
        args: rest,
        options: {
          role: { type: 'string' },
          expert: { type: 'string' },
          label: { type: 'string' },
        },
      });
      const role = values.role;
      if (!isIssuedRole(role)) {
        console.error('--role must be staff, viewer or expert');
        return 2;
      }
      if (role === 'expert' && !values.expert) {
        console.error('--expert ID is required for an expert token');
        return 2;
      }
      const database = await openDatabase(config);
      await migrate(database);
      const token = newSecret(TOKEN_PREFIXES[role]);
      const expertId = role === 'expert' ? (values.expert ?? null) : null;
      await transaction(database.db, async (tx) => {
        if (expertId) await expertById(tx, expertId);
        const [row] = await tx
          .insert(tokens)
          .values({
            hash: hashSecret(token),
            role,
            expertId,
            label: values.label ?? 'cli',
          })
          .returning({ id: tokens.id });
        await audit(tx, {
          at: new Date(),
          actor: { role: 'cli', id: null },
          action: 'token.issued',
          entityType: 'token',
          entityId: row?.id ?? '',
          data: { role, expertId },
        });
      });
      await database.close();
      console.log(token);
      return 0;
    }
    case 'report': {
      const { values } = parseArgs({ args: rest, options: { fy: { type: 'string' } } });
      const fy = values.fy === undefined ? fiscalYearOf(new Date()) : Number(values.fy);
      if (!Number.isInteger(fy) || fy < FISCAL_YEARS.first || fy > FISCAL_YEARS.last) {
        console.error(
          `--fy must be a fiscal year from ${FISCAL_YEARS.first} to ${FISCAL_YEARS.last}, e.g. --fy 2021`,
        );
        return 2;
      }
      const database = await openMigrated();
      try {
        console.log(reportText(await utilisationReport(database.db, fy)));
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'seed:demo': {
      const database = await openMigrated();
      try {
        const summary = await seedDemo(
          { db: database.db, config },
          { progress: (message) => console.error(message) },
        );
        console.log(
          `demo programme seeded: ${summary.experts} experts, ${summary.companies} companies; ` +
            `FY${summary.history.fiscalYear} ${summary.history.visits} visits, ` +
            `FY${summary.current.fiscalYear} ${summary.current.visits} visits and ` +
            `${summary.current.scheduled} booked\n` +
            `requests ${JSON.stringify(summary.requests)}, sessions ${JSON.stringify(summary.sessions)}`,
        );
      } catch (error) {
        if (!(error instanceof DemoRefusedError)) throw error;
        console.error(error.message);
        return 1;
      } finally {
        await database.close();
      }
      return 0;
    }
    default:
      console.error(usage);
      return command ? 2 : 0;
  }
}

/** The configured database, migrated; the embedded one's directory is made if missing. */
async function openMigrated() {
  if (!config.databaseUrl && !config.dataDir.startsWith('memory://')) {
    mkdirSync(config.dataDir, { recursive: true });
  }
  const database = await openDatabase(config);
  await migrate(database);
  return database;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
