import type { Pool } from 'pg';

/** Months of partitions kept ready ahead of the current one, so the first call of a month never waits on DDL. */
export const DefaultMonthsAhead = 3;
/** How often the worker re-checks partitions and retention. */
export const DefaultMaintenanceIntervalMs = 60 * 60 * 1000;
// Any fixed number works: it only has to be the same in every worker process.
const MaintenanceLockKey = 7_312_001;

/** First day of the UTC month holding `date`, as YYYY-MM-DD. */
export function monthOf(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

export function addMonths(date: Date, months: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
}

/**
 * Start of the oldest month kept with a retention of `months` (0 = keep everything): the current
 * month and the `months` whole months before it.
 */
export function retentionCutoff(now: Date, months: number): Date | undefined {
  return months > 0 ? addMonths(now, -months) : undefined;
}

// Two workers creating the same partition at once: the loser sees one of these; the table exists.
const AlreadyThere = new Set(['42P07', '23505']);

/**
 * Knows which monthly partitions exist, creating missing ones on demand. The worker calls
 * `ensure` with the months of each batch before writing; a cache hit costs nothing.
 */
export class PartitionCache {
  private readonly months = new Set<string>();
  private loaded = false;

  constructor(private readonly pool: Pool) {}

  async ensure(months: Iterable<string>): Promise<void> {
    if (!this.loaded) await this.load();
    for (const month of months) {
      if (this.months.has(month)) continue;
      await createPartitions(this.pool, month, month);
      this.months.add(month);
    }
  }

  /** Forget what we know (after retention dropped partitions). */
  reset(): void {
    this.loaded = false;
    this.months.clear();
  }

  private async load(): Promise<void> {
    const r = await this.pool.query<{ month: string }>(
      `SELECT to_char(to_date(substring(c.relname FROM '_y([0-9]{4}m[0-9]{2})$'), 'YYYY"m"MM'), 'YYYY-MM-DD') AS month
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'calls'::regclass AND c.relname ~ '_y[0-9]{4}m[0-9]{2}$'
          AND to_regclass(replace(c.relname, 'calls_', 'call_events_')) IS NOT NULL`,
    );
    for (const row of r.rows) this.months.add(row.month);
    this.loaded = true;
  }
}

/** Creates the partitions of calls and call_events for every month from `from` to `to` (YYYY-MM-DD). */
export async function createPartitions(pool: Pool, from: string, to: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await pool.query<{ n: number }>('SELECT records_ensure_partitions($1::date, $2::date) AS n', [
        from,
        to,
      ]);
      return r.rows[0]?.n ?? 0;
    } catch (err) {
      if (attempt < 3 && AlreadyThere.has((err as { code?: string }).code ?? '')) continue;
      throw err;
    }
  }
}

export interface MaintenanceResult {
  created: number;
  dropped: string[];
}

/**
 * Partitions for the months ahead, and retention. Runs under a transaction-level advisory lock so
 * several workers do not race on the same DDL; a worker that finds the lock taken skips the round.
 */
export async function maintainPartitions(
  pool: Pool,
  options: { now?: Date; monthsAhead?: number; retentionMonths: number },
): Promise<MaintenanceResult> {
  const now = options.now ?? new Date();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const lock = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [
      MaintenanceLockKey,
    ]);
    if (!lock.rows[0]?.ok) {
      await client.query('ROLLBACK');
      return { created: 0, dropped: [] };
    }
    const ahead = monthOf(addMonths(now, options.monthsAhead ?? DefaultMonthsAhead));
    const created = await client.query<{ n: number }>(
      'SELECT records_ensure_partitions($1::date, $2::date) AS n',
      [monthOf(now), ahead],
    );
    const cutoff = retentionCutoff(now, options.retentionMonths);
    const dropped = cutoff
      ? (
          await client.query<{ name: string }>('SELECT records_drop_partitions_before($1::date) AS name', [
            monthOf(cutoff),
          ])
        ).rows.map((r) => r.name)
      : [];
    await client.query('COMMIT');
    return { created: created.rows[0]?.n ?? 0, dropped };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
