import { parseArgs } from 'node:util';
import { hashSecret, newSecret } from './auth/secrets.ts';
import { loadConfig } from './config.ts';
import { audit } from './db/audit.ts';
import { openDatabase } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { tokens } from './db/schema.ts';
import { transaction } from './db/transaction.ts';
import { expertById } from './routes/experts/queries.ts';

const usage = `usage: npm run cli -- <command>
  migrate                                   apply database migrations
  token:create --role staff|expert [--expert ID] [--label TEXT]
                                            issue a token and print it (shown once)`;

const [command, ...rest] = process.argv.slice(2);
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
      if (values.role !== 'staff' && values.role !== 'expert') {
        console.error('--role must be staff or expert');
        return 2;
      }
      if (values.role === 'expert' && !values.expert) {
        console.error('--expert ID is required for an expert token');
        return 2;
      }
      const database = await openDatabase(config);
      await migrate(database);
      const token = newSecret(values.role === 'staff' ? 'hks' : 'hke');
      const expertId = values.role === 'expert' ? (values.expert ?? null) : null;
      await transaction(database.db, async (tx) => {
        if (expertId) await expertById(tx, expertId);
        const [row] = await tx
          .insert(tokens)
          .values({
            hash: await hashSecret(token),
            role: values.role as 'staff' | 'expert',
            expertId,
            label: values.label ?? 'cli',
          })
          .returning({ id: tokens.id });
        await audit(tx, {
          actor: { role: 'cli', id: null },
          action: 'token.issued',
          entityType: 'token',
          entityId: row?.id ?? '',
          data: { role: values.role, expertId },
        });
      });
      await database.close();
      console.log(token);
      return 0;
    }
    default:
      console.error(usage);
      return command ? 2 : 0;
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
