import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';

export type DeadLetterCode = 'invalid_record' | 'outside_window' | 'write_rejected';

export interface DeadLetter {
  code: DeadLetterCode;
  reason: string;
  payload: unknown;
  jobId?: string | undefined;
  /** Set for a fact (not a call record): its kind and id as received. */
  factKind?: string | undefined;
  factId?: string | undefined;
}

/**
 * jsonb refuses \u0000; a record carrying one is exactly the kind that ends up here, so the escape
 * is kept as visible text instead of failing the dead letter too.
 */
function payloadJson(payload: unknown): string {
  const json = JSON.stringify(payload === undefined ? null : payload) ?? 'null';
  return json.replace(/\\u0000/g, '\\\\u0000');
}

function callIdOf(payload: unknown): string | null {
  const id = (payload as { callId?: unknown } | null)?.callId;
  return typeof id === 'string' ? id.slice(0, 200) : null;
}

/**
 * Stores refused records with their reason, once each: the fingerprint (hash of the record as
 * received) is unique, so a re-delivered job does not add a second row.
 */
export async function writeDeadLetters(db: Pool | PoolClient, letters: DeadLetter[]): Promise<number> {
  if (letters.length === 0) return 0;
  const rows = letters.map((l) => {
    const json = payloadJson(l.payload);
    return {
      fingerprint: createHash('sha256').update(json).digest('hex'),
      call_id: l.factKind === undefined ? callIdOf(l.payload) : null,
      reason: l.reason.slice(0, 4000),
      error_code: l.code,
      job_id: l.jobId ?? null,
      payload: json,
      fact_kind: l.factKind?.slice(0, 200) ?? null,
      fact_id: l.factId?.slice(0, 200) ?? null,
    };
  });
  const result = await db.query(
    `INSERT INTO call_record_dead_letters (fingerprint, call_id, reason, error_code, job_id, payload, fact_kind, fact_id)
     SELECT fingerprint, call_id, reason, error_code, job_id, payload::jsonb, fact_kind, fact_id
       FROM jsonb_to_recordset($1::jsonb)
         AS r(fingerprint text, call_id text, reason text, error_code text, job_id text, payload text,
              fact_kind text, fact_id text)
     ON CONFLICT (fingerprint) DO NOTHING`,
    [JSON.stringify(rows)],
  );
  return result.rowCount ?? 0;
}
