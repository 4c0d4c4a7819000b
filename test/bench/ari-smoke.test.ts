import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { IdleStats } from '../helpers/ari.js';

describe('bench:ari smoke run (tiny sizes; the real run is `npm run bench:ari`)', function () {
  this.timeout(120_000);
  it('runs clean and ends with its JSON line', () => {
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/bench/ari.ts',
        '--calls',
        '20',
        '--ramp',
        '100',
        '--digits',
        '20',
        '--cpu-calls',
        '10',
        '--outages',
        '0.2',
      ],
      { encoding: 'utf8', timeout: 110_000 },
    );
    expect(run.status, run.stderr).to.equal(0);
    const last = run.stdout.trim().split('\n').pop()!;
    const result = JSON.parse(last) as Record<string, unknown>;
    for (const key of [
      'eventsPerSec',
      'p99Ms',
      'loopLagP99Ms',
      'calls',
      'cpuMsPerCall',
      'baselineCpuMsPerCall',
    ]) {
      expect(result, key).to.have.property(key).that.is.a('number');
    }
    expect(result).to.include({ calls: 20, accepted: 20, drained: true, errors: 0 });
    expect(result.leftover).to.deep.equal(IdleStats);
  });
});
