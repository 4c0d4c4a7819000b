import type { Knex } from 'knex';
import { splitE164 } from './numbers.js';

export interface DncCheckOptions {
  /** The moment of the dial (the national snapshot's age is measured to it). */
  at: Date;
  /** Also check this campaign's own internal list. */
  campaignId?: string;
  /** Refuse when the national snapshot in force is older than this many days (e.g. 31). */
  maxNationalAgeDays?: number;
  /**
   * A national register that MUST be checked (ISO country, e.g. VN): dialing is refused when none is
   * imported or it is too old. Without it, the register of the number's own country is checked when
   * one has been imported.
   */
  jurisdiction?: string;
}

export interface DncDecision {
  allowed: boolean;
  /** Why dialing is refused (names the list, and for a stale list its snapshot date and age). */
  reason?: string;
  /** Which list decided: `internal`, `internal:campaign`, `national:VN`. */
  source?: string;
}

export type OptOutMethod = 'keypress' | 'agent' | 'api' | 'import';

const DayMs = 86_400_000;

/** Whole days from a snapshot date (YYYY-MM-DD, a calendar day) to a moment, counted in UTC. */
export function snapshotAgeDays(snapshotDate: string, at: Date): number {
  const snap = Date.parse(`${snapshotDate}T00:00:00Z`);
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  return Math.floor((day - snap) / DayMs);
}

interface Row {
  kind: 'national' | 'internal';
  jurisdiction: string | null;
  snapshot_date: string | null;
  listed: boolean;
  campaign_id: string | null;
}

/**
 * May this number be dialed now as far as do-not-call lists go? One round trip: the internal list
 * (and the campaign's own), and the newest ready snapshot of each national register concerned.
 * Reads Postgres each time, so an opt-out recorded a moment ago already counts.
 */
export async function checkDnc(db: Knex, e164: string, opts: DncCheckOptions): Promise<DncDecision> {
  // Profiles say UK; ISO (and the lists) say GB.
  const j = opts.jurisdiction?.toUpperCase();
  const required = j === 'UK' ? 'GB' : j;
  const own = splitE164(e164)?.country;
  const jurisdictions = [...new Set([required, own].filter((j): j is string => !!j))];
  const { rows } = (await db.raw(
    `WITH nat AS (
       SELECT DISTINCT ON (jurisdiction) id, jurisdiction, snapshot_date
         FROM dnc_lists
        WHERE kind = 'national' AND status = 'ready' AND jurisdiction = ANY(?::text[])
        ORDER BY jurisdiction, snapshot_date DESC, imported_at DESC NULLS LAST)
     SELECT 'national' AS kind, nat.jurisdiction, to_char(nat.snapshot_date, 'YYYY-MM-DD') AS snapshot_date,
            EXISTS (SELECT 1 FROM dnc_numbers n WHERE n.list_id = nat.id AND n.phone = ?) AS listed,
            NULL::uuid AS campaign_id
       FROM nat
     UNION ALL
     SELECT 'internal', NULL, NULL, true, l.campaign_id
       FROM dnc_numbers n JOIN dnc_lists l ON l.id = n.list_id
      WHERE n.phone = ? AND l.kind = 'internal' AND (l.campaign_id IS NULL OR l.campaign_id = ?::uuid)`,
    [jurisdictions, e164, e164, opts.campaignId ?? null],
  )) as { rows: Row[] };

  const internal = rows.filter((r) => r.kind === 'internal');
  if (internal.some((r) => r.campaign_id === null))
    return { allowed: false, reason: 'on the internal do-not-call list', source: 'internal' };
  if (internal.length)
    return { allowed: false, reason: "on the campaign's do-not-call list", source: 'internal:campaign' };

  for (const j of jurisdictions) {
    const list = rows.find((r) => r.kind === 'national' && r.jurisdiction === j);
    if (!list) {
      if (j === required)
        return {
          allowed: false,
          reason: `no national do-not-call list for ${j} has been imported; it must be checked before dialing`,
          source: `national:${j}`,
        };
      continue;
    }
    const age = snapshotAgeDays(list.snapshot_date!, opts.at);
    if (opts.maxNationalAgeDays !== undefined && age > opts.maxNationalAgeDays)
      return {
        allowed: false,
        reason: `national do-not-call list ${j} is stale: snapshot of ${list.snapshot_date} is ${age} days old (limit ${opts.maxNationalAgeDays}); import a newer snapshot`,
        source: `national:${j}`,
      };
    if (list.listed)
      return {
        allowed: false,
        reason: `on the national do-not-call list ${j} (snapshot of ${list.snapshot_date})`,
        source: `national:${j}`,
      };
  }
  return { allowed: true };
}

/** Id of the internal list every campaign checks (or of a campaign's own, created on first use). */
export async function internalListId(db: Knex, campaignId?: string): Promise<string> {
  if (!campaignId) {
    const row = (await db('dnc_lists').where({ kind: 'internal' }).whereNull('campaign_id').first('id')) as
      { id: string } | undefined;
    if (row) return row.id;
  }
  const { rows } = (await db.raw(
    `INSERT INTO dnc_lists (name, kind, campaign_id, status)
     VALUES (?, 'internal', ?::uuid, 'ready')
     ON CONFLICT (coalesce(campaign_id, '00000000-0000-0000-0000-000000000000'::uuid)) WHERE kind = 'internal'
     DO UPDATE SET name = dnc_lists.name
     RETURNING id`,
    [
      campaignId ? `Do-not-call list of campaign ${campaignId}` : 'Internal do-not-call list',
      campaignId ?? null,
    ],
  )) as { rows: Array<{ id: string }> };
  return rows[0]!.id;
}

export interface DncAddition {
  source: OptOutMethod;
  campaignId?: string;
  callId?: string;
  addedBy?: string;
}

/** Adds numbers to an internal list; returns how many were new. Keeps `entries` in step. */
export async function addToDnc(
  db: Knex,
  listId: string,
  phones: string[],
  how: DncAddition,
): Promise<number> {
  if (!phones.length) return 0;
  const { rows } = (await db.raw(
    `WITH ins AS (
       INSERT INTO dnc_numbers (list_id, phone, source, campaign_id, call_id, added_by)
       SELECT ?::uuid, p, ?, ?::uuid, ?::uuid, ? FROM unnest(?::text[]) AS p
       ON CONFLICT (list_id, phone) DO NOTHING
       RETURNING 1)
     UPDATE dnc_lists SET entries = entries + (SELECT count(*) FROM ins) WHERE id = ?
     RETURNING (SELECT count(*) FROM ins)::int AS added`,
    [
      listId,
      how.source,
      how.campaignId ?? null,
      how.callId ?? null,
      how.addedBy ?? null,
      [...new Set(phones)],
      listId,
    ],
  )) as { rows: Array<{ added: number }> };
  return rows[0]?.added ?? 0;
}

/** Removes numbers from an internal list; returns how many were there. */
export async function removeFromDnc(db: Knex, listId: string, phones: string[]): Promise<number> {
  const { rows } = (await db.raw(
    `WITH del AS (DELETE FROM dnc_numbers WHERE list_id = ? AND phone = ANY(?::text[]) RETURNING 1)
     UPDATE dnc_lists SET entries = entries - (SELECT count(*) FROM del) WHERE id = ?
     RETURNING (SELECT count(*) FROM del)::int AS removed`,
    [listId, phones, listId],
  )) as { rows: Array<{ removed: number }> };
  return rows[0]?.removed ?? 0;
}

/**
 * The person asked not to be called again (opt-out key, agent disposition, API): the number goes
 * on the internal list every campaign checks, and their consents are withdrawn, in one
 * transaction. The very next `checkDnc` refuses it.
 */
export async function recordOptOut(
  db: Knex,
  e164: string,
  source: { campaignId?: string; callId?: string; method: OptOutMethod; addedBy?: string },
): Promise<void> {
  if (!/^\+[1-9]\d{6,14}$/.test(e164))
    throw new TypeError(`recordOptOut: ${JSON.stringify(e164)} is not E.164`);
  const listId = await internalListId(db);
  await db.transaction(async (trx) => {
    await addToDnc(trx, listId, [e164], {
      source: source.method,
      ...(source.campaignId ? { campaignId: source.campaignId } : {}),
      ...(source.callId ? { callId: source.callId } : {}),
      ...(source.addedBy ? { addedBy: source.addedBy } : {}),
    });
    await trx('lead_consents')
      .where({ phone: e164 })
      .whereNull('revoked_at')
      .update({ revoked_at: trx.fn.now(), revoked_reason: `opt-out (${source.method})` });
  });
}
