import type { Knex } from 'knex';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../api/errors.js';
import type { Campaign, CampaignSettings, CampaignState } from './campaign.js';
import { Profiles } from './rules.js';

/** Campaigns in Postgres. Checks that need the database (lists exist, brand caller IDs) live here. */

interface CampaignRow {
  id: string;
  state: CampaignState;
  version: number;
  settings: CampaignSettings;
  created_at: Date;
  updated_at: Date;
}

function toCampaign(row: CampaignRow): Campaign {
  return {
    ...row.settings,
    id: row.id,
    state: row.state,
    version: row.version,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** Numbers the campaign presents. */
export function callerIds(c: CampaignSettings): Array<{ path: string; number: string }> {
  return [
    { path: 'body.caller_id.default', number: c.caller_id.default },
    ...c.caller_id.pool.map((p, i) => ({ path: `body.caller_id.pool.${i}.number`, number: p.number })),
  ];
}

export function needsBrandCallerId(c: Pick<CampaignSettings, 'jurisdiction' | 'purpose'>): boolean {
  return Profiles[c.jurisdiction].rules.some(
    (r) => r.check === 'brand_caller_id' && (r.purposes === 'all' || r.purposes.includes(c.purpose)),
  );
}

async function check(db: Knex, c: CampaignSettings, at: Date): Promise<void> {
  const issues: FieldIssue[] = [];
  const lists = await db('lead_lists').whereIn('id', c.lead_lists).pluck('id');
  c.lead_lists.forEach((id, i) => {
    if (!lists.includes(id)) issues.push({ path: `body.lead_lists.${i}`, message: `no lead list ${id}` });
  });
  if (needsBrandCallerId(c)) {
    const day = at.toISOString().slice(0, 10);
    const registered = new Set(
      await db('brand_caller_ids')
        .whereIn(
          'number',
          callerIds(c).map((x) => x.number),
        )
        .andWhere('active', true)
        .andWhere('registered_on', '<=', day)
        .andWhere((q) => q.whereNull('expires_on').orWhere('expires_on', '>=', day))
        .pluck('number'),
    );
    for (const { path, number } of callerIds(c))
      if (!registered.has(number))
        issues.push({
          path,
          message: `${number} is not a registered brand-name caller ID (brand_caller_ids); ${c.jurisdiction} ${c.purpose} calls need one`,
        });
  }
  if (issues.length) throw new ValidationError(issues);
}

function columns(c: CampaignSettings) {
  const profile = Profiles[c.jurisdiction];
  return {
    name: c.name,
    mode: c.mode,
    purpose: c.purpose,
    jurisdiction: c.jurisdiction,
    lead_list_ids: c.lead_lists,
    ring_timeout_seconds: c.ring_timeout_seconds,
    max_attempts: c.max_attempts,
    abandon_limit: profile.abandon.limit,
    abandon_window_hours: profile.abandon.window_hours,
    settings: JSON.stringify(c),
  };
}

export class CampaignStore {
  constructor(private readonly db: Knex) {}

  async create(c: CampaignSettings, by: string | null, at = new Date()): Promise<Campaign> {
    await check(this.db, c, at);
    return this.db.transaction(async (trx) => {
      const [row] = await trx('campaigns')
        .insert({ ...columns(c), created_by: by })
        .returning('*');
      await trx('lead_lists')
        .whereIn('id', c.lead_lists)
        .whereNull('campaign_id')
        .update({ campaign_id: row.id });
      return toCampaign(row as CampaignRow);
    });
  }

  async update(id: string, c: CampaignSettings, at = new Date()): Promise<Campaign> {
    const current = await this.get(id);
    if (current.state === 'running') throw new ConflictError('pause the campaign before changing it');
    await check(this.db, c, at);
    const [row] = await this.db('campaigns')
      .where({ id })
      .update({ ...columns(c), version: this.db.raw('version + 1'), updated_at: at })
      .returning('*');
    return toCampaign(row as CampaignRow);
  }

  async get(id: string): Promise<Campaign> {
    const row = await this.db('campaigns').where({ id }).first();
    if (!row) throw new NotFoundError(`no campaign ${id}`);
    return toCampaign(row as CampaignRow);
  }

  async list(): Promise<Campaign[]> {
    return ((await this.db('campaigns').orderBy('created_at')) as CampaignRow[]).map(toCampaign);
  }

  /** start / pause / stop. A stopped campaign can be started again; changing settings needs a pause first. */
  async transition(id: string, action: 'start' | 'pause' | 'stop', at = new Date()): Promise<Campaign> {
    const current = await this.get(id);
    const to: CampaignState = action === 'start' ? 'running' : action === 'pause' ? 'paused' : 'stopped';
    const allowed: Record<typeof action, CampaignState[]> = {
      start: ['draft', 'paused', 'stopped', 'completed'],
      pause: ['running'],
      stop: ['running', 'paused', 'draft'],
    };
    if (current.state === to || (action === 'stop' && current.state === 'completed')) return current;
    if (!allowed[action].includes(current.state))
      throw new ConflictError(`cannot ${action} a campaign that is ${current.state}`);
    // A brand registration may have lapsed since the campaign was saved.
    if (action === 'start') await check(this.db, current, at);
    const [row] = await this.db('campaigns')
      .where({ id })
      .update({
        state: to,
        updated_at: at,
        ...(action === 'start' ? { started_at: at } : {}),
        ...(action === 'stop' ? { stopped_at: at } : {}),
      })
      .returning('*');
    return toCampaign(row as CampaignRow);
  }

  /**
   * Marks a running campaign completed when no lead of its lists can be dialed again (every lead
   * closed: done, do-not-call, no consent, attempts used up...) and no attempt is in progress.
   */
  async completeIfExhausted(id: string, at: Date): Promise<boolean> {
    const n = await this.db('campaigns')
      .where({ id, state: 'running' })
      .whereNotExists(
        this.db('leads')
          .select(this.db.raw('1'))
          .whereRaw('leads.list_id = ANY (campaigns.lead_list_ids)')
          .whereIn('status', ['new', 'retry', 'callback', 'dialing', 'preview']),
      )
      .whereNotExists(
        this.db('call_attempts')
          .select(this.db.raw('1'))
          .whereRaw('call_attempts.campaign_id = campaigns.id')
          .andWhere('active', true),
      )
      .update({ state: 'completed', stopped_at: at, updated_at: at });
    return n > 0;
  }

  /** Campaigns an engine should be working on (running or paused: paused ones still finish their calls). */
  async active(): Promise<Campaign[]> {
    return ((await this.db('campaigns').whereIn('state', ['running', 'paused'])) as CampaignRow[]).map(
      toCampaign,
    );
  }

  async states(): Promise<Map<string, { state: CampaignState; version: number }>> {
    const rows = await this.db('campaigns').select('id', 'state', 'version');
    return new Map(
      rows.map((r) => [r.id as string, { state: r.state as CampaignState, version: r.version as number }]),
    );
  }
}
