import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { type Campaign, callerIdFor, type RetryOutcome, retryRuleFor } from './campaign.js';
import type { LeadCompliance } from './ports.js';
import { type AttemptFacts, type AttemptVerdict, evaluateAttempt, type Rule, rulesFor } from './rules.js';

/**
 * The compliance shell: claims due leads (row locks, SKIP LOCKED, so engines never share a lead),
 * gathers the facts the campaign's rules need, evaluates them and writes the call_attempts row in
 * the same transaction — committed before the caller may dial. The unique index on active attempts
 * per lead is the last line: a second dial of a lead cannot even be recorded.
 */

export interface Lead {
  id: string;
  list_id: string;
  phone: string;
  country: string | null;
  time_zone: string | null;
  first_name: string | null;
  last_name: string | null;
  custom: Record<string, unknown>;
  status: string;
  attempts: number;
}

export interface Decision {
  attemptId: string;
  lead: Lead;
  attemptNo: number;
  callerId: string;
  verdict: AttemptVerdict;
  decision: 'dial' | 'refused' | 'preview';
}

/** ISO country of a jurisdiction's national DNC register. */
const RegisterCountry: Record<string, string | undefined> = { US: 'US', UK: 'GB', VN: 'VN' };
/** Statuses a dialer may pick a lead up in. */
export const DueStatuses = ['new', 'retry', 'callback'];

const LeadColumns = [
  'id',
  'list_id',
  'phone',
  'country',
  'time_zone',
  'first_name',
  'last_name',
  'custom',
  'status',
  'attempts',
];

async function gatherFacts(
  trx: Knex.Transaction,
  compliance: LeadCompliance,
  campaign: Campaign,
  rules: Rule[],
  lead: Lead,
  callerId: string,
  at: Date,
): Promise<AttemptFacts> {
  const facts: AttemptFacts = {
    at,
    lead: { timeZone: lead.time_zone ?? '', country: lead.country, phone: lead.phone },
    window: campaign.window,
    callerId,
  };
  for (const rule of rules) {
    if (rule.check === 'dnc') {
      const jurisdiction = rule.national ? RegisterCountry[campaign.jurisdiction] : undefined;
      (facts.dnc ??= {})[rule.id] = await compliance.checkDnc(trx, lead.phone, {
        at,
        campaignId: campaign.id,
        maxNationalAgeDays: rule.national_max_age_days,
        ...(jurisdiction ? { jurisdiction } : {}),
      });
    } else if (rule.check === 'consent') {
      facts.consent = await compliance.consentFor(trx, lead.id, rule.scope, at);
    } else if (rule.check === 'frequency') {
      const rows = await trx('call_attempts')
        .where({ phone: lead.phone, decision: 'dial', purpose: campaign.purpose })
        .andWhere('dialed_at', '>', new Date(at.getTime() - rule.per_hours * 3_600_000))
        .pluck('dialed_at');
      facts.recentDials = rows.map((d: Date) => new Date(d));
    } else if (rule.check === 'abandon_redial_block') {
      const row = await trx('call_attempts')
        .where({ phone: lead.phone, abandoned: true })
        .max({ at: trx.raw('coalesce(ended_at, answered_at, dialed_at)') })
        .first();
      facts.lastAbandonedAt = row?.at ? new Date(row.at) : null;
    } else if (rule.check === 'brand_caller_id') {
      const day = at.toISOString().slice(0, 10);
      facts.brandCallerIdRegistered = !!(await trx('brand_caller_ids')
        .where({ number: callerId, active: true })
        .andWhere('registered_on', '<=', day)
        .andWhere((q) => q.whereNull('expires_on').orWhere('expires_on', '>=', day))
        .first());
    }
  }
  return facts;
}

/**
 * Gathers the facts, evaluates the rules and returns the attempt row's decision columns. The
 * caller holds the lead's row lock; the advisory lock serializes decisions about one number
 * across engines (two lists may hold the same number).
 */
async function decideLead(
  trx: Knex.Transaction,
  compliance: LeadCompliance,
  campaign: Campaign,
  lead: Lead,
  attemptId: string,
  at: Date,
  wanted: 'dial' | 'preview',
): Promise<{ decision: Decision; row: Record<string, unknown> }> {
  const rules = rulesFor(campaign.jurisdiction, campaign.purpose);
  const consentRequired = rules.some((r) => r.check === 'consent');
  await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [lead.phone]);
  const callerId = callerIdFor(campaign, lead.phone);
  const facts = await gatherFacts(trx, compliance, campaign, rules, lead, callerId, at);
  const verdict = evaluateAttempt(rules, facts);
  const decision: Decision['decision'] = verdict.allowed ? wanted : 'refused';
  const checkOf = (rule: string) => rules.find((r) => r.id === rule)?.check;
  const dnc = verdict.decisions.filter((d) => checkOf(d.rule) === 'dnc');
  const consent = facts.consent;
  return {
    decision: { attemptId, lead, attemptNo: lead.attempts + 1, callerId, verdict, decision },
    row: {
      decided_at: at,
      lead_time_zone: lead.time_zone,
      lead_local_time: localStamp(verdict),
      window_allowed: verdict.decisions.filter((d) => checkOf(d.rule) === 'window').every((d) => d.passed),
      window_reason: verdict.windowReason,
      dnc_allowed: dnc.length ? dnc.every((d) => d.passed) : null,
      dnc_reason: dnc.find((d) => !d.passed)?.reason ?? null,
      consent_required: consentRequired,
      consent_granted: consentRequired ? !!consent?.granted : null,
      consent_source: consent?.granted ? (consent.source ?? null) : null,
      rule_decisions: JSON.stringify(verdict.decisions),
      decision,
      refused_by: verdict.refusedBy ?? null,
      caller_id: callerId,
      active: decision !== 'refused',
      call_id: decision === 'dial' ? attemptId : null,
      dialed_at: decision === 'dial' ? at : null,
      outcome: decision === 'refused' ? 'refused' : 'pending',
      updated_at: at,
    },
  };
}

/** Moves the lead on after a decision: dialing, reserved for a preview, closed or due later. */
async function applyToLead(
  trx: Knex.Transaction,
  d: { decision: Decision },
  at: Date,
  rules: Rule[],
): Promise<void> {
  const { lead, verdict, decision } = d.decision;
  if (decision === 'dial') {
    await trx('leads')
      .where({ id: lead.id })
      .update({
        status: 'dialing',
        attempts: lead.attempts + 1,
        last_attempt_at: at,
        next_attempt_at: null,
        updated_at: at,
      });
    await trx('dialer_callbacks')
      .where({ lead_id: lead.id, status: 'pending' })
      .andWhere('due_at', '<=', at)
      .update({ status: 'done', done_at: at, attempt_id: d.decision.attemptId });
  } else if (decision === 'preview') {
    await trx('leads').where({ id: lead.id }).update({ status: 'preview', updated_at: at });
  } else {
    const rule = rules.find((r) => r.id === verdict.refusedBy);
    const status = verdict.final
      ? rule?.check === 'consent'
        ? 'no_consent'
        : 'do_not_call'
      : verdict.windowReason === 'unknown_time_zone'
        ? 'no_time_zone'
        : lead.status === 'preview'
          ? lead.attempts > 0
            ? 'retry'
            : 'new'
          : lead.status;
    const next =
      verdict.final || status === 'no_time_zone'
        ? null
        : (verdict.retryAt ?? new Date(at.getTime() + 3_600_000));
    await trx('leads').where({ id: lead.id }).update({ status, next_attempt_at: next, updated_at: at });
  }
}

/**
 * A previewed lead the agent chose to dial: the rules are judged again now (the window may have
 * closed while the agent read), and the same row becomes a dial or a refusal.
 */
export async function confirmPreview(
  db: Knex,
  compliance: LeadCompliance,
  campaign: Campaign,
  attemptId: string,
  at: Date,
): Promise<Decision> {
  return db.transaction(async (trx) => {
    const row = await trx('call_attempts').where({ id: attemptId }).forUpdate().first();
    const lead = (await trx('leads').where({ id: row.lead_id }).forUpdate().first(LeadColumns)) as Lead;
    const d = await decideLead(trx, compliance, campaign, lead, attemptId, at, 'dial');
    await trx('call_attempts').where({ id: attemptId }).update(d.row);
    await applyToLead(trx, d, at, rulesFor(campaign.jurisdiction, campaign.purpose));
    return d.decision;
  });
}

function localStamp(v: AttemptVerdict): string | null {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(v.local) ? v.local : null;
}

export interface ClaimOptions {
  now: Date;
  limit: number;
  engine: string;
  /** Preview: the lead is reserved for an agent, not dialed yet. */
  preview?: boolean;
  /** Only this lead (call-backs promised to an agent). */
  leadId?: string;
}

/** Claims up to `limit` due leads and records a decision for each; returns them (dial, preview and refused). */
export async function claimAndDecide(
  db: Knex,
  compliance: LeadCompliance,
  campaign: Campaign,
  options: ClaimOptions,
): Promise<Decision[]> {
  const rules = rulesFor(campaign.jurisdiction, campaign.purpose);
  const at = options.now;
  return db.transaction(async (trx) => {
    const q = trx('leads')
      .select(LeadColumns)
      .whereIn('list_id', campaign.lead_lists)
      .whereIn('status', DueStatuses)
      .andWhere('attempts', '<', campaign.max_attempts)
      .andWhere((w) => w.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', at))
      .whereNotExists(
        trx('call_attempts')
          .select(trx.raw('1'))
          .whereRaw('call_attempts.lead_id = leads.id')
          .andWhere('active', true),
      )
      .orderByRaw("(status = 'callback') DESC, next_attempt_at NULLS FIRST, created_at, id")
      .limit(options.limit)
      .forUpdate()
      .skipLocked();
    if (options.leadId) q.andWhere('id', options.leadId);
    // A call-back promised to one agent waits for that agent (the runtime dials it with the agent reserved).
    else
      q.whereNotExists(
        trx('dialer_callbacks')
          .select(trx.raw('1'))
          .whereRaw('dialer_callbacks.lead_id = leads.id')
          .andWhere('status', 'pending')
          .whereNotNull('agent'),
      );
    const leads = (await q) as Lead[];
    const out: Decision[] = [];
    for (const lead of leads) {
      const attemptId = randomUUID();
      const d = await decideLead(
        trx,
        compliance,
        campaign,
        lead,
        attemptId,
        at,
        options.preview ? 'preview' : 'dial',
      );
      await trx('call_attempts').insert({
        id: attemptId,
        campaign_id: campaign.id,
        lead_id: lead.id,
        list_id: lead.list_id,
        phone: lead.phone,
        attempt_no: lead.attempts + 1,
        mode: campaign.mode,
        purpose: campaign.purpose,
        jurisdiction: campaign.jurisdiction,
        engine: options.engine,
        ...d.row,
      });
      await applyToLead(trx, d, at, rules);
      out.push(d.decision);
    }
    return out;
  });
}

export type Outcome =
  | 'completed'
  | 'busy'
  | 'no_answer'
  | 'machine'
  | 'message_left'
  | 'abandoned'
  | 'failed'
  | 'invalid'
  | 'skipped'
  | 'opted_out'
  | 'cancelled';

export async function updateAttempt(
  db: Knex,
  id: string,
  patch: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await db('call_attempts')
    .where({ id })
    .update({ ...patch, updated_at: at });
}

/** Closes an attempt and moves its lead on: retry after the outcome's delay, or closed. */
export async function finishAttempt(
  db: Knex,
  campaign: Campaign,
  attempt: { id: string; leadId: string },
  outcome: Outcome,
  patch: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('call_attempts')
      .where({ id: attempt.id })
      .update({ ...patch, outcome, active: false, ended_at: patch.ended_at ?? at, updated_at: at });
    const lead = await trx('leads').where({ id: attempt.leadId }).first('attempts', 'status');
    if (!lead) return;
    let status: string;
    let next: Date | null = null;
    if (outcome === 'completed' || outcome === 'message_left') status = 'done';
    else if (outcome === 'opted_out') status = 'do_not_call';
    else if (outcome === 'cancelled') status = 'retry';
    else if (outcome === 'skipped') {
      status = lead.attempts > 0 ? 'retry' : 'new';
      next = new Date(at.getTime() + 30 * 60_000);
    } else {
      const rule = retryRuleFor(campaign, outcome as RetryOutcome);
      let exhausted = !rule || lead.attempts >= campaign.max_attempts;
      if (rule?.max && !exhausted) {
        const counted = await trx('call_attempts')
          .where({ lead_id: attempt.leadId, campaign_id: campaign.id, outcome })
          .count({ n: '*' })
          .first();
        exhausted = Number(counted?.n ?? 0) >= rule.max; // includes this attempt
      }
      status = exhausted ? (outcome === 'invalid' ? 'invalid' : 'max_attempts') : 'retry';
      if (!exhausted) next = new Date(at.getTime() + rule!.delay_minutes * 60_000);
    }
    // A disposition may already have closed or rescheduled the lead (agent faster than the hang-up).
    if (['done', 'callback', 'do_not_call'].includes(lead.status) && outcome === 'completed') return;
    await trx('leads')
      .where({ id: attempt.leadId })
      .update({ status, next_attempt_at: next, updated_at: at });
  });
}

/**
 * Attempts nobody will finish: those this engine left active when it stopped (it restarted: the
 * channels are gone or were hung up by the orphan policy), and previews an agent never accepted.
 * They close as `failed` / `skipped` and their leads become due again, so no lead stays blocked by
 * the one-active-attempt index.
 */
export async function closeStaleAttempts(
  db: Knex,
  options: { engine?: string; previewOlderThan: Date; at: Date },
): Promise<Array<{ id: string; decision: string; agent: string | null }>> {
  return db.transaction(async (trx) => {
    const stale = await trx('call_attempts')
      .where('active', true)
      .andWhere((q) => {
        if (options.engine) q.where((e) => e.where('engine', options.engine!).andWhere('decision', 'dial'));
        q.orWhere((p) =>
          p.where('decision', 'preview').andWhere('decided_at', '<', options.previewOlderThan),
        );
      })
      .forUpdate()
      .skipLocked()
      .select('id', 'lead_id', 'decision', 'agent');
    for (const a of stale) {
      const preview = a.decision === 'preview';
      await trx('call_attempts')
        .where({ id: a.id })
        .update({
          active: false,
          outcome: preview ? 'skipped' : 'failed',
          ended_at: options.at,
          updated_at: options.at,
          abandon_reason: preview ? null : 'engine restarted during the call',
        });
      await trx('leads')
        .where({ id: a.lead_id })
        .whereIn('status', ['dialing', 'preview'])
        .update({
          status: trx.raw("CASE WHEN attempts > 0 THEN 'retry' ELSE 'new' END"),
          next_attempt_at: null,
          updated_at: options.at,
        });
    }
    return stale;
  });
}
