import type { Knex } from 'knex';
import { z } from 'zod';
import { ConsentScopes } from './consent.js';
import { CsvFileError, Encodings, readCsvFile, scanCsvFile, type CsvRecord } from './csv.js';
import { MappingError, resolveMapping, toLead, type LeadRow, type MappingIssue } from './mapping.js';
import type { RejectedRow } from './writes.js';
import { normalizeNumber } from './numbers.js';
import { insertDncNumbers, insertRejected, upsertLeads } from './writes.js';

/** Rows per transaction: large enough to amortize the round trip, small enough to retry cheaply. */
export const DefaultImportBatchRows = 5000;

const delimiter = z.enum([',', ';', '\t', '|', 'auto']);

/** Options of a lead import, as stored in lead_imports.options (snake_case, like the API). */
export const leadImportOptions = z.object({
  mapping: z.record(z.string(), z.string()).optional(),
  default_country: z.string().regex(/^[A-Z]{2}$/, 'an ISO country code such as VN, IR, US, GB'),
  encoding: z.enum(Encodings).default('utf-8'),
  delimiter: delimiter.default('auto'),
  consent_scope: z.enum(ConsentScopes).optional(),
  consent_source: z.string().min(1).max(500).optional(),
  date_order: z.enum(['DMY', 'MDY']).optional(),
  batch_rows: z.number().int().min(1).max(20_000).optional(),
});
export type LeadImportOptions = z.input<typeof leadImportOptions>;

/** Options of a do-not-call import (numbers into a national snapshot or an internal list). */
export const dncImportOptions = z.object({
  default_country: z.string().regex(/^[A-Z]{2}$/),
  phone_column: z.string().optional(),
  has_header: z.union([z.boolean(), z.literal('auto')]).default('auto'),
  encoding: z.enum(Encodings).default('utf-8'),
  delimiter: delimiter.default('auto'),
  batch_rows: z.number().int().min(1).max(50_000).optional(),
});
export type DncImportOptions = z.input<typeof dncImportOptions>;

export interface ImportCounts {
  rows_read: number;
  rows_imported: number;
  rows_merged: number;
  rows_rejected: number;
}

export interface ImportProgress extends ImportCounts {
  import_id: string;
  /** Line breaks in the file (an upper bound of its rows). */
  lines_total: number;
  /** Last file line committed. */
  line: number;
  percent: number;
}

export interface ImportResult extends ImportCounts {
  import_id: string;
  status: 'done';
  /** The first rejected rows (all of them are in lead_import_errors). */
  errors: Array<{ line: number; reason: string }>;
}

/** The file (or its mapping) cannot be imported at all; nothing was imported. Retrying will not help. */
export class ImportRefusedError extends Error {
  override readonly name = 'ImportRefusedError';
  constructor(
    message: string,
    readonly issues: MappingIssue[] = [],
  ) {
    super(message);
  }
}

/** Another run of the same import committed first; this one stops without touching anything. */
export class ImportTakenOverError extends Error {
  override readonly name = 'ImportTakenOverError';
  constructor(importId: string) {
    super(`import ${importId} is being run by another worker; this run stops`);
  }
}

interface ImportRow extends ImportCounts {
  id: string;
  kind: 'leads' | 'dnc';
  list_id: string | null;
  dnc_list_id: string | null;
  path: string;
  options: unknown;
  status: string;
  committed_line: string | number;
}

export interface RunImportHooks {
  onProgress?: (p: ImportProgress) => Promise<void> | void;
  now?: () => Date;
}

function counts(row: ImportCounts): ImportCounts {
  return {
    rows_read: Number(row.rows_read),
    rows_imported: Number(row.rows_imported),
    rows_merged: Number(row.rows_merged),
    rows_rejected: Number(row.rows_rejected),
  };
}

async function refuse(db: Knex, id: string, err: Error & { issues?: MappingIssue[] }): Promise<never> {
  await db('lead_imports')
    .where({ id })
    .update({ status: 'failed', error: err.message, finished_at: db.fn.now() });
  const imp = (await db('lead_imports').where({ id }).first('kind', 'dnc_list_id')) as
    { kind: string; dnc_list_id: string | null } | undefined;
  if (imp?.kind === 'dnc' && imp.dnc_list_id)
    await db('dnc_lists').where({ id: imp.dnc_list_id, status: 'importing' }).update({ status: 'failed' });
  throw new ImportRefusedError(err.message, err.issues ?? []);
}

async function finished(db: Knex, imp: ImportRow): Promise<ImportResult> {
  const errors = (await db('lead_import_errors')
    .where({ import_id: imp.id })
    .orderBy('line')
    .limit(20)
    .select('line', 'reason')) as Array<{ line: string | number; reason: string }>;
  return {
    import_id: imp.id,
    status: 'done',
    ...counts(imp),
    errors: errors.map((e) => ({ line: Number(e.line), reason: e.reason })),
  };
}

/**
 * Runs one import to the end. Re-entrant: a run that died (worker crash, Postgres restart) is
 * started again by the queue and goes on after the last committed line, so no row is added twice;
 * a finished import returns its result without touching anything.
 */
export async function runImport(
  db: Knex,
  importId: string,
  hooks: RunImportHooks = {},
): Promise<ImportResult> {
  const imp = (await db('lead_imports').where({ id: importId }).first()) as ImportRow | undefined;
  if (!imp) throw new ImportRefusedError(`no import ${importId}`);
  if (imp.status === 'done') return finished(db, imp);
  await db('lead_imports')
    .where({ id: importId })
    .update({ status: 'running', started_at: db.raw('coalesce(started_at, now())'), error: null });

  const isLeads = imp.kind === 'leads';
  const parsed = (isLeads ? leadImportOptions : dncImportOptions).safeParse(imp.options);
  if (!parsed.success)
    await refuse(
      db,
      importId,
      new Error(`import options: ${parsed.error.issues.map((i) => i.message).join('; ')}`),
    );
  const options = parsed.data!;

  let scan;
  try {
    scan = await scanCsvFile(imp.path, { encoding: options.encoding, delimiter: options.delimiter });
  } catch (err) {
    if (err instanceof CsvFileError) await refuse(db, importId, err);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      await refuse(db, importId, new Error(`the uploaded file is gone (${imp.path})`));
    throw err;
  }

  const total = counts(imp);
  let committed = Number(imp.committed_line);
  const batchRows = options.batch_rows ?? DefaultImportBatchRows;
  const now = hooks.now ?? (() => new Date());
  let done = false;
  const progress = async () =>
    hooks.onProgress?.({
      import_id: importId,
      ...total,
      lines_total: scan.lines,
      line: committed,
      percent: done || !scan.lines ? 100 : Math.min(99.9, Math.round((committed / scan.lines) * 1000) / 10),
    });

  let handle: (r: CsvRecord) => void;
  let flush: (lastLine: number) => Promise<void>;
  let skipFirst = true;

  if (isLeads) {
    const opts = options as z.output<typeof leadImportOptions>;
    let columns;
    try {
      columns = resolveMapping(scan.header, opts.mapping as Record<string, never> | undefined);
    } catch (err) {
      if (err instanceof MappingError) await refuse(db, importId, err);
      throw err;
    }
    const ctx = {
      defaultCountry: opts.default_country,
      headerLength: scan.header.length,
      ...(opts.consent_scope ? { consentScope: opts.consent_scope } : {}),
      ...(opts.consent_source ? { consentSource: opts.consent_source } : {}),
      dateOrder: opts.date_order ?? (opts.default_country === 'US' ? 'MDY' : 'DMY'),
      now: now(),
    } as const;
    let leads: LeadRow[] = [];
    let rejected: RejectedRow[] = [];
    handle = (r) => {
      const res = toLead(r, columns, ctx);
      if (res.ok) leads.push(res.lead);
      else rejected.push({ line: r.line, reason: res.reason, raw: r.raw ?? r.fields.join(scan.delimiter) });
    };
    flush = async (lastLine) => {
      const [l, e] = [leads, rejected];
      leads = [];
      rejected = [];
      await commit(async (trx) => {
        const c = await upsertLeads(trx, imp.list_id!, importId, l);
        await insertRejected(trx, importId, e);
        return { ...c, rows_read: l.length + e.length, rows_rejected: e.length };
      }, lastLine);
    };
  } else {
    const opts = options as z.output<typeof dncImportOptions>;
    const header = scan.header;
    let phoneIndex: number;
    if (opts.phone_column !== undefined) {
      phoneIndex = header.indexOf(opts.phone_column);
      if (phoneIndex < 0)
        await refuse(
          db,
          importId,
          new Error(`the file has no column "${opts.phone_column}" (its header: ${header.join(', ')})`),
        );
    } else if (header.length === 1) phoneIndex = 0;
    else {
      try {
        phoneIndex = resolveMapping(header).find((c) => c.target === 'phone')!.index;
      } catch {
        await refuse(
          db,
          importId,
          new Error(`which column holds the numbers? set phone_column to one of ${header.join(', ')}`),
        );
      }
    }
    skipFirst =
      opts.has_header === 'auto'
        ? !normalizeNumber(header[phoneIndex!] ?? '', opts.default_country).ok
        : opts.has_header;
    let phones: Array<{ line: number; phone: string }> = [];
    let rejected: RejectedRow[] = [];
    handle = (r) => {
      const raw = r.raw ?? r.fields.join(scan.delimiter);
      if (r.error) return void rejected.push({ line: r.line, reason: r.error, raw });
      const value = (r.fields[phoneIndex] ?? '').trim();
      const n = normalizeNumber(value, opts.default_country);
      if (n.ok) phones.push({ line: r.line, phone: n.e164 });
      else
        rejected.push({
          line: r.line,
          reason: value ? `phone "${value}": ${n.reason}` : 'phone is empty',
          raw,
        });
    };
    flush = async (lastLine) => {
      const [p, e] = [phones, rejected];
      phones = [];
      rejected = [];
      await commit(async (trx) => {
        const added = await insertDncNumbers(
          trx,
          imp.dnc_list_id!,
          p.map((x) => x.phone),
        );
        await insertRejected(trx, importId, e);
        return {
          rows_read: p.length + e.length,
          rows_imported: added,
          rows_merged: p.length - added,
          rows_rejected: e.length,
        };
      }, lastLine);
    };
  }

  /** One batch: its rows, its rejects, the import's counters and committed line, in one transaction. */
  // One batch commits while the next is parsed; commits stay in file order, one at a time.
  let inflight: Promise<void> = Promise.resolve();
  let failed: { error: unknown } | undefined;
  async function commit(write: (trx: Knex.Transaction) => Promise<ImportCounts>, lastLine: number) {
    await inflight;
    if (failed) throw failed.error;
    inflight = commitNow(write, lastLine).catch((error: unknown) => void (failed = { error }));
  }
  async function commitNow(write: (trx: Knex.Transaction) => Promise<ImportCounts>, lastLine: number) {
    const from = committed;
    const c = await db.transaction(async (trx) => {
      // The batch and its committed line are one transaction, so a commit lost in a Postgres crash
      // is simply redone on resume: no need to wait for the WAL flush of every batch.
      await trx.raw('SET LOCAL synchronous_commit = off');
      const c = await write(trx);
      // Only from the line this run last committed: a second runner of the same import (a worker
      // that lost its lock but is still alive) rolls its batch back here and stops.
      const n = await trx('lead_imports')
        .where({ id: importId, committed_line: from })
        .update({
          rows_read: trx.raw('rows_read + ?', [c.rows_read]),
          rows_imported: trx.raw('rows_imported + ?', [c.rows_imported]),
          rows_merged: trx.raw('rows_merged + ?', [c.rows_merged]),
          rows_rejected: trx.raw('rows_rejected + ?', [c.rows_rejected]),
          committed_line: lastLine,
        });
      if (n !== 1) throw new ImportTakenOverError(importId);
      return c;
    });
    committed = lastLine;
    total.rows_read += c.rows_read;
    total.rows_imported += c.rows_imported;
    total.rows_merged += c.rows_merged;
    total.rows_rejected += c.rows_rejected;
    await progress();
  }

  let inBatch = 0;
  let lastLine = committed;
  for await (const records of readCsvFile(imp.path, {
    encoding: options.encoding,
    delimiter: scan.delimiter,
  })) {
    for (const r of records) {
      if (skipFirst && r.line === 1) continue;
      if (r.line <= committed) continue;
      // ",,,," rows (spreadsheets export them below the data) are blank lines, not bad rows.
      if (!r.error && r.fields.every((f) => f.trim() === '')) continue;
      handle(r);
      lastLine = r.line;
      if (++inBatch >= batchRows) {
        await flush(lastLine);
        inBatch = 0;
      }
    }
  }
  if (inBatch) await flush(lastLine);
  await inflight;
  if (failed) throw failed.error;

  await db.transaction(async (trx) => {
    await trx('lead_imports')
      .where({ id: importId })
      .update({ status: 'done', finished_at: trx.fn.now(), committed_line: lastLine });
    if (isLeads) {
      await trx('lead_lists')
        .where({ id: imp.list_id })
        .update({
          rows_read: trx.raw('rows_read + ?', [total.rows_read]),
          rows_imported: trx.raw('rows_imported + ?', [total.rows_imported]),
          rows_merged: trx.raw('rows_merged + ?', [total.rows_merged]),
          rows_rejected: trx.raw('rows_rejected + ?', [total.rows_rejected]),
          last_import_at: trx.fn.now(),
          updated_at: trx.fn.now(),
        });
    } else {
      await trx('dnc_lists')
        .where({ id: imp.dnc_list_id })
        .update({ status: 'ready', imported_at: trx.fn.now() });
    }
  });
  done = true;
  await progress();
  return finished(db, { ...imp, ...total });
}
