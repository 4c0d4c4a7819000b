import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CallEventRecord, CallRecord } from '../cdr/record.js';

/**
 * Rows for COPY ... FROM STDIN in Postgres' text format: tab-separated, \N for NULL, backslash,
 * tab and line breaks escaped. Building one string per batch and sending it in one write is the
 * cheapest way to move thousands of rows per round trip.
 */
const Special = /[\\\t\n\r]/;
const SpecialAll = /[\\\t\n\r]/g;
const Escapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function copyText(value: string | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  return Special.test(value) ? value.replace(SpecialAll, (c) => Escapes[c]!) : value;
}

function copyNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '\\N' : String(value);
}

/** A text[] literal: every element double-quoted, with " and \ escaped inside. */
export function arrayLiteral(values: readonly string[]): string {
  if (values.length === 0) return '{}';
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/** Column order of the staging tables; kept next to the encoders that must follow it. */
export const CallColumns = [
  'call_id',
  'conversation_id',
  'parent_call_id',
  'direction',
  'channel_id',
  'from_number',
  'to_number',
  'did',
  'language',
  'started_at',
  'answered_at',
  'ended_at',
  'ring_seconds',
  'wait_seconds',
  'talk_seconds',
  'hold_seconds',
  'wrapup_seconds',
  'disposition',
  'hangup_cause',
  'hangup_cause_text',
  'hangup_by',
  'purpose',
  'priority',
  'queue',
  'agent',
  'campaign',
  'lead_id',
  'recording_ids',
] as const;

export const EventColumns = [
  'call_id',
  'seq',
  'call_started_at',
  'at',
  'type',
  'channel_id',
  'digit',
  'media',
  'bridge_id',
  'cause',
  'detail',
] as const;

export function callLine(r: CallRecord): string {
  return [
    r.callId,
    r.conversationId,
    copyText(r.parentCallId),
    r.direction,
    copyText(r.channelId),
    copyText(r.fromNumber),
    copyText(r.toNumber),
    copyText(r.did),
    copyText(r.language),
    r.startedAt,
    copyText(r.answeredAt),
    r.endedAt,
    copyNumber(r.ringSeconds),
    copyNumber(r.waitSeconds),
    copyNumber(r.talkSeconds),
    copyNumber(r.holdSeconds),
    copyNumber(r.wrapupSeconds),
    r.disposition,
    copyNumber(r.hangupCause),
    copyText(r.hangupCauseText),
    r.hangupBy,
    copyText(r.purpose),
    copyNumber(r.priority),
    copyText(r.queue),
    copyText(r.agent),
    copyText(r.campaign),
    copyText(r.leadId),
    copyText(arrayLiteral(r.recordingIds)),
  ].join('\t');
}

export function eventLine(r: CallRecord, e: CallEventRecord): string {
  return [
    r.callId,
    String(e.seq),
    r.startedAt,
    e.at,
    e.type,
    copyText(e.channelId),
    copyText(e.digit),
    copyText(e.media),
    copyText(e.bridgeId),
    copyNumber(e.cause),
    copyText(JSON.stringify(e.detail)),
  ].join('\t');
}

/** Streams `text` (complete lines) into `COPY <target> FROM STDIN`; resolves with the rows copied. */
export function copyIn(client: PoolClient, target: string, text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(`COPY ${target} FROM STDIN`));
    stream.on('error', reject);
    stream.on('finish', () => resolve(stream.rowCount));
    stream.end(text);
  });
}
