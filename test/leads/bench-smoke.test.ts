import { expect } from 'chai';
import { runTs } from '../api/spawn.js';
import { TestRedisUrl } from '../helpers/redis.js';

// The benchmark creates and drops its own database on this server, and uses its own Redis prefix.
const DatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('leads: bench:leads smoke run (tiny size; figures come from npm run bench:leads)', function () {
  // A bound for a loaded machine, not a timing assert: the bench itself fails after 60 s without progress.
  this.timeout(240_000);

  it('imports the generated file and ends with a JSON line: rows/s, peak RSS, every count as expected', async () => {
    const r = await runTs('scripts/bench/leads.ts', ['--rows', '3000'], {
      DATABASE_URL: DatabaseUrl,
      REDIS_URL: TestRedisUrl,
    });
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
    expect(result).to.include.keys('rowsPerSec', 'peakRssMb', 'seconds', 'fileMb');
    expect(result).to.deep.include({
      rows: 3000,
      read: 3000,
      imported: 2940,
      merged: 30,
      rejected: 30,
      countsMatch: true,
    });
    expect(result.rowsPerSec).to.be.a('number').greaterThan(0);
  });
});
