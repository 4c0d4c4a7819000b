import type { Knex } from 'knex';
import type { Bridge, Call, Telephony } from '../ari/index.js';
import type { Logger } from '../log/index.js';
import type { DialerAgent, DialerAgents } from './agents.js';
import {
  claimAndDecide,
  closeStaleAttempts,
  type Decision,
  finishAttempt,
  type Outcome,
  updateAttempt,
} from './attempts.js';
import type { Campaign } from './campaign.js';
import { type AmdOriginator, dialLead } from './originate.js';
import {
  type DialerClock,
  type LeadCompliance,
  type Pacer,
  type PacingInput,
  progressivePacer,
  realClock,
  sleep,
} from './ports.js';
import { Profiles } from './rules.js';
import type { CampaignStore } from './store.js';

/**
 * The dialer's shell: every `tickMs` it reads campaign states (so start / pause / stop from any
 * engine take effect within a tick), asks the pacer how many calls to place, claims that many leads
 * (claimAndDecide: the call_attempts row is committed before the dial) and runs each call as one
 * async function: dial through AMD, then agent / machine / agentless handling, then the outcome.
 */

export const DefaultTickMs = 200;
export const DefaultAgentlessLines = 10;
const AgentPollMs = 100;
const OptOutListenMs = 4000;
const AbandonRateRefreshMs = 5000;
const StaleSweepMs = 30_000;
/** A preview nobody accepted or skipped in this time goes back to the list. */
export const PreviewExpiryMs = 10 * 60_000;
/** Agents in wrap-up this close to ready count as soon free. */
const SoonFreeMs = 5000;

export interface RuntimeCounters {
  dialed: number;
  answered: number;
  liveAnswers: number;
  machines: number;
  abandoned: number;
  connected: number;
  refused: number;
}

export interface DialerRuntimeOptions {
  db: Knex;
  ari: AmdOriginator & Telephony;
  agents: DialerAgents;
  compliance: LeadCompliance;
  store: CampaignStore;
  logger: Logger;
  /** Name of this engine, stored on every attempt it decides. */
  engine: string;
  clock?: DialerClock;
  /** Pacer per campaign (predictive campaigns); progressive 1:1 when absent. */
  pacer?: (campaign: Campaign) => Pacer;
  tickMs?: number;
  /** Dial string of a lead; `{number}` is the E.164 number. */
  trunk?: string;
  agentlessLines?: number;
}

interface Run {
  campaign: Campaign;
  version: number;
  pacer: Pacer;
  ringing: number;
  waiting: number;
  /** Abort = hang up while ringing (stop). */
  calls: Map<string, AbortController>;
  counters: RuntimeCounters;
  abandonRate: number;
  window: { liveAnswers: number; abandons: number };
  abandonRateAt: number;
  /** Ringing calls: attempt id → when placed. */
  ringingSince: Map<string, number>;
}

const zero = (): RuntimeCounters => ({
  dialed: 0,
  answered: 0,
  liveAnswers: 0,
  machines: 0,
  abandoned: 0,
  connected: 0,
  refused: 0,
});

export class DialerRuntime {
  private readonly runs = new Map<string, Run>();
  /** Counters since this engine started, kept after a campaign stops. */
  private readonly totals = new Map<string, RuntimeCounters>();
  private readonly clock: DialerClock;
  private readonly tickMs: number;
  private timer: { cancel(): void } | undefined;
  private running = false;
  /** First tick after start: close what this engine left active before it restarted. */
  private recovering = false;
  private sweptAt = -Infinity;
  private ticking: Promise<void> | undefined;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly tasks = new Set<Promise<unknown>>();

  constructor(private readonly o: DialerRuntimeOptions) {
    this.clock = o.clock ?? realClock;
    this.tickMs = o.tickMs ?? DefaultTickMs;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.recovering = true;
    this.schedule(0);
  }

  /** Stops placing calls; calls in progress finish unless `hangUp`. */
  async stop(options: { hangUp?: boolean } = {}): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    await this.ticking;
    if (options.hangUp) for (const run of this.runs.values()) for (const c of run.calls.values()) c.abort();
  }

  /** Re-reads campaign states now (the API calls it after start/pause/stop on this engine). */
  poke(): void {
    if (!this.running) return;
    this.timer?.cancel();
    this.schedule(0);
  }

  /** Resolves when no tick, database write or REST request of ours is in flight (virtual-clock drivers). */
  async idle(): Promise<void> {
    while (this.inflight.size || this.ticking) {
      await Promise.allSettled([...this.inflight, this.ticking]);
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Resolves when every call this runtime placed has ended. */
  async drained(): Promise<void> {
    while (this.tasks.size) await Promise.allSettled([...this.tasks]);
  }

  counters(campaignId: string): RuntimeCounters {
    return { ...(this.totals.get(campaignId) ?? zero()) };
  }

  activeCalls(campaignId?: string): number {
    let n = 0;
    for (const [id, run] of this.runs) if (!campaignId || id === campaignId) n += run.calls.size;
    return n;
  }

  private totalsOf(campaignId: string): RuntimeCounters {
    let t = this.totals.get(campaignId);
    if (!t) this.totals.set(campaignId, (t = zero()));
    return t;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  private now(): Date {
    return new Date(this.clock.now());
  }

  private schedule(ms: number): void {
    this.timer = this.clock.setTimeout(() => {
      if (!this.running || this.ticking) return;
      this.ticking = this.tick()
        .catch((err: unknown) => {
          this.o.logger.error('dialer tick failed', { error: (err as Error).message });
        })
        .finally(() => {
          this.ticking = undefined;
          if (this.running) this.schedule(this.tickMs);
        });
    }, ms);
  }

  private async tick(): Promise<void> {
    const now = this.clock.now();
    if (this.recovering || now - this.sweptAt > StaleSweepMs) {
      const closed = await closeStaleAttempts(this.o.db, {
        ...(this.recovering ? { engine: this.o.engine } : {}),
        previewOlderThan: new Date(now - PreviewExpiryMs),
        at: new Date(now),
      });
      if (closed.length)
        this.o.logger.warn('closed stale dialer attempts', { closed: closed.length, engine: this.o.engine });
      // An agent whose preview expired is ready again.
      for (const a of closed)
        if (a.decision === 'preview' && a.agent) await this.o.agents.ready(a.agent, now);
      this.recovering = false;
      this.sweptAt = now;
      for (const [id, run] of this.runs)
        if (
          run.campaign.state === 'running' &&
          !run.calls.size &&
          (await this.o.store.completeIfExhausted(id, new Date(now)))
        )
          this.o.logger.info('campaign completed: no lead left to dial', { campaign: id });
    }
    const states = await this.o.store.states();
    for (const [id, s] of states) {
      let run = this.runs.get(id);
      if (s.state !== 'running' && s.state !== 'paused') {
        if (run) {
          for (const c of run.calls.values()) c.abort(); // stopped: ringing calls are hung up
          if (!run.calls.size) this.runs.delete(id);
        }
        continue;
      }
      if (!run || run.version !== s.version) {
        const campaign = await this.o.store.get(id);
        run ??= {
          campaign,
          version: s.version,
          pacer: progressivePacer,
          ringing: 0,
          waiting: 0,
          calls: new Map(),
          counters: this.totalsOf(id),
          abandonRate: 0,
          window: { liveAnswers: 0, abandons: 0 },
          abandonRateAt: -Infinity,
          ringingSince: new Map(),
        };
        run.campaign = campaign;
        run.version = s.version;
        run.pacer =
          campaign.mode === 'predictive' && this.o.pacer ? this.o.pacer(campaign) : progressivePacer;
        this.runs.set(id, run);
      }
      run.campaign = { ...run.campaign, state: s.state };
      if (s.state !== 'running') continue;
      if (run.campaign.mode !== 'agentless') await this.track(this.callbacks(run));
      if (run.campaign.mode !== 'preview') await this.place(run);
    }
  }

  /** Call-backs promised to one agent, due now, whose agent is free: dialed with the agent reserved. */
  private async callbacks(run: Run): Promise<void> {
    const due = await this.o
      .db('dialer_callbacks')
      .where({ campaign_id: run.campaign.id, status: 'pending' })
      .whereNotNull('agent')
      .andWhere('due_at', '<=', this.now())
      .select('id', 'lead_id', 'agent')
      .limit(20);
    for (const cb of due) {
      const agent = await this.o.agents.claimAgent(cb.agent, this.clock.now());
      if (!agent) continue;
      const [d] = await claimAndDecide(this.o.db, this.o.compliance, run.campaign, {
        now: this.now(),
        limit: 1,
        engine: this.o.engine,
        leadId: cb.lead_id,
      });
      if (!d || d.decision !== 'dial') {
        await this.o.agents.ready(agent.id, this.clock.now());
        if (d) run.counters.refused++;
        continue;
      }
      await this.o
        .db('dialer_callbacks')
        .where({ id: cb.id })
        .update({ status: 'done', done_at: this.now(), attempt_id: d.attemptId });
      this.launch(run, d, agent);
    }
  }

  private async callsToPlace(run: Run): Promise<number> {
    const c = run.campaign;
    if (c.mode === 'agentless')
      return Math.max(0, (this.o.agentlessLines ?? DefaultAgentlessLines) - run.calls.size);
    const now = this.clock.now();
    const profile = Profiles[c.jurisdiction];
    if (now - run.abandonRateAt > AbandonRateRefreshMs) {
      const from = new Date(now - profile.abandon.window_hours * 3_600_000);
      const { rows } = await this.o.db.raw('SELECT * FROM dialer_abandon_rate(?, ?, ?, ?)', [
        c.id,
        from,
        new Date(now + 1000),
        profile.abandon.amd_false_positives_count ? c.amd_false_positive_rate : 0,
      ]);
      run.abandonRate = Number(rows[0]?.abandon_rate ?? 0);
      run.window = {
        liveAnswers: Number(rows[0]?.live_answers ?? 0),
        abandons: Number(rows[0]?.abandoned ?? 0),
      };
      run.abandonRateAt = now;
    }
    const snap = await this.o.agents.snapshot(c.id, now);
    const soon = snap.wrapUpRemainingMs.filter((ms) => ms <= SoonFreeMs).length;
    const input: PacingInput = {
      mode: c.mode === 'predictive' ? 'predictive' : 'progressive',
      now,
      agentsLoggedIn: snap.loggedIn,
      agentsReady: snap.ready,
      agentsSoonFree: soon,
      agentsBusy: snap.busyElapsedMs.length + snap.wrapUpRemainingMs.length - soon,
      wrapUpRemainingS: snap.wrapUpRemainingMs.map((ms) => ms / 1000),
      talkElapsedS: snap.busyElapsedMs.map((ms) => ms / 1000),
      callsRinging: run.ringing,
      inFlightAgeS: [...run.ringingSince.values()].map((t) => (now - t) / 1000),
      callsWaiting: run.waiting,
      window: run.window,
      abandonRate: run.abandonRate,
      abandonLimit: profile.abandon.limit,
      patienceS: profile.abandon.agent_connect_seconds,
      maxDialRatio: c.max_dial_ratio,
    };
    // Safety brake whatever the pacer says: over the cap, fall to 1:1.
    const pacer = run.abandonRate >= profile.abandon.limit ? progressivePacer : run.pacer;
    const wanted = Math.floor(pacer.callsToPlace(input));
    // The hard ceiling: a predictive pacer also dials for agents whose talk is likely to end, so its
    // base is every logged-in agent; the other modes dial only for agents free now or very soon.
    const base = input.mode === 'predictive' ? snap.loggedIn : snap.ready + soon;
    const ceiling = Math.ceil(c.max_dial_ratio * base) - run.ringing - run.waiting;
    return Math.max(0, Math.min(wanted, ceiling));
  }

  private async place(run: Run): Promise<void> {
    let n = await this.track(this.callsToPlace(run));
    for (let round = 0; n > 0 && round < 5; round++) {
      const decisions = await this.track(
        claimAndDecide(this.o.db, this.o.compliance, run.campaign, {
          now: this.now(),
          limit: n,
          engine: this.o.engine,
        }),
      );
      for (const d of decisions) {
        if (d.decision === 'refused') {
          run.counters.refused++;
          continue;
        }
        n--;
        this.launch(run, d);
      }
      if (decisions.length === 0) break;
    }
  }

  /** Dials a decided attempt (also used by preview accept and agent call-backs with `agent` reserved). */
  launch(run: Run | string, d: Decision, agent?: DialerAgent): Promise<void> {
    const r = typeof run === 'string' ? this.runs.get(run) : run;
    if (!r) throw new Error(`campaign ${String(run)} is not active on this engine`);
    const ctrl = new AbortController();
    r.calls.set(d.attemptId, ctrl);
    r.ringing++;
    r.ringingSince.set(d.attemptId, this.clock.now());
    r.counters.dialed++;
    r.pacer.observe?.({ type: 'dialed', at: this.clock.now() });
    const task = this.attempt(r, d, ctrl, agent)
      .catch(async (err: unknown) => {
        this.o.logger.error('dialer attempt failed', {
          attemptId: d.attemptId,
          error: (err as Error).message,
        });
        await finishAttempt(
          this.o.db,
          r.campaign,
          { id: d.attemptId, leadId: d.lead.id },
          'failed',
          {},
          this.now(),
        ).catch(() => undefined);
        if (agent) await this.o.agents.release(agent.id, this.clock.now(), 0).catch(() => undefined);
      })
      .finally(() => {
        r.calls.delete(d.attemptId);
        this.tasks.delete(task);
      });
    this.tasks.add(task);
    return task;
  }

  /** Ensures a run exists for a campaign (preview and call-backs run outside ticks). */
  async runFor(campaign: Campaign): Promise<string> {
    if (!this.runs.has(campaign.id))
      this.runs.set(campaign.id, {
        campaign,
        version: campaign.version,
        pacer: progressivePacer,
        ringing: 0,
        waiting: 0,
        calls: new Map(),
        counters: this.totalsOf(campaign.id),
        abandonRate: 0,
        window: { liveAnswers: 0, abandons: 0 },
        abandonRateAt: -Infinity,
        ringingSince: new Map(),
      });
    return campaign.id;
  }

  private finish(
    run: Run,
    d: Decision,
    outcome: Outcome,
    patch: Record<string, unknown> = {},
  ): Promise<void> {
    return this.track(
      finishAttempt(
        this.o.db,
        run.campaign,
        { id: d.attemptId, leadId: d.lead.id },
        outcome,
        patch,
        this.now(),
      ),
    );
  }

  private async attempt(run: Run, d: Decision, ctrl: AbortController, reserved?: DialerAgent): Promise<void> {
    const c = run.campaign;
    const number = d.lead.phone;
    const result = await dialLead(this.o.ari, {
      channelId: d.attemptId,
      endpoint: (this.o.trunk ?? 'PJSIP/{number}@trunk').replace('{number}', number),
      callerId: d.callerId,
      timeoutSeconds: c.ring_timeout_seconds,
      amd: c.amd.enabled,
      signal: ctrl.signal,
      variables: { TONGDAI_CAMPAIGN: c.id, TONGDAI_ATTEMPT: d.attemptId, TONGDAI_LEAD: d.lead.id },
    });
    run.ringing--;
    const placedAt = run.ringingSince.get(d.attemptId) ?? this.clock.now();
    run.ringingSince.delete(d.attemptId);
    const resolvedIn = (this.clock.now() - placedAt) / 1000;
    if (!result.answered) {
      if (result.outcome !== 'cancelled')
        run.pacer.observe?.({
          type: 'resolved',
          at: this.clock.now(),
          result: result.outcome === 'no_answer' ? 'no_answer' : 'failed',
          seconds: resolvedIn,
        });
      if (reserved) await this.o.agents.release(reserved.id, this.clock.now(), 0);
      await this.finish(
        run,
        d,
        result.outcome,
        result.cause !== undefined ? { hangup_cause: result.cause } : {},
      );
      return;
    }
    const call = result.call;
    const answeredAt = this.now();
    run.counters.answered++;
    const machine = result.amdStatus === 'MACHINE';
    if (!machine) run.counters.liveAnswers++;
    else run.counters.machines++;
    run.pacer.observe?.({
      type: 'resolved',
      at: answeredAt.getTime(),
      result: machine ? 'machine' : 'live',
      seconds: resolvedIn,
    });
    await this.track(
      updateAttempt(
        this.o.db,
        d.attemptId,
        {
          answered_at: answeredAt,
          amd_status: result.amdStatus,
          amd_cause: result.amdCause,
          channel_id: call.channelId,
        },
        answeredAt,
      ),
    );
    try {
      if (machine) {
        if (reserved) await this.o.agents.release(reserved.id, this.clock.now(), 0);
        if (c.amd.on_machine === 'message' && c.amd.message) {
          const played = await call.play(c.amd.message, { lang: c.language });
          await call.hangup();
          return await this.finish(run, d, played.status === 'finished' ? 'message_left' : 'machine', {
            hangup_cause: 16,
          });
        }
        await call.hangup();
        return await this.finish(run, d, 'machine', { hangup_cause: 16 });
      }
      if (c.mode === 'agentless') return await this.agentless(run, d, call, answeredAt);
      return await this.connect(run, d, call, answeredAt, reserved);
    } finally {
      if (!call.ended) await call.hangup().catch(() => undefined);
    }
  }

  /** A live answer: the longest-idle agent within the profile's seconds, else the abandon message. */
  private async connect(
    run: Run,
    d: Decision,
    call: Call,
    answeredAt: Date,
    reserved?: DialerAgent,
  ): Promise<void> {
    const c = run.campaign;
    const deadline = answeredAt.getTime() + Profiles[c.jurisdiction].abandon.agent_connect_seconds * 1000;
    run.waiting++;
    let agent = reserved;
    try {
      while (!agent && !call.ended) {
        agent = await this.track(this.o.agents.claim(c.id, this.clock.now()));
        if (agent || this.clock.now() + AgentPollMs > deadline) break;
        await sleep(this.clock, AgentPollMs, call.signal);
      }
    } finally {
      run.waiting--;
    }
    if (call.ended) {
      if (agent) await this.o.agents.release(agent.id, this.clock.now(), 0);
      // The person hung up before the deadline: not an abandon by us, but counted as a short call.
      return this.finish(run, d, 'failed', { abandon_reason: 'hung up while waiting for an agent' });
    }
    if (!agent) return this.abandon(run, d, call, 'no agent free within the connect time');
    const bridged = await this.bridgeAgent(call, agent, d);
    if (!bridged) {
      await this.o.agents.logout(agent.id); // the phone did not answer: take the agent out of rotation
      return this.abandon(run, d, call, `agent ${agent.id} did not answer`);
    }
    const { bridge, agentLeg } = bridged;
    const connectedAt = this.now();
    run.counters.connected++;
    run.pacer.observe?.({ type: 'connected', at: connectedAt.getTime() });
    await this.track(
      updateAttempt(this.o.db, d.attemptId, { agent: agent.id, connected_at: connectedAt }, connectedAt),
    );
    await Promise.race([call.whenEnded(), agentLeg.whenEnded()]);
    await Promise.all([call.hangup().catch(() => undefined), agentLeg.hangup().catch(() => undefined)]);
    await bridge.destroy().catch(() => undefined);
    const ended = this.now();
    run.pacer.observe?.({
      type: 'talk',
      at: ended.getTime(),
      seconds: (ended.getTime() - connectedAt.getTime()) / 1000,
    });
    await this.o.agents.release(agent.id, ended.getTime(), c.wrap_up_seconds * 1000);
    await this.finish(run, d, 'completed', { ended_at: ended });
  }

  private async bridgeAgent(
    call: Call,
    agent: DialerAgent,
    d: Decision,
  ): Promise<{ bridge: Bridge; agentLeg: Call } | undefined> {
    let agentLeg: Call;
    try {
      // Not tracked: it resolves when the phone answers, in (virtual) time.
      agentLeg = await this.o.ari.originate({
        endpoint: agent.endpoint,
        callerId: d.lead.phone,
        timeoutSeconds: 10,
        parentCallId: call.callId,
        args: ['dialer-agent', d.attemptId],
        signal: call.signal,
      });
    } catch {
      return undefined;
    }
    if (call.ended) {
      await agentLeg.hangup().catch(() => undefined);
      return undefined;
    }
    const bridge = await this.track(
      this.o.ari.createBridge({ type: 'mixing', name: `dialer-${d.attemptId}` }),
    );
    await this.track(Promise.all([bridge.addChannel(call), bridge.addChannel(agentLeg)]));
    return { bridge, agentLeg };
  }

  /** No agent in time: identity + opt-out message at once, then hang up; the opt-out key is honoured. */
  private async abandon(run: Run, d: Decision, call: Call, reason: string): Promise<void> {
    const c = run.campaign;
    run.counters.abandoned++;
    run.pacer.observe?.({ type: 'abandoned', at: this.clock.now() });
    await this.track(
      updateAttempt(this.o.db, d.attemptId, { abandoned: true, abandon_reason: reason }, this.now()),
    );
    const optedOut = await this.playWithOptOut(call, c.abandon_message, c);
    if (optedOut) await this.optOut(run, d);
    await call.hangup().catch(() => undefined);
    await this.finish(run, d, optedOut ? 'opted_out' : 'abandoned', {
      abandoned: true,
      abandon_reason: reason,
    });
  }

  private async playWithOptOut(call: Call, media: string, c: Campaign): Promise<boolean> {
    if (call.ended) return false;
    try {
      const played = await call.play(media, { lang: c.language, bargeIn: true });
      if (played.digit === c.opt_out_key) return true;
      if (call.ended) return false;
      const got = await call.collectDigits({
        maxDigits: 1,
        firstDigitTimeoutMs: OptOutListenMs,
        interDigitTimeoutMs: OptOutListenMs,
      });
      return got.digits === c.opt_out_key;
    } catch {
      return false; // hung up meanwhile
    }
  }

  private async optOut(run: Run, d: Decision): Promise<void> {
    await this.track(
      this.o.compliance.recordOptOut(this.o.db, d.lead.phone, {
        campaignId: run.campaign.id,
        callId: d.attemptId,
        method: 'keypress',
      }),
    );
  }

  private async agentless(run: Run, d: Decision, call: Call, answeredAt: Date): Promise<void> {
    const c = run.campaign;
    const a = c.agentless!;
    if (a.kind === 'message') {
      const optedOut = await this.playWithOptOut(call, a.message, c);
      if (optedOut) await this.optOut(run, d);
      return this.finish(run, d, optedOut ? 'opted_out' : 'completed');
    }
    // press-1 and survey: the message asks for a key.
    let digit: string;
    try {
      const played = await call.play(a.message, { lang: c.language, bargeIn: true });
      digit = played.digit ?? '';
      if (!digit && !call.ended)
        digit = (
          await call.collectDigits({ maxDigits: 1, firstDigitTimeoutMs: 6000, interDigitTimeoutMs: 6000 })
        ).digits;
    } catch {
      return this.finish(run, d, 'completed', { disposition: 'hung_up' });
    }
    if (digit === c.opt_out_key) {
      await this.optOut(run, d);
      return this.finish(run, d, 'opted_out');
    }
    if (a.kind === 'survey')
      return this.finish(run, d, 'completed', {
        disposition: digit ? `survey_${digit}` : 'survey_no_answer',
      });
    if (digit !== a.press1_key) return this.finish(run, d, 'completed', { disposition: 'not_interested' });
    return this.connect(run, d, call, this.now() > answeredAt ? this.now() : answeredAt);
  }
}
