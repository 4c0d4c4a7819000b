import { spawnSync } from 'node:child_process';
import { expect } from 'chai';

describe('bench:ivr smoke run (20 callers; the real run is `npm run bench:ivr` with 500)', function () {
  this.timeout(120_000);
  it('runs clean and ends with its JSON line', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench/ivr.ts'], {
      encoding: 'utf8',
      timeout: 110_000,
      env: { ...process.env, BENCH_CALLERS: '20', BENCH_RAMP_MS: '500' },
    });
    expect(run.status, run.stderr).to.equal(0);
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    for (const key of ['concurrent', 'nodeLatencyP99Ms', 'errors', 'nodeVisits'])
      expect(result, key).to.have.property(key).that.is.a('number');
    expect(result).to.include({ callers: 20, concurrent: 20, completed: 20, errors: 0, leaked: 0 });
  });
});
