/**
 * npm run worker — the records worker: consumes call records from Redis (BullMQ) and writes them to
 * Postgres; keeps monthly partitions ready and applies retention; serves /health and /metrics on
 * WORKER_HTTP_PORT. Refuses to start when Redis may evict keys.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { postgresCheck, redisCheck } from '../api/health.js';
import { loadConfigOrExit } from '../config/index.js';
import { createKnex } from '../db/index.js';
import { startFactsConsumer } from '../facts/index.js';
import { startLeadImportWorker } from '../leads/index.js';
import { createLogger } from '../log/index.js';
import {
  assertNoEviction,
  createRecordsMetrics,
  maintainPartitions,
  RedisEvictionPolicyError,
  startHealthServer,
  startRecordsConsumer,
} from '../records/index.js';
import { DefaultMaintenanceIntervalMs } from '../records/partitions.js';

/** How long SIGTERM waits for batches in flight before leaving them to the next worker. */
const DefaultShutdownGraceMs = 10_000;

const config = loadConfigOrExit();
const logger = createLogger({ level: config.LOG_LEVEL, service: 'tongdai-worker' });

const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
redis.on('error', () => undefined); // reconnects on its own; /health reports the state
try {
  await redis.connect();
  await assertNoEviction(redis);
} catch (err) {
  const message =
    err instanceof RedisEvictionPolicyError ? err.message : `cannot reach Redis: ${(err as Error).message}`;
  process.stderr.write(`tongdai-worker: ${message}\n`);
  redis.disconnect();
  process.exit(1);
}

const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: config.RECORDS_WRITERS + 2 });
pool.on('error', (err) => logger.warn(`records: idle Postgres connection lost: ${err.message}`));
const knex = createKnex(config.DATABASE_URL, { poolMax: 4, logger });
const metrics = createRecordsMetrics({ defaults: true });

const consumer = startRecordsConsumer({
  connection: redis.duplicate({ maxRetriesPerRequest: null }),
  prefix: config.REDIS_PREFIX,
  pool,
  logger,
  metrics,
  batchMax: config.RECORDS_BATCH_MAX,
  batchWaitMs: config.RECORDS_BATCH_WAIT_MS,
  writers: config.RECORDS_WRITERS,
  jobsInFlight: config.RECORDS_JOBS_IN_FLIGHT,
  lockMs: config.RECORDS_LOCK_MS,
  retentionMonths: config.RECORDS_RETENTION_MONTHS,
});

// Facts (survey answers, queue and agent events...) have their own queue and tables.
const facts = startFactsConsumer({
  connection: redis.duplicate({ maxRetriesPerRequest: null }),
  prefix: config.REDIS_PREFIX,
  pool,
  logger,
});

// Lead list and do-not-call CSV imports (streamed, resumable).
const leadImports = startLeadImportWorker({
  connection: redis.duplicate({ maxRetriesPerRequest: null }),
  prefix: config.REDIS_PREFIX,
  db: knex,
  logger,
});

async function maintain(): Promise<void> {
  try {
    const r = await maintainPartitions(pool, { retentionMonths: config.RECORDS_RETENTION_MONTHS });
    if (r.created) logger.info(`records: created ${r.created} partition(s)`);
    if (r.dropped.length) {
      consumer.writer.forgetPartitions();
      logger.info(`records: retention dropped ${r.dropped.join(', ')}`);
    }
  } catch (err) {
    logger.warn(`records: partition maintenance failed (retried next round): ${(err as Error).message}`);
  }
}
void maintain();
const maintenance = setInterval(() => void maintain(), DefaultMaintenanceIntervalMs);

const server = await startHealthServer({
  host: config.HTTP_HOST,
  port: config.WORKER_HTTP_PORT,
  registry: metrics.registry,
  checks: {
    redis: redisCheck(redis),
    postgres: postgresCheck(knex),
    writer: async () =>
      consumer.writing ? { ok: true } : { ok: false, detail: 'backing off: Postgres refused the last batch' },
  },
});
logger.info(`records worker started; health on http://${config.HTTP_HOST}:${config.WORKER_HTTP_PORT}/health`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info(`records worker stopping (${signal})`);
  clearInterval(maintenance);
  server.close();
  await Promise.all([consumer.close(DefaultShutdownGraceMs), facts.close(), leadImports.close()]);
  await Promise.allSettled([pool.end(), knex.destroy()]);
  redis.disconnect();
  logger.info('records worker stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
