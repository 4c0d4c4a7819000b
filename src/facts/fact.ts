import { z } from 'zod';
import { nameUuid } from '../ari/ids.js';

/**
 * A fact is one typed row an analyst reads that is not a call record: a survey answer, a queue or
 * agent event. Facts travel the records pipeline (outbox → BullMQ → records worker → Postgres) like
 * call records do, so a crash or a Redis/Postgres restart loses none and a repeat adds nothing.
 *
 * `id` is the row's natural key (a UUID the producer derives deterministically, e.g. with `factId`),
 * `at` when it happened; `data` holds the kind's other columns, keyed by their snake_case column names.
 */
export interface Fact {
  kind: string;
  id: string;
  at: string;
  data: Record<string, unknown>;
}

export const factSchema = z.object({
  kind: z.string().min(1).max(64),
  id: z.uuid(),
  at: z.iso.datetime({ offset: true }),
  data: z.record(z.string(), z.unknown()),
});

/** Where producers hand facts. Never throws and never blocks: the fact is durable once emitted. */
export interface FactSink {
  emit(fact: Fact): void;
}

/**
 * One kind of fact and the table it lands in. The table has `id uuid` (primary key or unique) and
 * `occurred_at timestamptz` plus one column per key of `schema` (snake_case, same names).
 */
export interface FactKind<S extends z.ZodObject = z.ZodObject> {
  kind: string;
  table: string;
  schema: S;
}

export function defineFactKind<S extends z.ZodObject>(kind: FactKind<S>): FactKind<S> {
  return kind;
}

/** Builds a fact of a kind, typed by its schema (validated again by the worker). */
export function fact<S extends z.ZodObject>(
  kind: FactKind<S>,
  id: string,
  at: Date | string,
  data: z.input<S>,
): Fact {
  return {
    kind: kind.kind,
    id,
    at: typeof at === 'string' ? at : at.toISOString(),
    data: data as Record<string, unknown>,
  };
}

/**
 * A name-based UUID (version 5 layout, SHA-1) of the parts: the same fact built twice, by any
 * process, gets the same id, so the worker's ON CONFLICT DO NOTHING drops the repeat.
 */
export function factId(...parts: Array<string | number>): string {
  return nameUuid(parts.map(String).join('\u001f'));
}
