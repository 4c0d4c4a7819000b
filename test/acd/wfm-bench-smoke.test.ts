import { spawnSync } from 'node:child_process';
import { expect } from 'chai';

describe('bench:acd smoke run (tiny; the real run is `npm run bench:acd`)', function () {
  this.timeout(180_000);
  it('runs both parts and ends with its JSON line', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench/acd.ts'], {
      encoding: 'utf8',
      timeout: 170_000,
      env: {
        ...process.env,
        BENCH_AGENTS: '3',
        BENCH_TRAFFIC_ERLANGS: '2.4',
        BENCH_SL_CALLS: '60',
        BENCH_SL_WARMUP: '5',
        BENCH_PROGRESS_EVERY: '0',
        BENCH_WAITING: '40',
        BENCH_ROUTING_AGENTS: '3',
        BENCH_ROUTING_SAMPLES: '20',
        BENCH_TIMEOUT_MS: '60000',
      },
    });
    expect(run.status, run.stderr).to.equal(0);
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    for (const key of ['slMeasured', 'slErlangA', 'waiting', 'routingP99Ms', 'slDiffPp', 'routingSamples'])
      expect(result, key).to.have.property(key).that.is.a('number');
    expect(result.offered).to.equal(60);
    expect(result.waiting).to.be.at.least(1);
    expect(result.errors).to.equal(0);
  });
});
