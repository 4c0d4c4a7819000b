/**
 * npm run rollups:backfill [-- --from YYYY-MM-DD --to YYYY-MM-DD]
 *
 * Rebuilds call_rollups from the calls rows for whole UTC months (from's month up to, not
 * including, to; default: every month that has calls). For rows loaded outside the records worker
 * (COPY, restores) or to repair the rollups; safe while the worker runs.
 */
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../src/config/index.js';
import { createKnex } from '../src/db/index.js';
import { silentLogger } from '../src/log/index.js';
import { addMonths, backfillRollups } from '../src/records/index.js';

const Usage = 'usage: npm run rollups:backfill [-- --from YYYY-MM-DD --to YYYY-MM-DD]';

let values: { from?: string; to?: string };
try {
  values = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } }).values;
} catch (err) {
  process.stderr.write(`rollups:backfill: ${(err as Error).message}\n${Usage}\n`);
  process.exit(2);
}
const day = (v: string | undefined, name: string) => {
  if (v === undefined) return undefined;
  const d = new Date(`${v}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(d.getTime())) {
    process.stderr.write(`rollups:backfill: --${name} must be a date YYYY-MM-DD\n${Usage}\n`);
    process.exit(2);
  }
  return d;
};

const config = loadConfigOrExit();
const knex = createKnex(config.DATABASE_URL, { poolMax: 2, logger: silentLogger() });
try {
  const span = await knex.raw('SELECT min(started_at) AS first, max(started_at) AS last FROM calls');
  const first: Date | null = span.rows[0].first;
  const last: Date | null = span.rows[0].last;
  const from = day(values.from, 'from') ?? first;
  const to = day(values.to, 'to') ?? (last ? addMonths(last, 1) : null);
  if (!from || !to) {
    console.log('no calls: nothing to backfill');
  } else {
    const started = Date.now();
    const r = await backfillRollups(knex, {
      from,
      to,
      onMonth: (month, calls) => console.log(`${month.slice(0, 7)}: ${calls} calls`),
    });
    console.log(
      `rebuilt ${r.months.length} month(s), ${r.calls} calls in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
} catch (err) {
  process.stderr.write(`rollups:backfill: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await knex.destroy();
}
