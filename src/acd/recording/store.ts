import type { Knex } from '../../db/index.js';

export type RecordingStatus = 'recording' | 'paused' | 'finished' | 'failed' | 'declined';
export type ConsentOutcome = 'not_required' | 'notified' | 'declined' | 'not_played';

export interface RecordingRow {
  id: string;
  name: string;
  format: string;
  call_id: string;
  agent_call_id: string | null;
  conversation_id: string;
  queue: string | null;
  agent: string;
  policy: 'always' | 'on_demand';
  consent: ConsentOutcome;
  consent_prompt: string | null;
  language: string | null;
  status: RecordingStatus;
  started_by: string;
  stopped_by: string | null;
  started_at: Date;
  ended_at: Date | null;
  duration_seconds: string | null;
  paused_seconds: string;
  failure: string | null;
  purge_after: Date | null;
  purged_at: Date | null;
}

export interface PauseRow {
  recording_id: string;
  seq: number;
  paused_at: Date;
  resumed_at: Date | null;
  offset_start_seconds: string;
  offset_end_seconds: string | null;
  paused_by: string;
  resumed_by: string | null;
  reason: string | null;
}

export interface RecordingFilter {
  agent?: string;
  queue?: string;
  callId?: string;
  conversationId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

const seconds = (ms: number) => Math.max(0, Math.round(ms) / 1000);

/** recordings and recording_pauses in Postgres; the service is the only writer. */
export class RecordingStore {
  constructor(private readonly db: Knex) {}

  async insert(
    row: Omit<
      RecordingRow,
      'stopped_by' | 'duration_seconds' | 'paused_seconds' | 'failure' | 'purged_at' | 'ended_at'
    > & { ended_at?: Date | null },
  ): Promise<void> {
    await this.db('recordings').insert(row).onConflict('id').ignore();
  }

  async setStatus(id: string, status: RecordingStatus): Promise<void> {
    await this.db('recordings').where({ id }).update({ status });
  }

  async addPause(
    id: string,
    pause: { seq: number; at: Date; offsetMs: number; by: string; reason: string | null },
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx('recording_pauses')
        .insert({
          recording_id: id,
          seq: pause.seq,
          paused_at: pause.at,
          offset_start_seconds: seconds(pause.offsetMs),
          paused_by: pause.by,
          reason: pause.reason,
        })
        .onConflict(['recording_id', 'seq'])
        .ignore();
      await tx('recordings').where({ id }).update({ status: 'paused' });
    });
  }

  async endPause(
    id: string,
    pause: { seq: number; at: Date; offsetMs: number; by: string },
    status: RecordingStatus = 'recording',
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx('recording_pauses')
        .where({ recording_id: id, seq: pause.seq })
        .whereNull('resumed_at')
        .update({ resumed_at: pause.at, offset_end_seconds: seconds(pause.offsetMs), resumed_by: pause.by });
      await tx('recordings').where({ id }).update({ status });
    });
  }

  async finish(
    id: string,
    end: {
      status: 'finished' | 'failed';
      at: Date;
      durationMs: number;
      pausedMs: number;
      stoppedBy: string | null;
      failure: string | null;
    },
  ): Promise<void> {
    await this.db('recordings')
      .where({ id })
      .update({
        status: end.status,
        ended_at: end.at,
        duration_seconds: seconds(end.durationMs),
        paused_seconds: seconds(end.pausedMs),
        stopped_by: end.stoppedBy,
        failure: end.failure,
      });
  }

  async get(id: string): Promise<{ recording: RecordingRow; pauses: PauseRow[] } | undefined> {
    const recording = (await this.db('recordings').where({ id }).first()) as RecordingRow | undefined;
    if (!recording) return undefined;
    const pauses = (await this.db('recording_pauses')
      .where({ recording_id: id })
      .orderBy('seq')) as PauseRow[];
    return { recording, pauses };
  }

  async list(filter: RecordingFilter): Promise<{ items: RecordingRow[]; total: number }> {
    const q = this.db('recordings');
    if (filter.agent !== undefined) q.where('agent', filter.agent);
    if (filter.queue !== undefined) q.where('queue', filter.queue);
    if (filter.callId !== undefined)
      q.where((w) => w.where('call_id', filter.callId!).orWhere('agent_call_id', filter.callId!));
    if (filter.conversationId !== undefined) q.where('conversation_id', filter.conversationId);
    if (filter.from) q.where('started_at', '>=', filter.from);
    if (filter.to) q.where('started_at', '<', filter.to);
    const [{ count }] = (await q.clone().count<{ count: string }[]>({ count: '*' })) as [{ count: string }];
    const items = (await q
      .orderBy('started_at', 'desc')
      .orderBy('id')
      .limit(filter.limit)
      .offset(filter.offset)
      .select('*')) as RecordingRow[];
    return { items, total: Number(count) };
  }

  /** Rows whose retention has passed and whose file is still there, oldest first. */
  async due(now: Date, limit: number): Promise<Array<Pick<RecordingRow, 'id' | 'name'>>> {
    return (await this.db('recordings')
      .whereNull('purged_at')
      .whereNotNull('purge_after')
      .where('purge_after', '<=', now)
      .whereNot('status', 'recording')
      .whereNot('status', 'paused')
      .orderBy('purge_after')
      .limit(limit)
      .select('id', 'name')) as Array<Pick<RecordingRow, 'id' | 'name'>>;
  }

  async markPurged(ids: string[], at: Date): Promise<void> {
    if (ids.length) await this.db('recordings').whereIn('id', ids).update({ purged_at: at });
  }
}
