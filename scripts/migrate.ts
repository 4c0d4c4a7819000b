/**
 * npm run migrate            apply pending migrations to DATABASE_URL (creating the database)
 * npm run migrate -- down    roll back the last batch (--all: every batch)
 * npm run migrate -- status  list applied and pending migrations
 */
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../src/config/index.js';
import { silentLogger } from '../src/log/index.js';
import {
  createKnex,
  ensureDatabase,
  migrateDown,
  migrateLatest,
  migrationStatus,
  splitDatabaseUrl,
} from '../src/db/index.js';

const Usage = 'usage: npm run migrate [-- up | down [--all] | status]';

function usageError(message: string): never {
  process.stderr.write(`migrate: ${message}\n${Usage}\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { all: { type: 'boolean', default: false } } });
} catch (err) {
  usageError((err as Error).message);
}
const [command = 'up', ...extra] = parsed.positionals;
if (extra.length) usageError(`unexpected argument "${extra[0]}"`);
if (!['up', 'down', 'status'].includes(command)) usageError(`unknown command "${command}"`);
if (parsed.values.all && command !== 'down') usageError('--all only applies to down');

const config = loadConfigOrExit();
const { database } = splitDatabaseUrl(config.DATABASE_URL);
const knex = createKnex(config.DATABASE_URL, { poolMax: 1, logger: silentLogger() });
try {
  if (command === 'up') {
    if (await ensureDatabase(config.DATABASE_URL)) console.log(`created database ${database}`);
    const { batch, applied } = await migrateLatest(knex);
    if (applied.length === 0) console.log(`${database}: already up to date`);
    for (const name of applied) console.log(`${database}: applied ${name} (batch ${batch})`);
  } else if (command === 'down') {
    const { rolledBack } = await migrateDown(knex, { all: parsed.values.all });
    if (rolledBack.length === 0) console.log(`${database}: nothing to roll back`);
    for (const name of rolledBack) console.log(`${database}: rolled back ${name}`);
  } else {
    const { applied, pending } = await migrationStatus(knex);
    for (const name of applied) console.log(`applied  ${name}`);
    for (const name of pending) console.log(`pending  ${name}`);
  }
} catch (err) {
  process.stderr.write(`migrate: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await knex.destroy();
}
