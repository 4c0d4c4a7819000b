/**
 * npm run apikey -- create --role <role> [--name <name>]   prints the new key once
 * npm run apikey -- list [--all]                            keys (never secrets); --all adds revoked
 * npm run apikey -- revoke <id|prefix>
 */
import { parseArgs } from 'node:util';
import { ApiKeyStore } from '../src/auth/store.js';
import { Roles, isRole } from '../src/auth/roles.js';
import { loadConfigOrExit } from '../src/config/index.js';
import { silentLogger } from '../src/log/index.js';
import { createKnex } from '../src/db/index.js';

const Usage = `usage: npm run apikey -- create --role <${Roles.join('|')}> [--name <name>]
       npm run apikey -- list [--all]
       npm run apikey -- revoke <id|prefix>`;

function usageError(message: string): never {
  process.stderr.write(`apikey: ${message}\n${Usage}\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' }, all: { type: 'boolean', default: false } },
  });
} catch (err) {
  usageError((err as Error).message);
}
const { values, positionals } = parsed;
const [command, ...rest] = positionals;
if (!command) usageError('missing command');
if (command === 'create') {
  if (rest.length) usageError(`unexpected argument "${rest[0]}"`);
  if (!values.role) usageError('create needs --role');
  if (!isRole(values.role)) usageError(`--role must be one of ${Roles.join(', ')} (got "${values.role}")`);
  if (values.name !== undefined && !/^\S.{0,99}$/.test(values.name.trim()))
    usageError('--name must be 1 to 100 characters');
} else if (command === 'list') {
  if (rest.length) usageError(`unexpected argument "${rest[0]}"`);
} else if (command === 'revoke') {
  if (rest.length !== 1) usageError('revoke needs exactly one key id or prefix');
} else {
  usageError(`unknown command "${command}"`);
}

const config = loadConfigOrExit();
const knex = createKnex(config.DATABASE_URL, { poolMax: 1, logger: silentLogger() });
const store = new ApiKeyStore(knex);
try {
  if (command === 'create') {
    const role = values.role as (typeof Roles)[number];
    const name = values.name?.trim() || `${role} key`;
    const { record, key } = await store.create({ name, role });
    // The key alone on stdout, so `KEY=$(npm run -s apikey -- create ...)` works; the note on stderr.
    process.stdout.write(`${key}\n`);
    process.stderr.write(
      `created ${record.role} key ${record.id} (prefix ${record.prefix}); it is not shown again\n`,
    );
  } else if (command === 'list') {
    const rows = await store.list({ includeRevoked: values.all });
    console.log(['id', 'prefix', 'role', 'name', 'created_at', 'last_used_at', 'revoked_at'].join('\t'));
    for (const r of rows) {
      console.log(
        [r.id, r.prefix, r.role, r.name, r.created_at, r.last_used_at ?? '-', r.revoked_at ?? '-'].join('\t'),
      );
    }
  } else {
    const record = await store.revoke(rest[0]!);
    if (!record) {
      process.stderr.write(`apikey: no key with id or prefix "${rest[0]}"\n`);
      process.exitCode = 1;
    } else {
      console.log(
        `revoked ${record.role} key ${record.id} (prefix ${record.prefix}) at ${record.revoked_at}`,
      );
    }
  }
} catch (err) {
  const e = err as { code?: string; message: string };
  // No database (3D000) or no table (42P01): the usual first-run mistake.
  const hint = e.code === '3D000' || e.code === '42P01' ? ' (run `npm run migrate` first)' : '';
  process.stderr.write(`apikey: ${e.message}${hint}\n`);
  process.exitCode = 1;
} finally {
  await knex.destroy();
}
