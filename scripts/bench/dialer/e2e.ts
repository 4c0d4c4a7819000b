/**
 * The end-to-end part of bench:dialer: one predictive campaign for one simulated hour through the
 * ARI simulator (issue 7's traffic), the dialer runtime with the predictive pacer, Redis and
 * Postgres (test/dialer/e2e.ts, by the runtime's authors). The abandon rate computed from
 * call_attempts is compared with the runtime's own count of the same run; the difference is
 * e2eAbandonDiffPp.
 */
export interface E2eFigures {
  agents: number;
  minutes: number;
  dials: number;
  connected: number;
  dbAbandonPct: number;
  runtimeAbandonPct: number;
  dbLiveAnswers: number;
  dbAbandoned: number;
  diffPp: number;
  wallSeconds: number;
}

export async function runE2e(agents: number, minutes: number, seed: number): Promise<E2eFigures> {
  const { runDialerE2e } = await import('../../../test/dialer/e2e.js');
  const r = await runDialerE2e({ agents, minutes, seed, stepMs: 250 });
  const pct = (x: number) => Math.round(x * 10000) / 100;
  return {
    agents,
    minutes,
    dials: r.dials,
    connected: r.connected,
    dbAbandonPct: pct(r.db.rate),
    runtimeAbandonPct: pct(r.runtime.rate),
    dbLiveAnswers: r.db.liveAnswers,
    dbAbandoned: r.db.abandoned,
    diffPp: Math.round(r.diffPp * 1000) / 1000,
    wallSeconds: Math.round(r.wallSeconds),
  };
}
