import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import { ConflictError, NotFoundError, ValidationError } from '../api/errors.js';
import { resolveMapping, MappingError, type ColumnMapping } from './mapping.js';
import { enqueueImport, type LeadImportJob } from './queue.js';
import {
  dncImportOptions,
  leadImportOptions,
  type DncImportOptions,
  type LeadImportOptions,
} from './importer.js';

export interface LeadList {
  id: string;
  name: string;
  description: string | null;
  campaign_id: string | null;
  default_country: string;
  leads: number;
  never_dialed: number;
  without_time_zone: number;
  rows_read: number;
  rows_imported: number;
  rows_merged: number;
  rows_rejected: number;
  last_import_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const ListColumns = `l.id, l.name, l.description, l.campaign_id, l.default_country, l.rows_read::float8 AS rows_read,
  l.rows_imported::float8 AS rows_imported, l.rows_merged::float8 AS rows_merged, l.rows_rejected::float8 AS rows_rejected,
  l.last_import_at, l.created_at, l.updated_at,
  (SELECT count(*) FROM leads d WHERE d.list_id = l.id)::float8 AS leads,
  (SELECT count(*) FROM leads d WHERE d.list_id = l.id AND d.status = 'new')::float8 AS never_dialed,
  (SELECT count(*) FROM leads d WHERE d.list_id = l.id AND d.time_zone IS NULL)::float8 AS without_time_zone`;

export async function getList(db: Knex, id: string): Promise<LeadList> {
  const { rows } = (await db.raw(`SELECT ${ListColumns} FROM lead_lists l WHERE l.id = ?`, [id])) as {
    rows: LeadList[];
  };
  if (!rows[0]) throw new NotFoundError(`no lead list ${id}`);
  return rows[0];
}

export async function listLists(
  db: Knex,
  q: { campaign_id?: string | undefined; limit: number; offset: number },
): Promise<LeadList[]> {
  const where = q.campaign_id ? 'WHERE l.campaign_id = ?' : '';
  const { rows } = (await db.raw(
    `SELECT ${ListColumns} FROM lead_lists l ${where} ORDER BY l.created_at DESC, l.id LIMIT ? OFFSET ?`,
    [...(q.campaign_id ? [q.campaign_id] : []), q.limit, q.offset],
  )) as { rows: LeadList[] };
  return rows;
}

export async function createList(
  db: Knex,
  input: { name: string; default_country: string; campaign_id?: string | null; description?: string | null },
): Promise<LeadList> {
  const [row] = (await db('lead_lists')
    .insert({
      name: input.name,
      default_country: input.default_country,
      campaign_id: input.campaign_id ?? null,
      description: input.description ?? null,
    })
    .returning('id')) as Array<{ id: string }>;
  return getList(db, row!.id);
}

export async function updateList(
  db: Knex,
  id: string,
  patch: {
    name?: string;
    default_country?: string;
    campaign_id?: string | null;
    description?: string | null;
  },
): Promise<LeadList> {
  const n = await db('lead_lists')
    .where({ id })
    .update({ ...patch, updated_at: db.fn.now() });
  if (!n) throw new NotFoundError(`no lead list ${id}`);
  return getList(db, id);
}

/** Deletes a list with its leads; refused while an import into it runs. */
export async function deleteList(db: Knex, id: string): Promise<void> {
  const running = await db('lead_imports')
    .where({ list_id: id })
    .whereIn('status', ['queued', 'running'])
    .first('id');
  if (running)
    throw new ConflictError(`import ${running.id} into this list is still running; wait for it to end`);
  const n = await db('lead_lists').where({ id }).delete();
  if (!n) throw new NotFoundError(`no lead list ${id}`);
}

export interface ImportRow {
  id: string;
  kind: 'leads' | 'dnc';
  list_id: string | null;
  dnc_list_id: string | null;
  upload_id: string | null;
  options: Record<string, unknown>;
  status: string;
  rows_read: number;
  rows_imported: number;
  rows_merged: number;
  rows_rejected: number;
  committed_line: number;
  error: string | null;
  created_by: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export async function getImport(db: Knex, id: string): Promise<ImportRow> {
  const row = (await db('lead_imports')
    .where({ id })
    .first(
      '*',
      db.raw('rows_read::float8 AS rows_read, rows_imported::float8 AS rows_imported'),
      db.raw('rows_merged::float8 AS rows_merged, rows_rejected::float8 AS rows_rejected'),
      db.raw('committed_line::float8 AS committed_line'),
    )) as ImportRow | undefined;
  if (!row) throw new NotFoundError(`no import ${id}`);
  return row;
}

async function uploadPath(db: Knex, uploadId: string): Promise<string> {
  const upload = (await db('lead_uploads').where({ id: uploadId }).first('path')) as
    { path: string } | undefined;
  if (!upload)
    throw new ValidationError([
      { path: 'body.upload_id', message: `no upload ${uploadId} (POST /api/v1/lead-uploads first)` },
    ]);
  return upload.path;
}

/**
 * Records an import of an uploaded file into a list and queues it. The mapping is checked against
 * the file's header here, so a wrong one is a 400 now rather than a failed job later.
 */
export async function startLeadImport(
  db: Knex,
  queue: Queue<LeadImportJob>,
  input: {
    listId: string;
    uploadId: string;
    options: Omit<LeadImportOptions, 'default_country'> & { default_country?: string };
    createdBy?: string;
    header?: string[];
  },
): Promise<ImportRow> {
  const list = await getList(db, input.listId);
  const path = await uploadPath(db, input.uploadId);
  const options = leadImportOptions.parse({
    ...input.options,
    default_country: input.options.default_country ?? list.default_country,
  });
  if (input.header) {
    try {
      resolveMapping(input.header, options.mapping as ColumnMapping | undefined);
    } catch (err) {
      if (err instanceof MappingError)
        throw new ValidationError(err.issues.map((i) => ({ path: `body.${i.path}`, message: i.message })));
      throw err;
    }
  }
  const [row] = (await db('lead_imports')
    .insert({
      kind: 'leads',
      list_id: list.id,
      upload_id: input.uploadId,
      path,
      options,
      created_by: input.createdBy ?? null,
    })
    .returning('id')) as Array<{ id: string }>;
  await enqueueImport(queue, row!.id);
  return getImport(db, row!.id);
}

/**
 * A national register snapshot (a new do-not-call list, in force once the import finishes) or
 * numbers for an internal list, from an uploaded file.
 */
export async function startDncImport(
  db: Knex,
  queue: Queue<LeadImportJob>,
  input: {
    uploadId: string;
    target:
      | { kind: 'national'; jurisdiction: string; snapshotDate: string; source?: string }
      | { kind: 'internal'; listId: string };
    options: Omit<DncImportOptions, 'default_country'> & { default_country?: string };
    createdBy?: string;
  },
): Promise<ImportRow> {
  const path = await uploadPath(db, input.uploadId);
  // Queued after the commit: the worker must find the rows.
  const id = await db.transaction(async (trx) => {
    let listId: string;
    let country: string | undefined = input.options.default_country;
    if (input.target.kind === 'national') {
      const [list] = (await trx('dnc_lists')
        .insert({
          name: `${input.target.jurisdiction} national do-not-call register, ${input.target.snapshotDate}`,
          kind: 'national',
          jurisdiction: input.target.jurisdiction,
          snapshot_date: input.target.snapshotDate,
          status: 'importing',
          source: input.target.source ?? null,
        })
        .returning('id')) as Array<{ id: string }>;
      listId = list!.id;
      country ??= input.target.jurisdiction;
    } else {
      listId = input.target.listId;
    }
    if (!country)
      throw new ValidationError([
        { path: 'body.default_country', message: 'needed for numbers without a country code' },
      ]);
    const options = dncImportOptions.parse({ ...input.options, default_country: country });
    const [row] = (await trx('lead_imports')
      .insert({
        kind: 'dnc',
        dnc_list_id: listId,
        upload_id: input.uploadId,
        path,
        options,
        created_by: input.createdBy ?? null,
      })
      .returning('id')) as Array<{ id: string }>;
    return row!.id;
  });
  await enqueueImport(queue, id);
  return getImport(db, id);
}
