import type { Knex } from 'knex';
import {
  agentSchema,
  pauseReasonSchema,
  queueSchema,
  type AgentConfig,
  type PauseReason,
  type QueueConfig,
  type WrapupInput,
} from './model.js';

export interface WrapupRow {
  callId: string;
  agent: string;
  queue: string | null;
  customerPhone: string | null;
  outcome: string;
  tags: string[];
  notes: string;
  priority: string;
  createdAt: string;
}

/** The durable side of the ACD in Postgres: definitions and wrap-up notes (live state is in Redis). */
export class AcdStore {
  constructor(private readonly db: Knex) {}

  async queues(): Promise<QueueConfig[]> {
    const rows = await this.db('acd_queues').select('config').orderBy('id');
    return rows.map((r: { config: unknown }) => queueSchema.parse(r.config));
  }

  async putQueue(queue: QueueConfig, by: string): Promise<void> {
    await this.db('acd_queues')
      .insert({ id: queue.id, config: JSON.stringify(queue), updated_by: by, updated_at: this.db.fn.now() })
      .onConflict('id')
      .merge();
  }

  async deleteQueue(id: string): Promise<boolean> {
    return (await this.db('acd_queues').where({ id }).delete()) > 0;
  }

  async agents(): Promise<AgentConfig[]> {
    const rows = await this.db('acd_agents').select('*').orderBy('id');
    return rows.map((r: Record<string, unknown>) =>
      agentSchema.parse({
        id: r.id,
        name: r.name,
        endpoint: r.endpoint,
        principal: r.principal,
        skills: r.skills,
        wrapupSeconds: r.wrapup_seconds,
        weight: r.weight,
      }),
    );
  }

  async putAgent(agent: AgentConfig): Promise<void> {
    await this.db('acd_agents')
      .insert({
        id: agent.id,
        name: agent.name,
        endpoint: agent.endpoint,
        principal: agent.principal,
        skills: JSON.stringify(agent.skills),
        wrapup_seconds: agent.wrapupSeconds,
        weight: agent.weight,
        updated_at: this.db.fn.now(),
      })
      .onConflict('id')
      .merge();
  }

  async deleteAgent(id: string): Promise<boolean> {
    return (await this.db('acd_agents').where({ id }).delete()) > 0;
  }

  async reasons(): Promise<PauseReason[]> {
    const rows = await this.db('acd_pause_reasons').select('*').orderBy('code');
    return rows.map((r: unknown) => pauseReasonSchema.parse(r));
  }

  async putReason(reason: PauseReason): Promise<void> {
    await this.db('acd_pause_reasons').insert(reason).onConflict('code').merge();
  }

  async deleteReason(code: string): Promise<boolean> {
    return (await this.db('acd_pause_reasons').where({ code }).delete()) > 0;
  }

  /** Stores the agent's wrap-up; a second submit for the same call replaces the first. */
  async saveWrapup(w: {
    callId: string;
    agent: string;
    queue: string | null;
    customerPhone: string | null;
    wrapup: WrapupInput;
  }): Promise<void> {
    const customer = w.customerPhone
      ? await this.db('customers').where({ phone: w.customerPhone }).first('id')
      : undefined;
    await this.db('acd_wrapups')
      .insert({
        call_id: w.callId,
        agent: w.agent,
        queue: w.queue,
        customer_phone: w.customerPhone,
        customer_id: customer?.id ?? null,
        outcome: w.wrapup.outcome,
        tags: w.wrapup.tags,
        notes: w.wrapup.notes,
        priority: w.wrapup.priority,
      })
      .onConflict(['call_id', 'agent'])
      .merge(['outcome', 'tags', 'notes', 'priority', 'created_at']);
  }

  /** A customer's logged calls, newest first: what the next agent sees. */
  async history(phone: string, limit = 20): Promise<WrapupRow[]> {
    const rows = await this.db('acd_wrapups')
      .where({ customer_phone: phone })
      .orderBy('created_at', 'desc')
      .limit(limit);
    return rows.map((r: Record<string, unknown>) => ({
      callId: String(r.call_id),
      agent: String(r.agent),
      queue: (r.queue as string | null) ?? null,
      customerPhone: (r.customer_phone as string | null) ?? null,
      outcome: String(r.outcome),
      tags: (r.tags as string[]) ?? [],
      notes: String(r.notes ?? ''),
      priority: String(r.priority),
      createdAt: new Date(r.created_at as string).toISOString(),
    }));
  }

  async agentByPrincipal(principal: string): Promise<string | undefined> {
    const row = await this.db('acd_agents').where({ principal }).first('id');
    return row?.id as string | undefined;
  }
}
