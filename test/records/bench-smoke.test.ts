import { expect } from 'chai';
import { runTs } from '../api/spawn.js';
import { TestRedisUrl } from '../helpers/redis.js';

// The benchmarks create and drop their own database on this server, and use their own Redis prefix.
const DatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const env = { DATABASE_URL: DatabaseUrl, REDIS_URL: TestRedisUrl };

function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

describe('records: benchmark smoke runs (tiny sizes; figures come from npm run bench:*)', function () {
  // A bound for a loaded machine, not a timing assert: the bench itself fails after 60 s without progress.
  this.timeout(240_000);

  it('bench:cdr ends with a JSON line naming its rates, every row stored', async () => {
    const r = await runTs('scripts/bench/cdr.ts', ['--calls', '2000'], env);
    expect(r.code, r.stderr).to.equal(0);
    const result = lastJson(r.stdout);
    expect(result).to.include.keys(
      'workerRowsPerSec',
      'copyCeilingRowsPerSec',
      'endToEndCallsPerSec',
      'rows',
    );
    expect(result.rows).to.equal(18_000);
    expect(result.allRowsStored).to.equal(true);
  });

  it('bench:reports ends with a JSON line and the rollups match the raw rows', async () => {
    const r = await runTs('scripts/bench/reports.ts', ['--calls', '20000'], env);
    expect(r.code, r.stderr).to.equal(0);
    const result = lastJson(r.stdout);
    expect(result).to.include.keys('dailyReportMs', 'monthlyByQueueMs', 'rawMatches');
    expect(result.rawMatches).to.equal(true);
  });
});
