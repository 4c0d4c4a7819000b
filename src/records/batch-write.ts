import type { Pool, PoolClient } from 'pg';
import { RecordsUnavailableError, isRowError } from './errors.js';

/** Zod issues as one line for a dead letter: `path: message; ...` (the first ten). */
export function issuesText(
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>,
  root = '(record)',
): string {
  return issues
    .slice(0, 10)
    .map((i) => `${i.path.map(String).join('.') || root}: ${i.message}`)
    .join('; ');
}

/**
 * Writes a batch; when Postgres refuses a row (isRowError), halves the batch until the row is alone
 * and hands it to `reject`, so one bad row never holds back the others. Any other failure means
 * Postgres cannot write now: RecordsUnavailableError, and the caller retries the whole batch.
 */
export async function writeIsolatingRows<T>(
  batch: T[],
  write: (batch: T[]) => Promise<void>,
  reject: (item: T, err: unknown) => void,
): Promise<void> {
  if (batch.length === 0) return;
  try {
    await write(batch);
  } catch (err) {
    if (!isRowError(err)) throw new RecordsUnavailableError(err);
    if (batch.length === 1) return reject(batch[0]!, err);
    const half = Math.ceil(batch.length / 2);
    await writeIsolatingRows(batch.slice(0, half), write, reject);
    await writeIsolatingRows(batch.slice(half), write, reject);
  }
}

/**
 * Runs `work` on a pooled connection. A connection that failed for any reason but the row's own is
 * not trusted again: it is released as broken, so the pool replaces it.
 */
export async function withClient<R>(pool: Pool, work: (client: PoolClient) => Promise<R>): Promise<R> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await work(client);
  } catch (err) {
    if (!isRowError(err)) broken = err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
}

/** BEGIN … COMMIT around `work`, ROLLBACK when it throws. */
export async function inTransaction<R>(client: PoolClient, work: () => Promise<R>): Promise<R> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
