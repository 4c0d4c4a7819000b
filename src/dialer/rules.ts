import type { Jurisdiction, Purpose } from './campaign.js';
import {
  type DailyWindow,
  type LeadPlace,
  nextOpening,
  type WindowConfig,
  windowDecision,
} from './window.js';

/**
 * Compliance as data: each jurisdiction is a profile (abandon cap, how it is measured) plus a list
 * of rules, each naming the purposes it binds. Every attempt is judged by `evaluateAttempt`, a pure
 * function of the facts gathered for it; each decision (rule, passed, reason) is stored on the
 * attempt's call_attempts row, so "why was this number (not) dialed" is a query.
 */

export type Check =
  | { check: 'window'; limit?: DailyWindow }
  | { check: 'dnc'; national: boolean; national_max_age_days: number }
  | { check: 'consent'; scope: string }
  | { check: 'frequency'; max: number; per_hours: number }
  | { check: 'brand_caller_id' }
  | { check: 'abandon_redial_block'; hours: number };

export type Rule = Check & {
  id: string;
  /** Purposes the rule binds; 'all' binds every campaign. */
  purposes: readonly Purpose[] | 'all';
  /** The law or policy it comes from, shown to compliance officers. */
  source: string;
};

export interface AbandonPolicy {
  /** Highest share of live answers that may be abandoned (0.03 = 3%). */
  limit: number;
  /** The rolling window the share is measured over. */
  window_hours: number;
  /** A live answer must reach an agent within this many seconds or it is abandoned. */
  agent_connect_seconds: number;
  /** Ofcom: people wrongly classed as machines count as abandoned calls. */
  amd_false_positives_count: boolean;
}

export interface Profile {
  jurisdiction: Jurisdiction;
  abandon: AbandonPolicy;
  rules: readonly Rule[];
}

const Everywhere: Rule[] = [
  { id: 'calling_window', check: 'window', purposes: 'all', source: 'campaign calling window' },
  {
    id: 'dnc_lists',
    check: 'dnc',
    national: false,
    national_max_age_days: 31,
    purposes: 'all',
    source:
      'do-not-call lists: internal, the campaign’s own, and the number’s national register when one is imported',
  },
];

export const Profiles: Record<Jurisdiction, Profile> = {
  none: {
    jurisdiction: 'none',
    abandon: {
      limit: 0.03,
      window_hours: 24 * 30,
      agent_connect_seconds: 2,
      amd_false_positives_count: false,
    },
    rules: Everywhere,
  },
  US: {
    jurisdiction: 'US',
    abandon: {
      limit: 0.03,
      window_hours: 24 * 30,
      agent_connect_seconds: 2,
      amd_false_positives_count: false,
    },
    rules: [
      {
        id: 'calling_window',
        check: 'window',
        limit: { start: '08:00', end: '21:00' },
        purposes: 'all',
        source: '47 CFR 64.1200(c)(1): 8 a.m.–9 p.m. local time',
      },
      {
        id: 'national_dnc',
        check: 'dnc',
        national: true,
        national_max_age_days: 31,
        purposes: ['advertising'],
        source: '16 CFR 310.4(b)(1)(iii)(B): National Do Not Call Registry, scrubbed at least every 31 days',
      },
      Everywhere[1]!,
    ],
  },
  UK: {
    jurisdiction: 'UK',
    abandon: { limit: 0.03, window_hours: 24, agent_connect_seconds: 2, amd_false_positives_count: true },
    rules: [
      ...Everywhere,
      {
        id: 'tps',
        check: 'dnc',
        national: true,
        national_max_age_days: 28,
        purposes: ['advertising'],
        source: 'PECR reg. 21: Telephone Preference Service, screened every 28 days',
      },
      {
        id: 'abandoned_redial_block',
        check: 'abandon_redial_block',
        hours: 72,
        purposes: 'all',
        source: 'Ofcom persistent misuse policy: no repeat call to an abandoned number within 72 h',
      },
    ],
  },
  VN: {
    jurisdiction: 'VN',
    abandon: {
      limit: 0.03,
      window_hours: 24 * 30,
      agent_connect_seconds: 2,
      amd_false_positives_count: false,
    },
    rules: [
      ...Everywhere,
      {
        id: 'advertising_hours',
        check: 'window',
        limit: { start: '08:00', end: '17:00' },
        purposes: ['advertising'],
        source: 'Decree 91/2020/ND-CP art. 12: advertising calls only 08:00–17:00',
      },
      {
        id: 'prior_consent',
        check: 'consent',
        scope: 'advertising',
        purposes: ['advertising'],
        source: 'Decree 91/2020/ND-CP art. 11: advertising calls only with the recipient’s prior consent',
      },
      {
        id: 'national_dnc',
        check: 'dnc',
        national: true,
        national_max_age_days: 31,
        purposes: ['advertising'],
        source: 'Decree 91/2020/ND-CP art. 11: not to numbers on the Do-Not-Call list',
      },
      {
        id: 'one_call_per_day',
        check: 'frequency',
        max: 1,
        per_hours: 24,
        purposes: ['advertising'],
        source: 'Decree 91/2020/ND-CP art. 12: at most one advertising call per number per 24 h',
      },
      {
        id: 'brand_caller_id',
        check: 'brand_caller_id',
        purposes: ['advertising'],
        source: 'Decree 91/2020/ND-CP art. 12: calls from a registered brand-name number',
      },
    ],
  },
};

export function rulesFor(jurisdiction: Jurisdiction, purpose: Purpose): Rule[] {
  return Profiles[jurisdiction].rules.filter((r) => r.purposes === 'all' || r.purposes.includes(purpose));
}

/** What the shell found out for one attempt; only the facts the applicable rules need are filled. */
export interface AttemptFacts {
  at: Date;
  lead: LeadPlace & { phone: string };
  window: WindowConfig;
  /** By rule id: the DNC lookup that rule asked for. */
  dnc?: Record<string, { allowed: boolean; reason?: string; source?: string }>;
  consent?: { granted: boolean; source?: string; recordedAt?: string | Date; reason?: string };
  /** Times this number was dialed recently for campaigns of the same purpose (any campaign). */
  recentDials?: Date[];
  lastAbandonedAt?: Date | null;
  callerId: string;
  brandCallerIdRegistered?: boolean;
}

export interface RuleDecision {
  rule: string;
  passed: boolean;
  reason: string;
  source: string;
}

export interface AttemptVerdict {
  allowed: boolean;
  decisions: RuleDecision[];
  /** First refusing rule. */
  refusedBy?: string;
  /** When a time-bound refusal (window, frequency, redial block) lifts; undefined = do not retry on time alone. */
  retryAt?: Date;
  /** The refusal closes the lead (DNC, no consent). */
  final: boolean;
  /** Lead-local wall clock and window verdict of the campaign window rule, stored with the attempt. */
  local: string;
  windowReason: string;
}

const Hour = 3_600_000;

export function evaluateAttempt(rules: readonly Rule[], facts: AttemptFacts): AttemptVerdict {
  const decisions: RuleDecision[] = [];
  let retryAt: Date | undefined;
  let final = false;
  let local = '';
  let windowReason = 'not_checked';
  const later = (d: Date | undefined) => {
    if (d && (!retryAt || d > retryAt)) retryAt = d;
  };
  for (const rule of rules) {
    const decide = (passed: boolean, reason: string) =>
      decisions.push({ rule: rule.id, passed, reason, source: rule.source });
    switch (rule.check) {
      case 'window': {
        const d = windowDecision(facts.window, facts.lead, facts.at, rule.limit);
        if (!local || !d.allowed) {
          local = d.local;
          windowReason = d.reason;
        }
        decide(
          d.allowed,
          `${d.reason} (${d.local || 'unknown'} ${d.timeZone}, window ${d.window.start}–${d.window.end} via ${d.source})`,
        );
        if (!d.allowed) later(nextOpening(facts.window, facts.lead, facts.at, rule.limit));
        break;
      }
      case 'dnc': {
        const r = facts.dnc?.[rule.id];
        if (!r) {
          decide(false, 'dnc_not_checked');
          break;
        }
        decide(
          r.allowed,
          r.allowed ? 'not_listed' : `${r.reason ?? 'listed'}${r.source ? ` (${r.source})` : ''}`,
        );
        // Only a listed number closes the lead; a missing or stale national snapshot is not the
        // number's fault, so the lead waits for a fresh list.
        if (!r.allowed && /^on (the|a) /i.test(r.reason ?? '')) final = true;
        else if (!r.allowed) later(new Date(facts.at.getTime() + 6 * Hour));
        break;
      }
      case 'consent': {
        const c = facts.consent;
        const granted = !!c?.granted;
        decide(
          granted,
          granted
            ? `consent ${rule.scope} from ${c!.source ?? 'unknown'} at ${c!.recordedAt instanceof Date ? c!.recordedAt.toISOString() : (c!.recordedAt ?? '?')}`
            : `no_consent${c?.reason ? `: ${c.reason}` : ''}`,
        );
        if (!granted) final = true;
        break;
      }
      case 'frequency': {
        const since = facts.at.getTime() - rule.per_hours * Hour;
        const recent = (facts.recentDials ?? []).filter((d) => d.getTime() > since).sort((a, b) => +a - +b);
        const ok = recent.length < rule.max;
        decide(ok, `${recent.length} call(s) in the last ${rule.per_hours} h (max ${rule.max})`);
        if (!ok) later(new Date(recent[recent.length - rule.max]!.getTime() + rule.per_hours * Hour));
        break;
      }
      case 'brand_caller_id': {
        const ok = !!facts.brandCallerIdRegistered;
        decide(
          ok,
          ok
            ? `brand caller ID ${facts.callerId} registered`
            : `caller ID ${facts.callerId} is not a registered brand name`,
        );
        break;
      }
      case 'abandon_redial_block': {
        const at = facts.lastAbandonedAt;
        const until = at ? new Date(at.getTime() + rule.hours * Hour) : undefined;
        const ok = !until || until <= facts.at;
        decide(
          ok,
          ok
            ? 'no abandoned call in the block'
            : `abandoned at ${at!.toISOString()}, blocked until ${until!.toISOString()}`,
        );
        if (!ok) later(until);
        break;
      }
    }
  }
  const refused = decisions.find((d) => !d.passed);
  return {
    allowed: !refused,
    decisions,
    ...(refused ? { refusedBy: refused.rule } : {}),
    ...(refused && !final && retryAt ? { retryAt } : {}),
    final: !!refused && final,
    local,
    windowReason,
  };
}
