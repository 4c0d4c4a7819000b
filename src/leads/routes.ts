import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import { z } from 'zod';
import { rm } from 'node:fs/promises';
import { ApiError, ConflictError, NotFoundError, ValidationError } from '../api/errors.js';
import type { RouteRegistry } from '../api/registry.js';
import { addConsent, ConsentScopes, revokeConsent } from './consent.js';
import { CsvFileError, Encodings, readHeader } from './csv.js';
import { registerDncRoutes } from './dnc-routes.js';
import {
  getImport,
  getList,
  listLists,
  createList,
  updateList,
  deleteList,
  startLeadImport,
} from './lists.js';
import { LeadFields, suggestMapping } from './mapping.js';
import { normalizeNumber, timeZoneOfNumber } from './numbers.js';
import { enqueueImport, importJobState, type LeadImportJob } from './queue.js';
import { storeUpload, UploadTooLargeError } from './uploads.js';
import { upsertLeads } from './writes.js';
import { isTimeZone } from './zones.js';

export interface LeadRoutesOptions {
  db: Knex;
  /** The import queue (createLeadImportQueue with REDIS_PREFIX); the worker runs the jobs. */
  queue: Queue<LeadImportJob>;
  /** Folder where uploaded CSV files are kept until imported (LEADS_UPLOAD_DIR). */
  uploadDir: string;
  maxUploadBytes?: number;
  /** Default age limit of national do-not-call snapshots for /dnc/check (days). */
  maxNationalAgeDays?: number;
}

const Writers = ['supervisor', 'admin'] as const;
const Readers = ['supervisor', 'admin', 'analyst'] as const;
const uuid = z.uuid();
const country = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'a two-letter ISO country code (VN, IR, US, GB...)')
  .transform((c) => (c.toUpperCase() === 'UK' ? 'GB' : c.toUpperCase()));
const time = z.union([z.date(), z.string()]).transform((v) => (v instanceof Date ? v.toISOString() : v));
const timeOrNull = time.nullable();
const page = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

const listSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  campaign_id: z.string().nullable(),
  default_country: z.string(),
  leads: z.number(),
  never_dialed: z.number(),
  without_time_zone: z.number(),
  rows_read: z.number(),
  rows_imported: z.number(),
  rows_merged: z.number(),
  rows_rejected: z.number(),
  last_import_at: timeOrNull,
  created_at: time,
  updated_at: time,
});

export const importSchema = z.object({
  id: z.string(),
  kind: z.enum(['leads', 'dnc']),
  list_id: z.string().nullable(),
  dnc_list_id: z.string().nullable(),
  upload_id: z.string().nullable(),
  options: z.record(z.string(), z.unknown()),
  status: z.string().describe('queued | running | done | failed'),
  rows_read: z.number(),
  rows_imported: z.number(),
  rows_merged: z.number(),
  rows_rejected: z.number(),
  committed_line: z.number(),
  error: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: time,
  started_at: timeOrNull,
  finished_at: timeOrNull,
  job: z
    .object({
      state: z.string(),
      attempts: z.number(),
      progress: z.record(z.string(), z.unknown()).nullable(),
    })
    .nullable()
    .optional(),
});

const leadSchema = z.object({
  id: z.string(),
  list_id: z.string(),
  phone: z.string(),
  country: z.string().nullable(),
  time_zone: z.string().nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  email: z.string().nullable(),
  custom: z.record(z.string(), z.unknown()),
  status: z.string(),
  attempts: z.number(),
  last_attempt_at: timeOrNull,
  next_attempt_at: timeOrNull,
  created_at: time,
  updated_at: time,
});

const consentSchema = z.object({
  id: z.string(),
  lead_id: z.string().nullable(),
  phone: z.string(),
  scope: z.string(),
  source: z.string(),
  recorded_at: time,
  expires_at: timeOrNull,
  revoked_at: timeOrNull,
  revoked_reason: z.string().nullable(),
});

const mappingTarget = z
  .string()
  .refine(
    (t) => (LeadFields as readonly string[]).includes(t) || t === 'ignore' || /^custom\..{1,100}$/.test(t),
    {
      message: `a lead field (${LeadFields.join(', ')}), custom.<name> or ignore`,
    },
  );

const LeadColumns = [
  'id',
  'list_id',
  'phone',
  'country',
  'time_zone',
  'first_name',
  'last_name',
  'email',
  'custom',
  'status',
  'attempts',
  'last_attempt_at',
  'next_attempt_at',
  'created_at',
  'updated_at',
];

/** /api/v1/lead-lists, /lead-uploads, /lead-imports, /leads and /dnc. */
export function registerLeadRoutes(options: LeadRoutesOptions) {
  const { db, queue } = options;
  return (registry: RouteRegistry): void => {
    registry.add({
      method: 'get',
      path: '/api/v1/lead-lists',
      operationId: 'listLeadLists',
      summary: 'Lead lists, newest first, with their lead counts and import totals',
      tags: ['leads'],
      access: Readers,
      query: page.extend({ campaign_id: uuid.optional() }),
      response: z.object({ items: z.array(listSchema) }),
      handler: async ({ query }) => ({ items: await listLists(db, query) }),
    });

    registry.add({
      method: 'post',
      path: '/api/v1/lead-lists',
      operationId: 'createLeadList',
      summary: 'Create a lead list',
      tags: ['leads'],
      access: Writers,
      status: 201,
      body: z.object({
        name: z.string().min(1).max(200),
        default_country: country.describe('Country of numbers written without a country code'),
        campaign_id: uuid.nullable().optional(),
        description: z.string().max(2000).nullable().optional(),
      }),
      response: listSchema,
      handler: ({ body }) => createList(db, body),
    });

    registry.add({
      method: 'get',
      path: '/api/v1/lead-lists/{id}',
      operationId: 'getLeadList',
      summary: 'One lead list',
      tags: ['leads'],
      access: Readers,
      params: z.object({ id: uuid }),
      response: listSchema,
      handler: ({ params }) => getList(db, params.id),
    });

    registry.add({
      method: 'patch',
      path: '/api/v1/lead-lists/{id}',
      operationId: 'updateLeadList',
      summary: 'Rename a list, change its default country or campaign',
      tags: ['leads'],
      access: Writers,
      params: z.object({ id: uuid }),
      body: z
        .object({
          name: z.string().min(1).max(200).optional(),
          default_country: country.optional(),
          campaign_id: uuid.nullable().optional(),
          description: z.string().max(2000).nullable().optional(),
        })
        .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' }),
      response: listSchema,
      handler: ({ params, body }) => updateList(db, params.id, body),
    });

    registry.add({
      method: 'delete',
      path: '/api/v1/lead-lists/{id}',
      operationId: 'deleteLeadList',
      summary: 'Delete a list and its leads (refused while an import into it runs)',
      tags: ['leads'],
      access: Writers,
      status: 204,
      params: z.object({ id: uuid }),
      handler: async ({ params }) => deleteList(db, params.id),
    });

    registry.add({
      method: 'get',
      path: '/api/v1/lead-lists/{id}/leads',
      operationId: 'listLeads',
      summary: 'Leads of a list, in number order (page with after=<last phone>)',
      tags: ['leads'],
      access: Readers,
      params: z.object({ id: uuid }),
      query: z.object({
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        after: z.string().optional().describe('Phone of the last lead of the previous page'),
        status: z.string().optional(),
      }),
      response: z.object({ items: z.array(leadSchema), next: z.string().nullable() }),
      handler: async ({ params, query }) => {
        await getList(db, params.id);
        const q = db('leads')
          .where({ list_id: params.id })
          .orderBy('phone')
          .limit(query.limit)
          .select(LeadColumns);
        if (query.after) q.where('phone', '>', query.after);
        if (query.status) q.where({ status: query.status });
        const items = (await q) as Array<z.input<typeof leadSchema>>;
        return { items, next: items.length === query.limit ? items[items.length - 1]!.phone : null };
      },
    });

    registry.add({
      method: 'post',
      path: '/api/v1/lead-lists/{id}/leads',
      operationId: 'addLead',
      summary: 'Add one lead (a number already in the list is merged into its lead)',
      tags: ['leads'],
      access: Writers,
      status: 201,
      alsoResponds: [{ status: 200, description: 'merged into the lead that had this number' }],
      params: z.object({ id: uuid }),
      body: z.object({
        phone: z.string().min(1).max(64),
        country: country.optional().describe("For a number without country code; default: the list's"),
        time_zone: z.string().optional(),
        first_name: z.string().max(200).optional(),
        last_name: z.string().max(200).optional(),
        email: z.email().optional(),
        custom: z.record(z.string(), z.string()).optional(),
      }),
      response: leadSchema,
      handler: async ({ params, body, setStatus }) => {
        const list = await getList(db, params.id);
        const n = normalizeNumber(body.phone, body.country ?? list.default_country);
        if (!n.ok) throw new ValidationError([{ path: 'body.phone', message: n.reason }]);
        if (body.time_zone && !(isTimeZone(body.time_zone) && body.time_zone.includes('/')))
          throw new ValidationError([
            { path: 'body.time_zone', message: 'not an IANA time zone (Asia/Ho_Chi_Minh...)' },
          ]);
        const { rows_imported } = await db.transaction((trx) =>
          upsertLeads(trx, list.id, null, [
            {
              line: 0,
              phone: n.e164,
              country: n.country,
              timeZone: body.time_zone ?? timeZoneOfNumber(n.e164) ?? null,
              firstName: body.first_name ?? null,
              lastName: body.last_name ?? null,
              email: body.email ?? null,
              custom: body.custom ?? {},
            },
          ]),
        );
        if (!rows_imported) setStatus(200);
        return db('leads').where({ list_id: list.id, phone: n.e164 }).first(LeadColumns);
      },
    });

    registry.add({
      method: 'post',
      path: '/api/v1/lead-uploads',
      operationId: 'uploadLeadFile',
      summary:
        'Upload a CSV file as the request body (Content-Type: text/csv); answers its header and a suggested column mapping',
      tags: ['leads'],
      access: Writers,
      status: 201,
      query: z.object({
        name: z.string().min(1).max(255).default('upload.csv').describe('Original file name'),
        encoding: z.enum(Encodings).default('utf-8'),
      }),
      response: z.object({
        id: z.string(),
        file_name: z.string(),
        bytes: z.number(),
        sha256: z.string(),
        header: z.array(z.string()),
        delimiter: z.string(),
        lines: z.number().describe('Line breaks in the file (rows, plus the header)'),
        suggested_mapping: z.record(z.string(), z.string()),
      }),
      handler: async ({ req, query, principal }) => {
        const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        const accepted = [
          'text/csv',
          'text/plain',
          'application/csv',
          'application/octet-stream',
          'application/vnd.ms-excel',
        ];
        if (!accepted.includes(type))
          throw new ApiError(
            'UNSUPPORTED_MEDIA_TYPE',
            `send the CSV file itself as the body with Content-Type: text/csv (got ${type || 'none'})`,
          );
        try {
          const u = await storeUpload(db, req, {
            dir: options.uploadDir,
            fileName: query.name,
            encoding: query.encoding,
            ...(options.maxUploadBytes ? { maxBytes: options.maxUploadBytes } : {}),
            ...(principal ? { uploadedBy: principal.name } : {}),
          });
          return {
            id: u.id,
            file_name: u.file_name,
            bytes: u.bytes,
            sha256: u.sha256,
            header: u.scan.header,
            delimiter: u.scan.delimiter,
            lines: u.scan.lines,
            suggested_mapping: suggestMapping(u.scan.header),
          };
        } catch (err) {
          if (err instanceof CsvFileError)
            throw new ValidationError([
              { path: err.line ? `body.line.${err.line}` : 'body', message: err.message },
            ]);
          if (err instanceof UploadTooLargeError) throw new ApiError('PAYLOAD_TOO_LARGE', err.message);
          throw err;
        }
      },
    });

    registry.add({
      method: 'delete',
      path: '/api/v1/lead-uploads/{id}',
      operationId: 'deleteLeadUpload',
      summary: 'Delete an uploaded file (refused while an import reads it)',
      tags: ['leads'],
      access: Writers,
      status: 204,
      params: z.object({ id: uuid }),
      handler: async ({ params }) => {
        const upload = (await db('lead_uploads').where({ id: params.id }).first('path')) as
          { path: string } | undefined;
        if (!upload) throw new NotFoundError(`no upload ${params.id}`);
        const busy = await db('lead_imports')
          .where({ upload_id: params.id })
          .whereIn('status', ['queued', 'running'])
          .first('id');
        if (busy) throw new ConflictError(`import ${busy.id} is reading this file; wait for it to end`);
        await db('lead_uploads').where({ id: params.id }).delete();
        await rm(upload.path, { force: true });
      },
    });

    registry.add({
      method: 'get',
      path: '/api/v1/lead-lists/{id}/imports',
      operationId: 'listLeadImports',
      summary: 'Imports into a list, newest first',
      tags: ['leads'],
      access: Readers,
      params: z.object({ id: uuid }),
      response: z.object({ items: z.array(importSchema) }),
      handler: async ({ params }) => {
        await getList(db, params.id);
        const ids = (await db('lead_imports')
          .where({ list_id: params.id })
          .orderBy('created_at', 'desc')
          .limit(100)
          .pluck('id')) as string[];
        return { items: await Promise.all(ids.map((id) => getImport(db, id))) };
      },
    });

    registry.add({
      method: 'post',
      path: '/api/v1/lead-lists/{id}/imports',
      operationId: 'importLeads',
      summary: 'Import an uploaded CSV into the list, as a background job (progress at /lead-imports/{id})',
      tags: ['leads'],
      access: Writers,
      status: 202,
      params: z.object({ id: uuid }),
      body: z.object({
        upload_id: uuid,
        mapping: z
          .record(z.string(), mappingTarget)
          .optional()
          .describe(
            'CSV header → lead field, custom.<name> or ignore; other columns by their usual names, else custom',
          ),
        default_country: country.optional(),
        encoding: z.enum(Encodings).optional(),
        delimiter: z.enum([',', ';', '\t', '|', 'auto']).optional(),
        consent_scope: z
          .enum(ConsentScopes)
          .optional()
          .describe('Scope of consents whose row has no consent_scope'),
        consent_source: z.string().min(1).max(500).optional(),
        date_order: z
          .enum(['DMY', 'MDY'])
          .optional()
          .describe('How to read 03/04/2026 (default DMY, MDY for US)'),
      }),
      response: importSchema,
      handler: async ({ params, body, principal }) => {
        const { upload_id, ...opts } = body;
        const upload = (await db('lead_uploads').where({ id: upload_id }).first('path')) as
          { path: string } | undefined;
        let header: string[] | undefined;
        if (upload) {
          try {
            header = await readHeader(upload.path, opts.encoding, opts.delimiter);
          } catch {
            header = undefined; // the worker reports it with the line
          }
        }
        return startLeadImport(db, queue, {
          listId: params.id,
          uploadId: upload_id,
          options: opts as never,
          ...(principal ? { createdBy: principal.name } : {}),
          ...(header ? { header } : {}),
        });
      },
    });

    registry.add({
      method: 'get',
      path: '/api/v1/lead-imports/{id}',
      operationId: 'getLeadImport',
      summary: 'An import: status, rows read, imported, merged, rejected, and its job progress',
      tags: ['leads'],
      access: Readers,
      params: z.object({ id: uuid }),
      response: importSchema,
      handler: async ({ params }) => {
        const row = await getImport(db, params.id);
        const job = await importJobState(queue, params.id).catch(() => undefined);
        return {
          ...row,
          job: job
            ? {
                state: job.state,
                attempts: job.attempts,
                progress: (job.progress as unknown as Record<string, unknown> | undefined) ?? null,
              }
            : null,
        };
      },
    });

    registry.add({
      method: 'post',
      path: '/api/v1/lead-imports/{id}/retry',
      operationId: 'retryLeadImport',
      summary: 'Run a failed import again: it goes on after the last batch it committed',
      tags: ['leads'],
      access: Writers,
      status: 202,
      params: z.object({ id: uuid }),
      response: importSchema,
      handler: async ({ params }) => {
        const row = await getImport(db, params.id);
        if (row.status !== 'failed')
          throw new ConflictError(`import ${params.id} is ${row.status}, not failed`);
        await db('lead_imports')
          .where({ id: params.id })
          .update({ status: 'queued', error: null, finished_at: null });
        if (row.dnc_list_id)
          await db('dnc_lists')
            .where({ id: row.dnc_list_id, status: 'failed' })
            .update({ status: 'importing' });
        const job = await queue.getJob(params.id);
        if (job && (await job.isFailed())) await job.retry('failed');
        else if (!job) await enqueueImport(queue, params.id);
        return getImport(db, params.id);
      },
    });

    registry.add({
      method: 'get',
      path: '/api/v1/lead-imports/{id}/errors',
      operationId: 'listLeadImportErrors',
      summary: 'Rows an import refused: file line, reason and the row as read',
      tags: ['leads'],
      access: Readers,
      params: z.object({ id: uuid }),
      query: z.object({
        limit: z.coerce.number().int().min(1).max(5000).default(500),
        after_line: z.coerce.number().int().min(0).default(0),
      }),
      response: z.object({
        items: z.array(z.object({ line: z.number(), reason: z.string(), raw: z.string().nullable() })),
        next_after_line: z.number().nullable(),
      }),
      handler: async ({ params, query }) => {
        await getImport(db, params.id);
        const rows = (await db('lead_import_errors')
          .where({ import_id: params.id })
          .andWhere('line', '>', query.after_line)
          .orderBy('line')
          .limit(query.limit)
          .select(db.raw('line::float8 AS line'), 'reason', 'raw')) as Array<{
          line: number;
          reason: string;
          raw: string | null;
        }>;
        return {
          items: rows,
          next_after_line: rows.length === query.limit ? rows[rows.length - 1]!.line : null,
        };
      },
    });

    registry.add({
      method: 'get',
      path: '/api/v1/leads/{id}',
      operationId: 'getLead',
      summary: 'One lead',
      tags: ['leads'],
      access: [...Readers, 'agent'],
      params: z.object({ id: uuid }),
      response: leadSchema,
      handler: async ({ params }) => {
        const row = await db('leads').where({ id: params.id }).first(LeadColumns);
        if (!row) throw new NotFoundError(`no lead ${params.id}`);
        return row;
      },
    });

    registry.add({
      method: 'get',
      path: '/api/v1/leads/{id}/consents',
      operationId: 'listLeadConsents',
      summary: "A lead's consents (its own and its number's), newest first",
      tags: ['leads'],
      access: Readers,
      params: z.object({ id: uuid }),
      response: z.object({ items: z.array(consentSchema) }),
      handler: async ({ params }) => {
        const lead = await db('leads').where({ id: params.id }).first('phone');
        if (!lead) throw new NotFoundError(`no lead ${params.id}`);
        const items = await db('lead_consents')
          .where({ lead_id: params.id })
          .orWhere((q) => q.whereNull('lead_id').andWhere({ phone: lead.phone }))
          .orderBy('recorded_at', 'desc');
        return { items };
      },
    });

    registry.add({
      method: 'post',
      path: '/api/v1/leads/{id}/consents',
      operationId: 'addLeadConsent',
      summary: 'Record that the lead consented to calls for a purpose (source, time, scope)',
      tags: ['leads'],
      access: Writers,
      status: 201,
      alsoResponds: [{ status: 200, description: 'the same consent was already recorded' }],
      params: z.object({ id: uuid }),
      body: z.object({
        scope: z.enum(ConsentScopes),
        source: z.string().min(1).max(500).describe('Evidence: form URL, contract number, recorded call...'),
        recorded_at: z.iso.datetime({ offset: true }).describe('When consent was given'),
        expires_at: z.iso.datetime({ offset: true }).optional(),
      }),
      response: consentSchema,
      handler: async ({ params, body, setStatus }) => {
        const lead = await db('leads').where({ id: params.id }).first('phone');
        if (!lead) throw new NotFoundError(`no lead ${params.id}`);
        const recordedAt = new Date(body.recorded_at);
        if (recordedAt.getTime() > Date.now() + 60_000)
          throw new ValidationError([{ path: 'body.recorded_at', message: 'is in the future' }]);
        const expiresAt = body.expires_at ? new Date(body.expires_at) : null;
        if (expiresAt && expiresAt <= recordedAt)
          throw new ValidationError([{ path: 'body.expires_at', message: 'must be after recorded_at' }]);
        const { id, created } = await addConsent(db, {
          leadId: params.id,
          phone: lead.phone,
          scope: body.scope,
          source: body.source,
          recordedAt,
          expiresAt,
        });
        if (!created) setStatus(200);
        return db('lead_consents').where({ id }).first();
      },
    });

    registry.add({
      method: 'post',
      path: '/api/v1/lead-consents/{id}/revoke',
      operationId: 'revokeLeadConsent',
      summary: 'Withdraw a consent (the lead said no); the next consent check refuses',
      tags: ['leads'],
      access: [...Writers, 'agent'],
      params: z.object({ id: uuid }),
      body: z.object({ reason: z.string().min(1).max(500) }),
      response: consentSchema,
      handler: async ({ params, body }) => {
        const row = await db('lead_consents').where({ id: params.id }).first();
        if (!row) throw new NotFoundError(`no consent ${params.id}`);
        await revokeConsent(db, params.id, body.reason);
        return db('lead_consents').where({ id: params.id }).first();
      },
    });

    registerDncRoutes(registry, options);
  };
}
