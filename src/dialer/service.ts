import type { Knex } from 'knex';
import { ConflictError, NotFoundError, ValidationError } from '../api/errors.js';
import type { DialerAgents } from './agents.js';
import { claimAndDecide, confirmPreview, finishAttempt, type Lead } from './attempts.js';
import { dispositionsOf } from './campaign.js';
import type { DialerClock, LeadCompliance } from './ports.js';
import type { DialerRuntime } from './runtime.js';
import type { CampaignStore } from './store.js';
import { windowDecision } from './window.js';
import { zonedToInstant } from './zoned.js';

/**
 * What agents do through the API: preview a lead and dial or skip it, set a disposition (with its
 * flags: final, retry, call back, do-not-call, sale), schedule a call-back at the lead's local time.
 */
export interface PreviewLead {
  attempt_id: string;
  lead: Pick<Lead, 'id' | 'phone' | 'first_name' | 'last_name' | 'country' | 'time_zone' | 'custom'>;
  lead_local_time: string;
  caller_id: string;
  attempt_no: number;
}

export interface DispositionInput {
  code: string;
  agent: string;
  /** Lead-local wall clock, YYYY-MM-DDTHH:MM. */
  callback_at?: string;
  callback_agent?: 'same' | 'any';
  note?: string;
}

export class DialerService {
  constructor(
    private readonly o: {
      db: Knex;
      store: CampaignStore;
      agents: DialerAgents;
      compliance: LeadCompliance;
      runtime?: DialerRuntime;
      clock: DialerClock;
      engine: string;
    },
  ) {}

  private now(): Date {
    return new Date(this.o.clock.now());
  }

  async login(campaignId: string, agent: string, endpoint: string): Promise<void> {
    await this.o.store.get(campaignId);
    const current = await this.o.agents.state(agent);
    const campaigns = [...new Set([...(current?.campaigns ?? []), campaignId])];
    await this.o.agents.login({ id: agent, endpoint }, campaigns, this.o.clock.now());
  }

  async logout(agent: string): Promise<void> {
    await this.o.agents.logout(agent);
  }

  /** The next lead for a preview agent; the agent is reserved until accept/skip. Undefined when none is due. */
  async previewNext(campaignId: string, agent: string): Promise<PreviewLead | undefined> {
    const campaign = await this.o.store.get(campaignId);
    if (campaign.mode !== 'preview')
      throw new ConflictError(`campaign ${campaignId} is ${campaign.mode}, not preview`);
    if (campaign.state !== 'running') throw new ConflictError(`campaign ${campaignId} is ${campaign.state}`);
    const claimed = await this.o.agents.claimAgent(agent, this.o.clock.now());
    if (!claimed) throw new ConflictError(`agent ${agent} is not logged in and ready`);
    // Refused leads get their row and move on; look a little further for one that may be called.
    for (let round = 0; round < 10; round++) {
      const [d] = await claimAndDecide(this.o.db, this.o.compliance, campaign, {
        now: this.now(),
        limit: 1,
        engine: this.o.engine,
        preview: true,
      });
      if (!d) break;
      if (d.decision !== 'preview') continue;
      await this.o.db('call_attempts').where({ id: d.attemptId }).update({ agent });
      const { id, phone, first_name, last_name, country, time_zone, custom } = d.lead;
      return {
        attempt_id: d.attemptId,
        lead: { id, phone, first_name, last_name, country, time_zone, custom },
        lead_local_time: d.verdict.local,
        caller_id: d.callerId,
        attempt_no: d.attemptNo,
      };
    }
    await this.o.agents.ready(agent, this.o.clock.now());
    return undefined;
  }

  private async attemptFor(attemptId: string, agent: string) {
    const row = await this.o.db('call_attempts').where({ id: attemptId }).first();
    if (!row) throw new NotFoundError(`no attempt ${attemptId}`);
    if (row.agent && row.agent !== agent)
      throw new ConflictError(`attempt ${attemptId} belongs to agent ${row.agent}`);
    return { row, campaign: await this.o.store.get(row.campaign_id) };
  }

  /** The agent chose to dial the previewed lead: the rules are judged again, then the call is placed. */
  async accept(
    attemptId: string,
    agent: string,
  ): Promise<{ decision: 'dial' | 'refused'; refused_by?: string; reason?: string }> {
    const { row, campaign } = await this.attemptFor(attemptId, agent);
    if (row.decision !== 'preview' || !row.active)
      throw new ConflictError(`attempt ${attemptId} is not a preview waiting for the agent`);
    if (!this.o.runtime) throw new ConflictError('this engine has no telephony connection yet');
    const d = await confirmPreview(this.o.db, this.o.compliance, campaign, attemptId, this.now());
    if (d.decision !== 'dial') {
      await this.o.agents.ready(agent, this.o.clock.now());
      const refusal = d.verdict.decisions.find((x) => !x.passed);
      return {
        decision: 'refused',
        ...(refusal ? { refused_by: refusal.rule, reason: refusal.reason } : {}),
      };
    }
    const endpoint = await this.endpointOf(agent);
    await this.o.runtime.runFor(campaign);
    void this.o.runtime.launch(campaign.id, d, { id: agent, endpoint });
    return { decision: 'dial' };
  }

  async skip(attemptId: string, agent: string): Promise<void> {
    const { row, campaign } = await this.attemptFor(attemptId, agent);
    if (row.decision !== 'preview' || !row.active)
      throw new ConflictError(`attempt ${attemptId} is not a preview waiting for the agent`);
    await finishAttempt(
      this.o.db,
      campaign,
      { id: attemptId, leadId: row.lead_id },
      'skipped',
      {},
      this.now(),
    );
    await this.o.agents.ready(agent, this.o.clock.now());
  }

  private async endpointOf(agent: string): Promise<string> {
    const state = await this.o.agents.state(agent);
    if (!state) throw new ConflictError(`agent ${agent} is not logged in`);
    return state.endpoint;
  }

  async disposition(
    attemptId: string,
    input: DispositionInput,
  ): Promise<{ lead_status: string; callback_id?: string }> {
    const { row, campaign } = await this.attemptFor(attemptId, input.agent);
    if (row.decision !== 'dial') throw new ConflictError(`attempt ${attemptId} was never dialed`);
    const d = dispositionsOf(campaign).find((x) => x.code === input.code);
    if (!d)
      throw new ValidationError([
        {
          path: 'body.code',
          message: `unknown disposition ${input.code}; this campaign has ${dispositionsOf(campaign)
            .map((x) => x.code)
            .join(', ')}`,
        },
      ]);
    if (d.callback && !input.callback_at)
      throw new ValidationError([
        {
          path: 'body.callback_at',
          message: `disposition ${d.code} needs callback_at (lead-local YYYY-MM-DDTHH:MM)`,
        },
      ]);
    const at = this.now();
    const lead = await this.o.db('leads').where({ id: row.lead_id }).first();
    let due: Date | undefined;
    if (d.callback) {
      if (!lead?.time_zone)
        throw new ConflictError('the lead has no time zone: a local call-back time cannot be placed');
      due = zonedToInstant(input.callback_at!, lead.time_zone);
      if (due <= at)
        throw new ValidationError([
          { path: 'body.callback_at', message: 'must be in the future (lead-local time)' },
        ]);
      const w = windowDecision(
        campaign.window,
        { timeZone: lead.time_zone, country: lead.country, phone: lead.phone },
        due,
      );
      if (!w.allowed)
        throw new ValidationError([
          {
            path: 'body.callback_at',
            message: `${input.callback_at} ${lead.time_zone} is outside the calling window (${w.reason}, ${w.window.start}–${w.window.end})`,
          },
        ]);
    }
    let callbackId: string | undefined;
    const status = d.do_not_call
      ? 'do_not_call'
      : d.callback
        ? 'callback'
        : d.final
          ? 'done'
          : d.retry
            ? 'retry'
            : 'done';
    await this.o.db.transaction(async (trx) => {
      await trx('call_attempts')
        .where({ id: attemptId })
        .update({
          disposition: d.code,
          disposition_at: at,
          sale: d.sale,
          updated_at: at,
          agent: row.agent ?? input.agent,
        });
      if (d.do_not_call)
        await this.o.compliance.recordOptOut(trx, row.phone, {
          campaignId: campaign.id,
          callId: attemptId,
          method: 'agent',
        });
      if (due) {
        const [cb] = await trx('dialer_callbacks')
          .insert({
            campaign_id: campaign.id,
            lead_id: row.lead_id,
            attempt_id: attemptId,
            agent: input.callback_agent === 'any' ? null : input.agent,
            due_at: due,
            lead_local: input.callback_at!.replace('T', ' '),
            time_zone: lead.time_zone,
            note: input.note ?? null,
            created_by: input.agent,
          })
          .returning('id');
        callbackId = cb.id;
      }
      const next = due ?? (d.retry ? new Date(at.getTime() + 60 * 60_000) : null);
      // A callback may go past max attempts: the person asked for it.
      await trx('leads')
        .where({ id: row.lead_id })
        .update({
          status,
          next_attempt_at: next,
          updated_at: at,
          ...(d.callback
            ? { attempts: trx.raw('LEAST(attempts, ?)', [Math.max(0, campaign.max_attempts - 1)]) }
            : {}),
        });
    });
    await this.o.agents.ready(input.agent, this.o.clock.now());
    return { lead_status: status, ...(callbackId ? { callback_id: callbackId } : {}) };
  }
}
