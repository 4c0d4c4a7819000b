import { spawnSync } from 'node:child_process';
import { expect } from 'chai';

describe('bench:dialer smoke run (2 seeds × 15 min, 10 agents; the real run is `npm run bench:dialer`)', function () {
  this.timeout(300_000);
  it('runs on worker threads and ends with its JSON line', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench/dialer.ts'], {
      encoding: 'utf8',
      timeout: 290_000,
      env: {
        ...process.env,
        BENCH_SEEDS: '2',
        BENCH_HOURS: '0.25',
        BENCH_AGENTS: '10',
        BENCH_THREADS: '2',
        BENCH_E2E: '0',
      },
    });
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
      results: Record<string, unknown>[];
      e2eAbandonDiffPp: unknown;
      seeds: { reported: string; tunedOn: string };
    };
    expect(out).to.have.property('e2eAbandonDiffPp');
    expect(out.seeds).to.include({ reported: '1-2', tunedOn: '1000-1029' });
    expect(out.results).to.have.length(1);
    const row = out.results[0]!;
    expect(row.agents).to.equal(10);
    for (const key of [
      'abandonMean',
      'abandonP90Daily',
      'abandonMaxWindow',
      'occupancy',
      'progressiveOccupancy',
      'bestFixedOccupancy',
      'vicidialOccupancy',
      'vicidialAbandonMax',
    ])
      expect(row, key).to.have.property(key).that.is.a('number');
    expect(row.occupancy as number).to.be.within(0, 100);
    expect(row.bestFixedOccupancy as number).to.be.at.least(row.progressiveOccupancy as number);
  });
});
