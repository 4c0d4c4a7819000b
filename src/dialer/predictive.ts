import { compileTraffic, type CompiledTraffic, decidePacing, TrafficStats } from './pacing/index.js';
import type { Campaign } from './campaign.js';
import type { Pacer, PacingEvent, PacingInput } from './ports.js';

/** How often the traffic model is recompiled from the stats. */
const RecompileMs = 1000;
const MinuteMs = 60_000;

/**
 * The runtime's seam to the pure predictive pacer (src/dialer/pacing): keeps the traffic stats
 * (dial results and how long they took, talk and wrap-up times) and the last minute's live answers
 * and abandons, and turns the runtime's snapshot into `decidePacing`'s input.
 */
export class PredictivePacer implements Pacer {
  private readonly stats: TrafficStats;
  private compiled: CompiledTraffic | undefined;
  private compiledAt = -Infinity;
  private readonly recent: Array<{ at: number; live: boolean }> = [];
  lastReason = '';

  constructor(private readonly campaign: Pick<Campaign, 'wrap_up_seconds'>) {
    this.stats = new TrafficStats(campaign.wrap_up_seconds);
  }

  observe(e: PacingEvent): void {
    if (e.type === 'resolved') {
      this.stats.recordDial(e.result, e.seconds);
      if (e.result === 'live') this.recent.push({ at: e.at, live: true });
    } else if (e.type === 'abandoned') this.recent.push({ at: e.at, live: false });
    else if (e.type === 'talk') {
      this.stats.recordTalk(e.seconds);
      this.stats.recordWrapUp(this.campaign.wrap_up_seconds);
    }
  }

  callsToPlace(i: PacingInput): number {
    if (!this.compiled || i.now - this.compiledAt >= RecompileMs) {
      this.compiled = compileTraffic(this.stats.snapshot());
      this.compiledAt = i.now;
    }
    while (this.recent.length && this.recent[0]!.at < i.now - MinuteMs) this.recent.shift();
    const lastMinute = {
      liveAnswers: this.recent.filter((r) => r.live).length,
      abandons: this.recent.filter((r) => !r.live).length,
    };
    const d = decidePacing({
      mode: i.mode,
      agents: {
        loggedIn: i.agentsLoggedIn,
        ready: i.agentsReady,
        wrapUpRemainingS: i.wrapUpRemainingS,
        talkElapsedS: i.talkElapsedS,
      },
      calls: { inFlightAgeS: i.inFlightAgeS, waitingLive: i.callsWaiting },
      traffic: this.compiled,
      abandon: { cap: i.abandonLimit, window: i.window, lastMinute, patienceS: i.patienceS },
    });
    this.lastReason = d.reason;
    return d.calls;
  }
}

export function predictivePacer(campaign: Campaign): Pacer {
  return new PredictivePacer(campaign);
}
