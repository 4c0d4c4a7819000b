/**
 * A lead-import worker in a process of its own, for the crash test (killed with SIGKILL mid-import).
 * Env: DATABASE_URL, REDIS_URL, PREFIX, LOCK_MS.
 */
import { Redis } from 'ioredis';
import { createKnex } from '../../src/db/index.js';
import { startLeadImportWorker } from '../../src/leads/index.js';
import { silentLogger } from '../../src/log/index.js';

const db = createKnex(process.env.DATABASE_URL!, { poolMax: 2 });
const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
const w = startLeadImportWorker({
  connection,
  prefix: process.env.PREFIX!,
  db,
  logger: silentLogger(),
  lockMs: Number(process.env.LOCK_MS),
});
w.worker.on('progress', (_job, p) => process.stdout.write(`${JSON.stringify(p)}\n`));
process.stdout.write('ready\n');
