import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { Outbox, type Confirm } from '../cdr/outbox.js';
import { handOffQueue } from '../cdr/pipeline.js';
import type { Logger } from '../log/index.js';
import type { Fact, FactKind, FactSink } from './fact.js';
import { FactKinds } from './kinds/index.js';
import { FactsQueueName, factsJobId, type FactsJob } from './queue.js';

export interface FactsPipelineOptions {
  redis: Redis;
  db: Knex;
  /** BullMQ key prefix; the worker consumes with the same one. */
  prefix: string;
  /** Folder of the outbox file (`<name>.facts.jsonl`). */
  dir: string;
  /** This process's name (one outbox file per process). */
  name: string;
  logger: Logger;
  kinds?: readonly FactKind[];
  flushMs?: number;
  resendAfterMs?: number;
  confirmEveryMs?: number;
}

export interface FactsPipeline {
  sink: FactSink;
  outbox: Outbox<Fact>;
  close(): Promise<void>;
}

const Uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Which facts Postgres holds: in their kind's table, or in the dead letters. */
export function factsConfirm(db: Knex, kinds: readonly FactKind[]): Confirm<Fact> {
  const tables = new Map(kinds.map((k) => [k.kind, k.table]));
  return async (facts) => {
    const held = new Set<string>();
    const byTable = new Map<string, string[]>();
    for (const f of facts) {
      const table = tables.get(f.kind);
      if (!table || !Uuid.test(f.id)) continue;
      byTable.set(table, [...(byTable.get(table) ?? []), f.id.toLowerCase()]);
    }
    for (const [table, ids] of byTable) {
      const r = await db.raw<{ rows: Array<{ id: string }> }>(
        `SELECT id::text AS id FROM ${table} WHERE id = ANY(?::uuid[])`,
        [ids],
      );
      for (const row of r.rows) held.add(row.id);
    }
    const rest = facts.map((f) => f.id).filter((id) => !held.has(id.toLowerCase()));
    if (rest.length) {
      const r = await db.raw<{ rows: Array<{ fact_id: string }> }>(
        'SELECT fact_id FROM call_record_dead_letters WHERE fact_id = ANY(?::text[])',
        [rest],
      );
      for (const row of r.rows) held.add(row.fact_id);
    }
    // The outbox keys facts by id as emitted: answer in the same spelling.
    return new Set(facts.filter((f) => held.has(f.id) || held.has(f.id.toLowerCase())).map((f) => f.id));
  };
}

/**
 * The engine's half of facts: emit → outbox file (fsync) → BullMQ `facts` queue → records worker.
 * Independent of Asterisk, so features emit facts (an agent logs in) before ARI is connected.
 */
export async function startFactsPipeline(options: FactsPipelineOptions): Promise<FactsPipeline> {
  const kinds = options.kinds ?? FactKinds;
  const queue = handOffQueue<FactsJob>(FactsQueueName, options);
  const outbox = new Outbox<Fact>(
    {
      dir: options.dir,
      name: options.name,
      logger: options.logger,
      flushMs: options.flushMs,
      resendAfterMs: options.resendAfterMs,
      confirmEveryMs: options.confirmEveryMs,
      enqueue: async (facts, jobId) => {
        await queue.add('facts', { facts }, { jobId });
      },
      confirm: factsConfirm(options.db, kinds),
    },
    { key: (f) => f.id, jobId: factsJobId, suffix: 'facts', noun: 'facts' },
  );
  await outbox.open();
  let closed = false;
  return {
    outbox,
    sink: {
      emit(fact) {
        if (closed) {
          options.logger.error('fact emitted after the facts pipeline closed, not kept', {
            kind: fact.kind,
            id: fact.id,
          });
          return;
        }
        outbox.add(fact);
      },
    },
    async close() {
      closed = true;
      await outbox.close();
      await queue.close();
    },
  };
}
