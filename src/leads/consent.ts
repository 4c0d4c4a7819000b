import type { Knex } from 'knex';

/** What a consent covers; `all` covers every purpose. */
export const ConsentScopes = ['advertising', 'customer_care', 'collection', 'research', 'all'] as const;
export type ConsentScope = (typeof ConsentScopes)[number];

export interface ConsentDecision {
  granted: boolean;
  /** The consent relied on (when granted). */
  source?: string;
  recordedAt?: Date;
  /** Why not (when refused): none recorded, revoked, expired... */
  reason?: string;
}

interface ConsentRow {
  id: string;
  scope: string;
  source: string;
  recorded_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

/**
 * Did this lead consent to calls for `scope` as of `at`? Consents recorded for the lead, and
 * consents recorded for its number without a lead, count; a consent counts from `recorded_at`
 * until it expires or is revoked. The newest consent in force is the one reported.
 */
export async function consentFor(
  db: Knex,
  leadId: string,
  scope: string,
  at: Date,
): Promise<ConsentDecision> {
  const lead = (await db('leads').where({ id: leadId }).first('phone')) as { phone: string } | undefined;
  if (!lead) return { granted: false, reason: `no lead ${leadId}` };
  const rows = (await db('lead_consents')
    .where((q) =>
      q.where({ lead_id: leadId }).orWhere((p) => p.whereNull('lead_id').andWhere({ phone: lead.phone })),
    )
    .whereIn('scope', [scope, 'all'])
    .orderBy('recorded_at', 'desc')
    .select(
      'id',
      'scope',
      'source',
      'recorded_at',
      'expires_at',
      'revoked_at',
      'revoked_reason',
    )) as ConsentRow[];

  const t = at.getTime();
  const inForce = rows.find(
    (r) =>
      r.recorded_at.getTime() <= t &&
      (!r.expires_at || r.expires_at.getTime() > t) &&
      (!r.revoked_at || r.revoked_at.getTime() > t),
  );
  if (inForce) return { granted: true, source: inForce.source, recordedAt: inForce.recorded_at };

  // Explain with the newest consent that once applied.
  const past = rows.find((r) => r.recorded_at.getTime() <= t);
  if (past?.revoked_at)
    return {
      granted: false,
      reason: `consent for ${scope} was revoked at ${past.revoked_at.toISOString()}${past.revoked_reason ? ` (${past.revoked_reason})` : ''}`,
    };
  if (past?.expires_at)
    return { granted: false, reason: `consent for ${scope} expired at ${past.expires_at.toISOString()}` };
  if (rows.length)
    return { granted: false, reason: `consent for ${scope} was only recorded after ${at.toISOString()}` };
  return { granted: false, reason: `no consent recorded for ${scope}` };
}

export interface ConsentInput {
  leadId?: string;
  phone: string;
  scope: ConsentScope;
  source: string;
  recordedAt: Date;
  expiresAt?: Date | null;
  importId?: string;
}

/** Records a consent; recording the same one again (lead, number, scope, source, time) changes nothing. */
export async function addConsent(db: Knex, c: ConsentInput): Promise<{ id: string; created: boolean }> {
  const { rows } = (await db.raw(
    `WITH ins AS (
       INSERT INTO lead_consents (lead_id, phone, scope, source, recorded_at, expires_at, import_id)
       VALUES (?::uuid, ?, ?, ?, ?, ?, ?::uuid)
       ON CONFLICT DO NOTHING RETURNING id)
     SELECT id, true AS created FROM ins
     UNION ALL
     SELECT id, false FROM lead_consents
      WHERE coalesce(lead_id, '00000000-0000-0000-0000-000000000000'::uuid)
            = coalesce(?::uuid, '00000000-0000-0000-0000-000000000000'::uuid)
        AND phone = ? AND scope = ? AND source = ? AND recorded_at = ?
     LIMIT 1`,
    [
      c.leadId ?? null,
      c.phone,
      c.scope,
      c.source,
      c.recordedAt,
      c.expiresAt ?? null,
      c.importId ?? null,
      c.leadId ?? null,
      c.phone,
      c.scope,
      c.source,
      c.recordedAt,
    ],
  )) as { rows: Array<{ id: string; created: boolean }> };
  return rows[0]!;
}

/** Withdraws a consent (once; a second revoke keeps the first time and reason). */
export async function revokeConsent(db: Knex, id: string, reason: string, at = new Date()): Promise<boolean> {
  const n = await db('lead_consents')
    .where({ id })
    .whereNull('revoked_at')
    .update({ revoked_at: at, revoked_reason: reason });
  return n > 0;
}
