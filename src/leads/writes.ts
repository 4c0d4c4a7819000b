import type { Knex } from 'knex';
import type { ImportCounts } from './importer.js';
import type { LeadRow } from './mapping.js';

export interface RejectedRow {
  line: number;
  reason: string;
  raw: string;
}

/** Rows of one batch with the same number, folded into one: later non-empty values win. */
function fold(
  rows: LeadRow[],
): Array<{ lead: LeadRow; rows: number; consents: NonNullable<LeadRow['consent']>[] }> {
  const byPhone = new Map<
    string,
    { lead: LeadRow; rows: number; consents: NonNullable<LeadRow['consent']>[] }
  >();
  for (const r of rows) {
    const seen = byPhone.get(r.phone);
    if (!seen) {
      byPhone.set(r.phone, { lead: { ...r }, rows: 1, consents: r.consent ? [r.consent] : [] });
      continue;
    }
    const l = seen.lead;
    seen.rows++;
    l.line = r.line;
    l.country = r.country;
    l.timeZone = r.timeZone ?? l.timeZone;
    l.firstName = r.firstName ?? l.firstName;
    l.lastName = r.lastName ?? l.lastName;
    l.email = r.email ?? l.email;
    l.custom = { ...l.custom, ...r.custom };
    if (r.consent) seen.consents.push(r.consent);
  }
  // Rows in one order everywhere, so two imports into one list never deadlock each other.
  return [...byPhone.values()].sort((a, b) =>
    a.lead.phone < b.lead.phone ? -1 : a.lead.phone > b.lead.phone ? 1 : 0,
  );
}

/**
 * Upserts a batch into a list: a number already in the list merges into its lead (non-empty new
 * values replace old ones, custom fields are merged, dialing state is kept). One statement for the
 * leads and one for their consents, whatever the batch size.
 */
export async function upsertLeads(
  trx: Knex.Transaction,
  listId: string,
  importId: string | null,
  rows: LeadRow[],
): Promise<Omit<ImportCounts, 'rows_read' | 'rows_rejected'>> {
  if (!rows.length) return { rows_imported: 0, rows_merged: 0 };
  const folded = fold(rows);
  const col = <T>(f: (l: LeadRow) => T) => folded.map((x) => f(x.lead));
  const { rows: out } = (await trx.raw(
    `INSERT INTO leads (list_id, phone, country, time_zone, first_name, last_name, email, custom, source_line, import_id)
     SELECT ?::uuid, u.phone, u.country, u.tz, u.fn, u.ln, u.em, u.custom::jsonb, u.line, ?::uuid
       FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[])
            AS u(phone, country, tz, fn, ln, em, custom, line)
     ON CONFLICT (list_id, phone) DO UPDATE SET
       country     = EXCLUDED.country,
       time_zone   = coalesce(EXCLUDED.time_zone, leads.time_zone),
       first_name  = coalesce(EXCLUDED.first_name, leads.first_name),
       last_name   = coalesce(EXCLUDED.last_name, leads.last_name),
       email       = coalesce(EXCLUDED.email, leads.email),
       custom      = leads.custom || EXCLUDED.custom,
       source_line = EXCLUDED.source_line,
       import_id   = EXCLUDED.import_id,
       updated_at  = now()
     RETURNING id, phone, (xmax = 0) AS inserted`,
    [
      listId,
      importId,
      col((l) => l.phone),
      col((l) => l.country),
      col((l) => l.timeZone),
      col((l) => l.firstName),
      col((l) => l.lastName),
      col((l) => l.email),
      col((l) => JSON.stringify(l.custom)),
      col((l) => l.line),
    ] as Knex.RawBinding[],
  )) as { rows: Array<{ id: string; phone: string; inserted: boolean }> };

  const ids = new Map(out.map((r) => [r.phone, r]));
  let imported = 0;
  let merged = 0;
  const consents: Array<[string, string, string, string, Date, Date | null]> = [];
  for (const f of folded) {
    const r = ids.get(f.lead.phone)!;
    if (r.inserted) {
      imported++;
      merged += f.rows - 1;
    } else merged += f.rows;
    for (const c of f.consents)
      consents.push([r.id, f.lead.phone, c.scope, c.source, c.recordedAt, c.expiresAt]);
  }
  if (consents.length) {
    await trx.raw(
      `INSERT INTO lead_consents (lead_id, phone, scope, source, recorded_at, expires_at, import_id)
       SELECT u.lead_id, u.phone, u.scope, u.source, u.recorded_at, u.expires_at, ?::uuid
         FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[])
              AS u(lead_id, phone, scope, source, recorded_at, expires_at)
       ON CONFLICT DO NOTHING`,
      [importId, ...[0, 1, 2, 3, 4, 5].map((i) => consents.map((c) => c[i]))] as Knex.RawBinding[],
    );
  }
  return { rows_imported: imported, rows_merged: merged };
}

/** Rejected rows of a batch; a retried batch's rows are already there and change nothing. */
export async function insertRejected(
  trx: Knex.Transaction,
  importId: string,
  rows: RejectedRow[],
): Promise<void> {
  if (!rows.length) return;
  await trx.raw(
    `INSERT INTO lead_import_errors (import_id, line, reason, raw)
     SELECT ?::uuid, u.line, u.reason, u.raw FROM unnest(?::bigint[], ?::text[], ?::text[]) AS u(line, reason, raw)
     ON CONFLICT (import_id, line) DO NOTHING`,
    [importId, rows.map((r) => r.line), rows.map((r) => r.reason), rows.map((r) => r.raw.slice(0, 1000))],
  );
}

/** Numbers into a do-not-call list; returns how many were new. */
export async function insertDncNumbers(
  trx: Knex.Transaction,
  listId: string,
  phones: string[],
): Promise<number> {
  if (!phones.length) return 0;
  const { rows } = (await trx.raw(
    `WITH ins AS (
       INSERT INTO dnc_numbers (list_id, phone, source)
       SELECT ?::uuid, p, 'import' FROM unnest(?::text[]) AS p
       ON CONFLICT (list_id, phone) DO NOTHING RETURNING 1)
     UPDATE dnc_lists SET entries = entries + (SELECT count(*) FROM ins) WHERE id = ?
     RETURNING (SELECT count(*) FROM ins)::int AS added`,
    [listId, phones, listId],
  )) as { rows: Array<{ added: number }> };
  return rows[0]?.added ?? 0;
}
