import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** Server the integration tests use; override with TEST_REDIS_URL. */
export const TestRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  /** A connected client with no keyPrefix (BullMQ refuses one); build keys with `key()`. */
  redis: Redis;
  /** This test's own prefix, e.g. `tongdai_test_1a2b3c:`; pass it as REDIS_PREFIX or a BullMQ prefix. */
  prefix: string;
  key(name: string): string;
  /** Deletes this prefix's keys only, then closes the client. */
  cleanup(): Promise<void>;
}

/** Deletes every key under a prefix with SCAN, never KEYS or FLUSHDB: other tests share the server. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  for await (const keys of redis.scanStream({ match: pattern, count: 500 }) as AsyncIterable<string[]>) {
    if (keys.length) deleted += await redis.unlink(...keys);
  }
  return deleted;
}

export async function createTestRedis(): Promise<TestRedis> {
  const prefix = `tongdai_test_${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(TestRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  return {
    redis,
    prefix,
    key: (name) => `${prefix}${name}`,
    async cleanup() {
      await deletePrefix(redis, prefix);
      await redis.quit();
    },
  };
}
