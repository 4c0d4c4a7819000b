import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import { z } from 'zod';
import { NotFoundError, ValidationError, type FieldIssue } from '../api/errors.js';
import type { RouteRegistry } from '../api/registry.js';
import { addToDnc, checkDnc, internalListId, removeFromDnc } from './dnc.js';
import { startDncImport } from './lists.js';
import { normalizeNumber } from './numbers.js';
import type { LeadImportJob } from './queue.js';
import { Encodings } from './csv.js';

const Writers = ['supervisor', 'admin'] as const;
const Readers = ['supervisor', 'admin', 'analyst'] as const;
const uuid = z.uuid();
const country = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'a two-letter ISO country code (VN, IR, US, GB...)')
  .transform((c) => (c.toUpperCase() === 'UK' ? 'GB' : c.toUpperCase()));
const time = z.union([z.date(), z.string()]).transform((v) => (v instanceof Date ? v.toISOString() : v));

const dncListSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['internal', 'national']),
  jurisdiction: z.string().nullable(),
  campaign_id: z.string().nullable(),
  snapshot_date: z.string().nullable(),
  status: z.string(),
  entries: z.number(),
  source: z.string().nullable(),
  imported_at: time.nullable(),
  created_at: time,
  in_force: z.boolean().describe('For a national list: the newest ready snapshot of its jurisdiction'),
});

const DncListColumns = `l.id, l.name, l.kind, l.jurisdiction, l.campaign_id, to_char(l.snapshot_date, 'YYYY-MM-DD') AS snapshot_date,
  l.status, l.entries::float8 AS entries, l.source, l.imported_at, l.created_at,
  (l.kind = 'national' AND l.id IN (SELECT id FROM dnc_lists_in_force)) AS in_force`;

/** Numbers as given, in E.164, or a 400 naming every bad one (nothing is added then). */
function normalizeAll(phones: string[], defaultCountry: string, path: string): string[] {
  const issues: FieldIssue[] = [];
  const out = phones.map((p, i) => {
    const n = normalizeNumber(p, defaultCountry);
    if (!n.ok) issues.push({ path: `${path}.${i}`, message: `"${p}": ${n.reason}` });
    return n.ok ? n.e164 : '';
  });
  if (issues.length) throw new ValidationError(issues);
  return out;
}

export function registerDncRoutes(
  registry: RouteRegistry,
  options: { db: Knex; queue: Queue<LeadImportJob>; maxNationalAgeDays?: number },
): void {
  const { db, queue } = options;

  registry.add({
    method: 'get',
    path: '/api/v1/dnc/lists',
    operationId: 'listDncLists',
    summary: 'Do-not-call lists: internal ones and every national snapshot (which one is in force)',
    tags: ['dnc'],
    access: Readers,
    response: z.object({ items: z.array(dncListSchema) }),
    handler: async () => {
      const { rows } = await db.raw(
        `SELECT ${DncListColumns} FROM dnc_lists l ORDER BY l.kind, l.jurisdiction NULLS FIRST, l.snapshot_date DESC NULLS LAST`,
      );
      return { items: rows };
    },
  });

  registry.add({
    method: 'get',
    path: '/api/v1/dnc/check',
    operationId: 'checkDnc',
    summary: 'May this number be dialed as far as do-not-call lists go? (the check the dialer makes)',
    tags: ['dnc'],
    access: [...Readers, 'agent'],
    query: z.object({
      phone: z.string().min(1).max(64),
      default_country: country.default('VN').describe('For a number without country code'),
      jurisdiction: country.optional().describe('A national register that must be checked'),
      campaign_id: uuid.optional(),
      max_age_days: z.coerce.number().int().min(1).max(3650).optional(),
    }),
    response: z.object({
      phone: z.string(),
      allowed: z.boolean(),
      reason: z.string().optional(),
      source: z.string().optional(),
    }),
    handler: async ({ query }) => {
      const [phone] = normalizeAll([query.phone], query.default_country, 'query.phone');
      const maxAge = query.max_age_days ?? options.maxNationalAgeDays;
      const decision = await checkDnc(db, phone!, {
        at: new Date(),
        ...(query.campaign_id ? { campaignId: query.campaign_id } : {}),
        ...(query.jurisdiction ? { jurisdiction: query.jurisdiction } : {}),
        ...(maxAge !== undefined ? { maxNationalAgeDays: maxAge } : {}),
      });
      return { phone: phone!, ...decision };
    },
  });

  registry.add({
    method: 'post',
    path: '/api/v1/dnc/numbers',
    operationId: 'addDncNumbers',
    summary:
      "Put numbers on the internal do-not-call list (or a campaign's own); effective for the next dial",
    tags: ['dnc'],
    access: Writers,
    body: z.object({
      phones: z.array(z.string().min(1).max(64)).min(1).max(10_000),
      default_country: country.default('VN'),
      campaign_id: uuid.optional().describe("Only this campaign's list; without it every campaign's"),
    }),
    response: z.object({ list_id: z.string(), added: z.number(), already_listed: z.number() }),
    handler: async ({ body, principal }) => {
      const phones = [...new Set(normalizeAll(body.phones, body.default_country, 'body.phones'))];
      const listId = await internalListId(db, body.campaign_id);
      const added = await addToDnc(db, listId, phones, {
        source: 'api',
        ...(body.campaign_id ? { campaignId: body.campaign_id } : {}),
        ...(principal ? { addedBy: principal.name } : {}),
      });
      return { list_id: listId, added, already_listed: phones.length - added };
    },
  });

  registry.add({
    method: 'delete',
    path: '/api/v1/dnc/numbers/{phone}',
    operationId: 'removeDncNumber',
    summary: 'Take a number off the internal do-not-call list (or a campaign’s own)',
    tags: ['dnc'],
    access: Writers,
    status: 204,
    params: z.object({ phone: z.string().min(1).max(64) }),
    query: z.object({ default_country: country.default('VN'), campaign_id: uuid.optional() }),
    handler: async ({ params, query }) => {
      const [phone] = normalizeAll([params.phone], query.default_country, 'params.phone');
      const listId = await internalListId(db, query.campaign_id);
      if (!(await removeFromDnc(db, listId, [phone!])))
        throw new NotFoundError(`${phone} is not on that do-not-call list`);
    },
  });

  registry.add({
    method: 'post',
    path: '/api/v1/dnc/imports',
    operationId: 'importDncList',
    summary:
      'Import an uploaded file of numbers: a national register snapshot (jurisdiction + snapshot date), or into the internal list',
    tags: ['dnc'],
    access: Writers,
    status: 202,
    body: z
      .object({
        upload_id: uuid,
        kind: z.enum(['national', 'internal']),
        jurisdiction: country.optional().describe('National: whose register (VN, US, GB...)'),
        snapshot_date: z.iso.date().optional().describe('National: the date the regulator published it'),
        source: z.string().max(500).optional(),
        campaign_id: uuid.optional().describe("Internal: a campaign's own list"),
        default_country: country
          .optional()
          .describe('For numbers without country code (default: jurisdiction)'),
        phone_column: z.string().optional(),
        has_header: z.union([z.boolean(), z.literal('auto')]).optional(),
        encoding: z.enum(Encodings).optional(),
        delimiter: z.enum([',', ';', '\t', '|', 'auto']).optional(),
      })
      .superRefine((b, ctx) => {
        if (b.kind === 'national') {
          if (!b.jurisdiction)
            ctx.addIssue({ code: 'custom', path: ['jurisdiction'], message: 'required for a national list' });
          if (!b.snapshot_date)
            ctx.addIssue({
              code: 'custom',
              path: ['snapshot_date'],
              message: 'required for a national list',
            });
          else if (b.snapshot_date > new Date().toISOString().slice(0, 10))
            ctx.addIssue({ code: 'custom', path: ['snapshot_date'], message: 'is in the future' });
        }
      }),
    response: z.object({ id: z.string(), dnc_list_id: z.string().nullable(), status: z.string() }),
    handler: async ({ body, principal }) => {
      const target =
        body.kind === 'national'
          ? {
              kind: 'national' as const,
              jurisdiction: body.jurisdiction!,
              snapshotDate: body.snapshot_date!,
              ...(body.source ? { source: body.source } : {}),
            }
          : { kind: 'internal' as const, listId: await internalListId(db, body.campaign_id) };
      const opts = {
        ...(body.default_country ? { default_country: body.default_country } : {}),
        ...(body.phone_column !== undefined ? { phone_column: body.phone_column } : {}),
        ...(body.has_header !== undefined ? { has_header: body.has_header } : {}),
        ...(body.encoding ? { encoding: body.encoding } : {}),
        ...(body.delimiter ? { delimiter: body.delimiter } : {}),
      };
      const row = await startDncImport(db, queue, {
        uploadId: body.upload_id,
        target,
        options: opts,
        ...(principal ? { createdBy: principal.name } : {}),
      });
      return { id: row.id, dnc_list_id: row.dnc_list_id, status: row.status };
    },
  });
}
