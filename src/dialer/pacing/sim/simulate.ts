import { compileTraffic, TrafficStats, type CompiledTraffic } from '../traffic.js';
import { EventHeap } from './heap.js';
import { Issue7Traffic, OutcomeStream, type DialOutcome, type TrafficModel } from './outcomes.js';

/**
 * A virtual-clock discrete-event simulation of one campaign day: N agents logged in the whole day,
 * a pacer asked every tick how many calls to place, the seed's outcome stream behind the dials.
 * Live answers go to the longest-idle agent; with none free they wait up to `patienceS` for the
 * first agent out of wrap-up (first come, first served) and are abandoned after that.
 */

/** What a pacer sees of the campaign at a tick. */
export interface SimView {
  readonly nowS: number;
  readonly agents: number;
  readonly ready: number;
  readonly talking: number;
  readonly wrapping: number;
  readonly inFlight: number;
  readonly waitingLive: number;
  /** Counts since the start of the day (the bench's abandon window). */
  readonly dayLive: number;
  readonly dayAbandons: number;
  readonly lastMinuteLive: number;
  readonly lastMinuteAbandons: number;
  readonly patienceS: number;
  inFlightAges(): number[];
  wrapUpRemaining(): number[];
  talkElapsed(): number[];
  /** Observed traffic of the day so far, recompiled every few seconds. */
  traffic(): CompiledTraffic;
}

export interface SimPacer {
  readonly name: string;
  /** Calls to place now. */
  decide(view: SimView): number;
}

export interface DayConfig {
  agents: number;
  seed: number;
  durationS: number;
  tickS: number;
  model?: TrafficModel;
}

export interface DayResult {
  seed: number;
  agents: number;
  dials: number;
  liveAnswers: number;
  abandons: number;
  /** abandons / live answers (0 when no live answer). */
  abandonRate: number;
  talkS: number;
  wrapS: number;
  /** (talk + wrap) / logged-in time. */
  occupancy: number;
  /** talk / (talk + idle), i.e. wrap-up left out of both sides. */
  talkOccupancy: number;
  /** Largest abandon rate of any clock hour of the day with at least 50 live answers (null if none). */
  maxHourRate: number | null;
}

const Resolve = 0;
const Patience = 1;
const TalkEnd = 2;
const WrapEnd = 3;

const Idle = 0;
const Talking = 1;
const Wrapping = 2;

const RecompileEveryS = 5;

export function simulateDay(config: DayConfig, pacer: SimPacer): DayResult {
  const m = config.model ?? Issue7Traffic;
  const n = config.agents;
  const end = config.durationS;
  const stream = new OutcomeStream(config.seed, m);
  const heap = new EventHeap();
  const stats = new TrafficStats(m.wrapUpS);
  let compiled = compileTraffic(stats.snapshot());
  let compiledAt = 0;
  let statsDirty = false;

  const state = new Uint8Array(n);
  const since = new Float64Array(n); // idle since / talk start / wrap start
  const talkLen = new Float64Array(n);
  let ready = n;
  let talking = 0;
  let wrapping = 0;
  let talkS = 0;
  let wrapS = 0;

  // Calls in flight: dense arrays with swap-remove.
  const calls: { placedAt: number; outcome: DialOutcome; slot: number }[] = [];
  const flight: number[] = []; // call ids in flight
  // Live answers waiting for an agent, FIFO.
  const waiting: number[] = [];
  let waitHead = 0;
  const waitingDone = new Set<number>();
  let waitingCount = 0;

  let dials = 0;
  let dayLive = 0;
  let dayAbandons = 0;
  const liveTimes: number[] = [];
  const abandonTimes: number[] = [];
  let liveHead = 0;
  let abandonHead = 0;
  const hourLive = new Array<number>(Math.ceil(end / 3600)).fill(0);
  const hourAbandons = new Array<number>(Math.ceil(end / 3600)).fill(0);
  let now = 0;

  const connect = (agent: number, callId: number) => {
    state[agent] = Talking;
    since[agent] = now;
    const t = calls[callId]!.outcome.talkS;
    talkLen[agent] = t;
    ready -= 1;
    talking += 1;
    heap.push(now + t, TalkEnd, agent);
  };
  const longestIdle = () => {
    let best = -1;
    for (let i = 0; i < n; i++) if (state[i] === Idle && (best < 0 || since[i]! < since[best]!)) best = i;
    return best;
  };

  const view: SimView = {
    get nowS() {
      return now;
    },
    agents: n,
    get ready() {
      return ready;
    },
    get talking() {
      return talking;
    },
    get wrapping() {
      return wrapping;
    },
    get inFlight() {
      return flight.length;
    },
    get waitingLive() {
      return waitingCount;
    },
    get dayLive() {
      return dayLive;
    },
    get dayAbandons() {
      return dayAbandons;
    },
    get lastMinuteLive() {
      while (liveHead < liveTimes.length && liveTimes[liveHead]! <= now - 60) liveHead++;
      return liveTimes.length - liveHead;
    },
    get lastMinuteAbandons() {
      while (abandonHead < abandonTimes.length && abandonTimes[abandonHead]! <= now - 60) abandonHead++;
      return abandonTimes.length - abandonHead;
    },
    patienceS: m.patienceS,
    inFlightAges: () => flight.map((id) => now - calls[id]!.placedAt),
    wrapUpRemaining: () => {
      const out: number[] = [];
      for (let i = 0; i < n; i++)
        if (state[i] === Wrapping) out.push(Math.max(0, since[i]! + m.wrapUpS - now));
      return out;
    },
    talkElapsed: () => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) if (state[i] === Talking) out.push(now - since[i]!);
      return out;
    },
    traffic: () => {
      if (statsDirty && now - compiledAt >= RecompileEveryS) {
        compiled = compileTraffic(stats.snapshot());
        compiledAt = now;
        statsDirty = false;
      }
      return compiled;
    },
  };

  const handle = (type: number, id: number) => {
    switch (type) {
      case Resolve: {
        const call = calls[id]!;
        const last = flight.pop()!;
        if (last !== id) {
          flight[call.slot] = last;
          calls[last]!.slot = call.slot;
        }
        const o = call.outcome;
        statsDirty = true;
        if (o.kind === 'live') {
          stats.recordDial('live', o.resolveS);
          dayLive += 1;
          liveTimes.push(now);
          hourLive[Math.min(hourLive.length - 1, Math.floor(now / 3600))]! += 1;
          const agent = longestIdle();
          if (agent >= 0) connect(agent, id);
          else {
            waiting.push(id);
            waitingCount += 1;
            heap.push(now + m.patienceS, Patience, id);
          }
        } else stats.recordDial(o.kind === 'busy' ? 'failed' : o.kind, o.resolveS);
        break;
      }
      case Patience:
        if (!waitingDone.has(id)) {
          waitingDone.add(id);
          waitingCount -= 1;
          dayAbandons += 1;
          abandonTimes.push(now);
          hourAbandons[Math.min(hourAbandons.length - 1, Math.floor(now / 3600))]! += 1;
        }
        break;
      case TalkEnd: {
        const agent = id;
        stats.recordTalk(talkLen[agent]!);
        talkS += Math.min(now, end) - Math.min(since[agent]!, end);
        state[agent] = Wrapping;
        since[agent] = now;
        talking -= 1;
        wrapping += 1;
        heap.push(now + m.wrapUpS, WrapEnd, agent);
        break;
      }
      case WrapEnd: {
        const agent = id;
        stats.recordWrapUp(m.wrapUpS);
        wrapS += Math.min(now, end) - Math.min(since[agent]!, end);
        state[agent] = Idle;
        since[agent] = now;
        wrapping -= 1;
        ready += 1;
        while (waitHead < waiting.length) {
          const callId = waiting[waitHead++]!;
          if (waitingDone.has(callId)) continue;
          waitingDone.add(callId);
          waitingCount -= 1;
          connect(agent, callId);
          break;
        }
        break;
      }
    }
  };

  const ticks = Math.floor(end / config.tickS);
  for (let k = 0; k <= ticks; k++) {
    const tickAt = k * config.tickS;
    for (let e = heap.peek(); e && e.at <= tickAt; e = heap.peek()) {
      heap.pop();
      now = e.at;
      handle(e.type, e.id);
    }
    now = tickAt;
    if (tickAt >= end) break;
    const place = pacer.decide(view);
    if (!Number.isInteger(place) || place < 0) throw new Error(`${pacer.name} asked for ${place} calls`);
    for (let i = 0; i < place; i++) {
      const outcome = stream.next();
      const id = calls.length;
      calls.push({ placedAt: now, outcome, slot: flight.length });
      flight.push(id);
      dials += 1;
      heap.push(now + outcome.resolveS, Resolve, id);
    }
  }
  // Busy time still running at the end of the day counts up to the end.
  for (let i = 0; i < n; i++) {
    if (state[i] === Talking) talkS += Math.max(0, end - since[i]!);
    if (state[i] === Wrapping) wrapS += Math.max(0, end - since[i]!);
  }
  const logged = n * end;
  let maxHourRate: number | null = null;
  for (let h = 0; h < hourLive.length; h++)
    if (hourLive[h]! >= 50) maxHourRate = Math.max(maxHourRate ?? 0, hourAbandons[h]! / hourLive[h]!);
  return {
    seed: config.seed,
    agents: n,
    dials,
    liveAnswers: dayLive,
    abandons: dayAbandons,
    abandonRate: dayLive > 0 ? dayAbandons / dayLive : 0,
    talkS,
    wrapS,
    occupancy: (talkS + wrapS) / logged,
    talkOccupancy: talkS / Math.max(1e-9, logged - wrapS),
    maxHourRate,
  };
}
