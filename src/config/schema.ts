import { z } from 'zod';

/** Booleans in the environment are spelled out; anything else is a mistake worth refusing. */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => ['true', '1', 'yes'].includes(v));
const port = z.coerce
  .number({ error: 'must be a port number from 1 to 65535' })
  .int({ error: 'must be a port number from 1 to 65535' })
  .min(1, 'must be a port number from 1 to 65535')
  .max(65535, 'must be a port number from 1 to 65535');
const ms = z.coerce
  .number({ error: 'must be a whole number of milliseconds (1 or more)' })
  .int({ error: 'must be a whole number of milliseconds (1 or more)' })
  .min(1, 'must be a whole number of milliseconds (1 or more)');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/**
 * Every environment variable the engine and worker read. `.env.example` lists the same names with a
 * comment each; test/config keeps the two in step.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),

  ARI_URL: httpUrl.default('http://127.0.0.1:8088'),
  ARI_USER: z.string().min(1).default('tongdai'),
  ARI_PASSWORD: z.string().min(1, 'must not be empty').default('tongdai'),
  ARI_APP: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." or "-" only')
    .default('tongdai'),
  ARI_REST_TIMEOUT_MS: ms.default(5000),
  ARI_RECONNECT_MIN_MS: ms.default(100),
  ARI_RECONNECT_MAX_MS: ms.default(5000),
  ARI_ORPHAN_POLICY: z.enum(['hangup', 'adopt']).default('hangup'),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/tongdai'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().min(1).default('tongdai'),

  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: port.default(3000),
  METRICS_ENABLED: bool.default(true),

  WORKER_HTTP_PORT: port.default(3001),
  RECORDS_BATCH_MAX: z.coerce.number().int().min(1).max(20_000).default(2000),
  RECORDS_BATCH_WAIT_MS: ms.default(200),
  RECORDS_WRITERS: z.coerce.number().int().min(1).max(16).default(2),
  RECORDS_JOBS_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(64),
  RECORDS_LOCK_MS: ms.default(30_000),
  RECORDS_RETENTION_MONTHS: z.coerce.number().int().min(0).max(1200).default(0),

  ENGINE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." or "-" only')
    .default('engine-1'),
  OUTBOX_DIR: z.string().min(1).default('data/outbox'),

  WELCOME_SOUND: z.string().min(1).default('sound:hello-world'),
  FLOWS_DIR: z.string().default(''),
  DEFAULT_LANGUAGE: z
    .string()
    .regex(/^[a-z]{2}(_[A-Z]{2})?$/, 'a language code such as en, vi or fa')
    .default('en'),

  ACD_CONFIG_FILE: z.string().default(''),
  ACD_DISPATCH_INTERVAL_MS: ms.default(500),
  RECORDING_DEFAULT_MODE: z.enum(['always', 'never', 'on_demand']).default('on_demand'),
  RECORDING_RETENTION_DAYS: z.coerce
    .number({ error: 'must be a whole number of days (1 or more)' })
    .int({ error: 'must be a whole number of days (1 or more)' })
    .min(1, 'must be a whole number of days (1 or more)')
    .default(90),

  LEADS_UPLOAD_DIR: z.string().min(1).default('data/uploads'),
  LEADS_MAX_UPLOAD_BYTES: z.coerce
    .number({ error: 'must be a number of bytes' })
    .int({ error: 'must be a number of bytes' })
    .min(1024, 'must be at least 1024 bytes')
    .default(1024 ** 3),
  DIALER_ENABLED: bool.default(true),
  DIALER_TRUNK: z
    .string()
    .includes('{number}', { error: 'must contain {number}' })
    .default('PJSIP/{number}@trunk'),
  DIALER_TICK_MS: ms.default(200),
  DIALER_AGENTLESS_LINES: z.coerce
    .number({ error: 'must be a whole number of lines (1 or more)' })
    .int({ error: 'must be a whole number of lines (1 or more)' })
    .min(1, 'must be a whole number of lines (1 or more)')
    .default(10),
  DNC_MAX_AGE_DAYS: z.coerce
    .number({ error: 'must be a whole number of days (1 or more)' })
    .int({ error: 'must be a whole number of days (1 or more)' })
    .min(1, 'must be a whole number of days (1 or more)')
    .default(31),
});

export type Config = Readonly<z.infer<typeof configSchema>>;
