import type { Knex } from 'knex';
import { factId } from '../facts/fact.js';
import type { NewVoicemail, OwnerType, Voicemail, VoicemailBox, VoicemailStore } from './types.js';

type Row = Record<string, any>;
const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

const boxFrom = (r: Row): VoicemailBox => ({
  boxId: r.box_id,
  name: r.name,
  language: r.language,
  greeting: r.greeting,
  ownerType: r.owner_type,
  ownerId: r.owner_id,
  maxMessageSeconds: r.max_message_seconds,
});

const messageFrom = (r: Row): Voicemail => ({
  id: r.id,
  boxId: r.box_id,
  callId: r.call_id,
  callerNumber: r.caller_number,
  recordingName: r.recording_name,
  durationSeconds: Number(r.duration_seconds),
  language: r.language,
  createdAt: iso(r.created_at)!,
  heardAt: iso(r.heard_at),
  heardBy: r.heard_by,
});

/** Whose boxes someone may read: all of them, or those an owner (agent, their queues/teams) holds. */
export type BoxScope = 'all' | { owners: Array<{ type: OwnerType; id: string }> };

/** voicemail_boxes and voicemails in Postgres. */
export class PgVoicemailStore implements VoicemailStore {
  constructor(private readonly db: Knex) {}

  async box(boxId: string): Promise<VoicemailBox | undefined> {
    const r = await this.db('voicemail_boxes').where({ box_id: boxId }).first();
    return r ? boxFrom(r) : undefined;
  }

  async boxIds(): Promise<string[]> {
    return (await this.db('voicemail_boxes').pluck('box_id')) as string[];
  }

  async boxes(scope: BoxScope): Promise<Array<VoicemailBox & { messages: number; unheard: number }>> {
    const q = this.db('voicemail_boxes as b')
      .leftJoin('voicemails as v', 'v.box_id', 'b.box_id')
      .groupBy('b.box_id')
      .select('b.*')
      .count({ messages: 'v.id' })
      .select(this.db.raw('count(v.id) FILTER (WHERE v.heard_at IS NULL) AS unheard'))
      .orderBy('b.box_id');
    if (scope !== 'all') {
      if (!scope.owners.length) return [];
      q.where((w) => {
        for (const o of scope.owners) w.orWhere({ 'b.owner_type': o.type, 'b.owner_id': o.id });
      });
    }
    const rows = await q;
    return rows.map((r: Row) => ({
      ...boxFrom(r),
      messages: Number(r.messages),
      unheard: Number(r.unheard),
    }));
  }

  async putBox(box: VoicemailBox): Promise<VoicemailBox> {
    const [row] = await this.db('voicemail_boxes')
      .insert({
        box_id: box.boxId,
        name: box.name,
        language: box.language,
        greeting: box.greeting,
        owner_type: box.ownerType,
        owner_id: box.ownerId,
        max_message_seconds: box.maxMessageSeconds,
        updated_at: this.db.fn.now(),
      })
      .onConflict('box_id')
      .merge(['name', 'language', 'greeting', 'owner_type', 'owner_id', 'max_message_seconds', 'updated_at'])
      .returning('*');
    return boxFrom(row);
  }

  async save(m: NewVoicemail): Promise<{ id: string; created: boolean }> {
    const id = factId('voicemail', m.boxId, m.callId);
    const rows = await this.db('voicemails')
      .insert({
        id,
        box_id: m.boxId,
        call_id: m.callId,
        caller_number: m.callerNumber,
        recording_name: m.recordingName,
        duration_seconds: m.durationSeconds,
        language: m.language,
      })
      .onConflict(['call_id', 'box_id'])
      .ignore()
      .returning('id');
    return { id, created: rows.length > 0 };
  }

  async messages(boxId: string, q: { heard?: boolean; limit: number; offset: number }): Promise<Voicemail[]> {
    const query = this.db('voicemails').where({ box_id: boxId });
    if (q.heard === true) query.whereNotNull('heard_at');
    if (q.heard === false) query.whereNull('heard_at');
    const rows = await query
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }])
      .limit(q.limit)
      .offset(q.offset);
    return rows.map(messageFrom);
  }

  async message(id: string): Promise<Voicemail | undefined> {
    const r = await this.db('voicemails').where({ id }).first();
    return r ? messageFrom(r) : undefined;
  }

  /** Marks heard once: the first listener and time are kept. */
  async markHeard(id: string, by: string): Promise<Voicemail | undefined> {
    await this.db('voicemails')
      .where({ id })
      .whereNull('heard_at')
      .update({ heard_at: this.db.fn.now(), heard_by: by });
    return this.message(id);
  }

  async deleteMessage(id: string): Promise<void> {
    await this.db('voicemails').where({ id }).delete();
  }
}
