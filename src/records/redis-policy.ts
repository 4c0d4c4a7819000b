import type { Redis } from 'ioredis';

/** Redis would evict keys under memory pressure: queued records and live call state would vanish silently. */
export class RedisEvictionPolicyError extends Error {
  override readonly name = 'RedisEvictionPolicyError';
  readonly code = 'REDIS_EVICTION_POLICY';
  constructor(readonly policy: string) {
    super(
      `Redis maxmemory-policy is "${policy}", but Tongdai needs "noeviction": an evicting Redis silently drops queued call records and live call state (set maxmemory-policy noeviction in redis.conf, or run CONFIG SET maxmemory-policy noeviction)`,
    );
  }
}

/**
 * Refuses to run against a Redis that may evict keys. Reads INFO rather than CONFIG GET, which
 * managed Redis services often disable. The engine calls it at start-up too.
 */
export async function assertNoEviction(redis: Pick<Redis, 'info'>): Promise<void> {
  const info = await redis.info('memory');
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? 'unknown';
  if (policy !== 'noeviction') throw new RedisEvictionPolicyError(policy);
}
