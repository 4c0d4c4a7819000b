import type { Pool } from 'pg';
import { writeDeadLetters, type DeadLetter } from '../records/dead-letters.js';
import { inTransaction, issuesText, withClient, writeIsolatingRows } from '../records/batch-write.js';
import { RecordsUnavailableError, errorText } from '../records/errors.js';
import { factSchema, type FactKind } from './fact.js';

export interface FactsStoreResult {
  inserted: number;
  duplicates: number;
  deadLetters: number;
}

interface Row {
  kind: FactKind;
  row: Record<string, unknown>;
  payload: unknown;
}

const Identifier = /^[a-z_][a-z0-9_]*$/;

/** The columns a kind writes: its id and time, then its schema's keys. */
export function columnsOf(kind: FactKind): string[] {
  return ['id', 'occurred_at', ...Object.keys(kind.schema.shape)];
}

/**
 * Writes facts to their kinds' tables: validates each against its kind, dead-letters what can never
 * be written (unknown kind, bad shape, a row Postgres refuses — isolated by halving the batch), and
 * inserts the rest with ON CONFLICT DO NOTHING on the fact's id, so a re-delivered job adds nothing.
 */
export class FactWriter {
  private readonly kinds: Map<string, FactKind>;

  constructor(
    private readonly pool: Pool,
    kinds: readonly FactKind[],
  ) {
    this.kinds = new Map();
    for (const kind of kinds) {
      for (const name of [kind.table, ...columnsOf(kind)]) {
        if (!Identifier.test(name))
          throw new Error(`fact kind ${kind.kind}: "${name}" is not a plain identifier`);
      }
      if (this.kinds.has(kind.kind)) throw new Error(`fact kind ${kind.kind} is defined twice`);
      this.kinds.set(kind.kind, kind);
    }
  }

  /** Stores the facts or throws RecordsUnavailableError (retry the same batch later; writes are idempotent). */
  async store(payloads: unknown[], jobId?: string): Promise<FactsStoreResult> {
    const letters: DeadLetter[] = [];
    const rows: Row[] = [];
    for (const payload of payloads) {
      const raw = payload as { kind?: unknown; id?: unknown } | null;
      const who = {
        factKind: typeof raw?.kind === 'string' ? raw.kind : '(none)',
        factId: typeof raw?.id === 'string' ? raw.id : undefined,
        payload,
        jobId,
      };
      const parsed = factSchema.safeParse(payload);
      if (!parsed.success) {
        letters.push({ code: 'invalid_record', reason: issuesText(parsed.error.issues, '(fact)'), ...who });
        continue;
      }
      const kind = this.kinds.get(parsed.data.kind);
      if (!kind) {
        letters.push({
          code: 'invalid_record',
          reason: `kind: unknown fact kind "${parsed.data.kind}"`,
          ...who,
        });
        continue;
      }
      const data = kind.schema.safeParse(parsed.data.data);
      if (!data.success) {
        const reason = issuesText(
          data.error.issues.map((i) => ({ ...i, path: ['data', ...i.path] })),
          '(fact)',
        );
        letters.push({ code: 'invalid_record', reason, ...who });
        continue;
      }
      rows.push({
        kind,
        payload,
        row: { ...(data.data as Record<string, unknown>), id: parsed.data.id, occurred_at: parsed.data.at },
      });
    }
    const result: FactsStoreResult = { inserted: 0, duplicates: 0, deadLetters: 0 };
    try {
      await writeIsolatingRows(
        rows,
        async (batch) => {
          const inserted = await this.transaction(batch);
          result.inserted += inserted;
          result.duplicates += batch.length - inserted;
        },
        (only, err) =>
          letters.push({
            code: 'write_rejected',
            reason: errorText(err),
            payload: only.payload,
            jobId,
            factKind: only.kind.kind,
            factId: String(only.row.id),
          }),
      );
      result.deadLetters = letters.length;
      await writeDeadLetters(this.pool, letters);
    } catch (err) {
      if (err instanceof RecordsUnavailableError) throw err;
      throw new RecordsUnavailableError(err);
    }
    return result;
  }

  private async transaction(rows: Row[]): Promise<number> {
    const byKind = new Map<FactKind, Array<Record<string, unknown>>>();
    for (const r of rows) {
      const list = byKind.get(r.kind) ?? [];
      list.push(r.row);
      byKind.set(r.kind, list);
    }
    return withClient(this.pool, (client) =>
      inTransaction(client, async () => {
        let inserted = 0;
        for (const [kind, list] of byKind) {
          const cols = columnsOf(kind).join(', ');
          // jsonb_populate_recordset converts each JSON field to its column's type (arrays, jsonb...).
          const r = await client.query(
            `INSERT INTO ${kind.table} (${cols})
             SELECT ${cols} FROM jsonb_populate_recordset(NULL::${kind.table}, $1::jsonb)
             ON CONFLICT DO NOTHING`,
            [JSON.stringify(list)],
          );
          inserted += r.rowCount ?? 0;
        }
        return inserted;
      }),
    );
  }
}
