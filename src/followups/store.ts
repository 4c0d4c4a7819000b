import type { Knex } from 'knex';
import { factId } from '../facts/fact.js';
import {
  DefaultSlaMinutes,
  type FollowUp,
  type FollowUpOpener,
  type FollowUpStatus,
  type FollowUpType,
  type OpenFollowUp,
} from './types.js';

/** A move the item's status does not allow (resolving a resolved item, starting one in progress). */
export class FollowUpTransitionError extends Error {
  override readonly name = 'FollowUpTransitionError';
  constructor(
    readonly id: string,
    readonly action: FollowUpAction,
    readonly status: FollowUpStatus,
  ) {
    super(`follow-up ${id} is ${status}: cannot ${action} it`);
  }
}

export type FollowUpAction = 'assign' | 'start' | 'resolve';

/** The state machine: which statuses each action accepts, and where it leads. */
export const Transitions: Record<FollowUpAction, { from: readonly FollowUpStatus[]; to?: FollowUpStatus }> = {
  assign: { from: ['open', 'in_progress'] },
  start: { from: ['open'], to: 'in_progress' },
  resolve: { from: ['open', 'in_progress'], to: 'resolved' },
};

export interface FollowUpQuery {
  status?: FollowUpStatus[];
  type?: FollowUpType[];
  assignee?: string;
  /** Only items with nobody assigned (agents picking work). */
  unassigned?: boolean;
  /** Also items with nobody assigned, besides `assignee`'s. */
  orUnassigned?: boolean;
  overdue?: boolean;
  limit: number;
  offset: number;
}

type Row = Record<string, any>;
const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

export function followUpFrom(r: Row): FollowUp {
  return {
    id: r.id,
    type: r.type,
    callId: r.call_id,
    customerPhone: r.customer_phone,
    customerId: r.customer_id === null ? null : Number(r.customer_id),
    status: r.status,
    assignee: r.assignee,
    dueAt: iso(r.due_at)!,
    sourceRef: r.source_ref,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    startedAt: iso(r.started_at),
    resolvedAt: iso(r.resolved_at),
    resolvedBy: r.resolved_by,
    resolutionNote: r.resolution_note,
    overdue: Boolean(r.overdue),
  };
}

const Columns = `*, (status <> 'resolved' AND due_at < now()) AS overdue`;

/** follow_ups in Postgres: opened idempotently per (type, call), moved through Transitions. */
export class PgFollowUps implements FollowUpOpener {
  constructor(private readonly db: Knex) {}

  async open(r: OpenFollowUp): Promise<{ id: string; created: boolean }> {
    const id = factId('follow_up', r.type, r.callId);
    const inserted = await this.db.raw(
      `INSERT INTO follow_ups (id, type, call_id, customer_phone, customer_id, due_at, source_ref)
       SELECT :id, :type, :callId, :phone::text,
              (SELECT c.id FROM customers c WHERE c.phone = :phone::text),
              now() + make_interval(mins => coalesce((SELECT s.due_minutes FROM follow_up_slas s WHERE s.type = :type), :fallback)),
              :sourceRef
       ON CONFLICT (type, call_id) DO NOTHING
       RETURNING id`,
      {
        id,
        type: r.type,
        callId: r.callId,
        phone: r.customerPhone,
        fallback: DefaultSlaMinutes[r.type],
        sourceRef: r.sourceRef ?? null,
      },
    );
    if (inserted.rows.length) return { id, created: true };
    const existing = await this.db('follow_ups').where({ type: r.type, call_id: r.callId }).first('id');
    return { id: existing?.id ?? id, created: false };
  }

  async get(id: string): Promise<FollowUp | undefined> {
    const row = await this.db('follow_ups').select(this.db.raw(Columns)).where({ id }).first();
    return row ? followUpFrom(row) : undefined;
  }

  async list(q: FollowUpQuery): Promise<FollowUp[]> {
    const query = this.db('follow_ups').select(this.db.raw(Columns));
    if (q.status?.length) query.whereIn('status', q.status);
    if (q.type?.length) query.whereIn('type', q.type);
    if (q.unassigned) query.whereNull('assignee');
    if (q.assignee !== undefined)
      query.where((w) => {
        w.where('assignee', q.assignee!);
        if (q.orUnassigned) w.orWhereNull('assignee');
      });
    if (q.overdue === true) query.whereNot('status', 'resolved').where('due_at', '<', this.db.fn.now());
    if (q.overdue === false)
      query.where((w) => w.where('status', 'resolved').orWhere('due_at', '>=', this.db.fn.now()));
    const rows = await query
      .orderBy([{ column: 'due_at' }, { column: 'id' }])
      .limit(q.limit)
      .offset(q.offset);
    return rows.map(followUpFrom);
  }

  /**
   * One action, atomically: the UPDATE only matches a status the action accepts, so two people
   * resolving the same item at once get one success and one FollowUpTransitionError.
   */
  async act(
    id: string,
    action: FollowUpAction,
    change: { assignee?: string; actor: string; note?: string },
  ): Promise<FollowUp | undefined> {
    const t = Transitions[action];
    const set: Record<string, unknown> = { updated_at: this.db.fn.now() };
    if (action === 'assign') set.assignee = change.assignee;
    if (action === 'start') {
      set.status = t.to;
      set.started_at = this.db.fn.now();
      set.assignee = this.db.raw('coalesce(assignee, ?)', [change.actor]);
    }
    if (action === 'resolve') {
      set.status = t.to;
      set.resolved_at = this.db.fn.now();
      set.resolved_by = change.actor;
      set.resolution_note = change.note ?? null;
      set.assignee = this.db.raw('coalesce(assignee, ?)', [change.actor]);
    }
    const rows = await this.db('follow_ups')
      .where({ id })
      .whereIn('status', t.from)
      .update(set)
      .returning(this.db.raw(Columns) as unknown as string);
    if (rows.length) return followUpFrom(rows[0] as Row);
    const current = await this.get(id);
    if (!current) return undefined;
    throw new FollowUpTransitionError(id, action, current.status);
  }

  async slas(): Promise<Array<{ type: FollowUpType; dueMinutes: number }>> {
    const rows = await this.db('follow_up_slas').select('type', 'due_minutes').orderBy('type');
    return rows.map((r) => ({ type: r.type, dueMinutes: r.due_minutes }));
  }

  async setSla(type: FollowUpType, dueMinutes: number): Promise<void> {
    await this.db('follow_up_slas')
      .insert({ type, due_minutes: dueMinutes, updated_at: this.db.fn.now() })
      .onConflict('type')
      .merge();
  }
}
