import type { Knex } from 'knex';

/**
 * What a call leaves: `calls` (one row per leg) and `call_events` (its timeline), both partitioned by
 * month of the call's start, plus `call_record_dead_letters` for records that can never be written.
 *
 * Natural keys make every write idempotent (ON CONFLICT DO NOTHING), so a retried or re-delivered
 * batch never duplicates a row:
 *   calls        (call_id, started_at)            — started_at is the partition key, so it is in the key;
 *                                                   a record's started_at never changes between retries.
 *   call_events  (call_id, seq, call_started_at)  — events live in their call's partition (keyed by the
 *                                                   call's start, not the event's own time), so a call and
 *                                                   its timeline are always kept, found and dropped together.
 *
 * Enumerations are CHECKs rather than Postgres enums: a CHECK is widened in one ALTER inside a
 * transaction, an enum value can never be removed. Partitions are created by
 * records_ensure_partitions() (the worker calls it ahead of time and on demand) and dropped by
 * records_drop_partitions_before() (the retention setting).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE calls (
      call_id           uuid         NOT NULL,
      conversation_id   uuid         NOT NULL,
      parent_call_id    uuid,
      direction         text         NOT NULL CHECK (direction IN ('inbound', 'outbound', 'internal')),
      channel_id        text         NOT NULL,
      from_number       text,
      to_number         text,
      did               text,
      language          text,
      started_at        timestamptz  NOT NULL,
      answered_at       timestamptz,
      ended_at          timestamptz  NOT NULL,
      ring_seconds      numeric(9,3) NOT NULL CHECK (ring_seconds >= 0),
      wait_seconds      numeric(9,3) NOT NULL CHECK (wait_seconds >= 0),
      talk_seconds      numeric(9,3) NOT NULL CHECK (talk_seconds >= 0),
      hold_seconds      numeric(9,3) NOT NULL CHECK (hold_seconds >= 0),
      wrapup_seconds    numeric(9,3) NOT NULL CHECK (wrapup_seconds >= 0),
      disposition       text         NOT NULL CHECK (disposition IN ('answered', 'no_answer', 'busy', 'failed',
                                       'congestion', 'abandoned', 'voicemail', 'callback_requested', 'cancelled')),
      hangup_cause      smallint     CHECK (hangup_cause BETWEEN 0 AND 127),
      hangup_cause_text text,
      hangup_by         text         NOT NULL CHECK (hangup_by IN ('caller', 'callee', 'agent', 'system', 'unknown')),
      purpose           text,
      priority          smallint     CHECK (priority BETWEEN 0 AND 100),
      queue             text,
      agent             text,
      campaign          text,
      lead_id           text,
      recording_ids     text[]       NOT NULL DEFAULT '{}',
      stored_at         timestamptz  NOT NULL DEFAULT now(),
      PRIMARY KEY (call_id, started_at)
    ) PARTITION BY RANGE (started_at);

    CREATE INDEX calls_started_at_brin ON calls USING brin (started_at);
    CREATE INDEX calls_conversation_idx ON calls (conversation_id);

    COMMENT ON TABLE calls IS
      'One row per call leg (inbound call, outbound attempt, internal/agent leg), written once when the leg ends. Partitioned by month of started_at (UTC); legs of one conversation share conversation_id.';
    COMMENT ON COLUMN calls.call_id IS 'Identifier of this leg; with started_at, the natural key.';
    COMMENT ON COLUMN calls.conversation_id IS
      'Shared by every leg of one conversation (the caller''s leg, agent legs, transfers, consultations).';
    COMMENT ON COLUMN calls.parent_call_id IS 'The leg that created this one (e.g. the inbound call an agent leg serves); NULL for a first leg.';
    COMMENT ON COLUMN calls.direction IS 'inbound (caller dialled us), outbound (we dialled out: campaign or callback), internal (agent or transfer leg).';
    COMMENT ON COLUMN calls.channel_id IS 'Asterisk channel id (uniqueid) of the leg, to match Asterisk logs and CEL.';
    COMMENT ON COLUMN calls.from_number IS 'Calling number, E.164 (+ and digits) when it is a phone number; extension or "anonymous" otherwise.';
    COMMENT ON COLUMN calls.to_number IS 'Called number, E.164 when it is a phone number; extension otherwise.';
    COMMENT ON COLUMN calls.did IS 'The DID (published number) the call came in on; NULL for outbound and internal legs.';
    COMMENT ON COLUMN calls.language IS 'Prompt language used on the call (en, vi, fa, ...).';
    COMMENT ON COLUMN calls.started_at IS 'When the leg entered the system (inbound) or was originated (outbound); partition key.';
    COMMENT ON COLUMN calls.answered_at IS 'When the leg was answered (by us for inbound, by the remote party for outbound); NULL if never.';
    COMMENT ON COLUMN calls.ended_at IS 'When the leg hung up.';
    COMMENT ON COLUMN calls.ring_seconds IS 'Seconds ringing before answer or give-up.';
    COMMENT ON COLUMN calls.wait_seconds IS 'Seconds waiting in a queue before reaching an agent or leaving (0 if never queued).';
    COMMENT ON COLUMN calls.talk_seconds IS 'Seconds connected to an agent or the remote party, holds excluded.';
    COMMENT ON COLUMN calls.hold_seconds IS 'Seconds on hold.';
    COMMENT ON COLUMN calls.wrapup_seconds IS 'Seconds the agent spent in wrap-up (after-call work) for this call.';
    COMMENT ON COLUMN calls.disposition IS
      'How the leg ended: answered, no_answer, busy, failed, congestion, abandoned (caller left the queue before an agent), voicemail, callback_requested, cancelled.';
    COMMENT ON COLUMN calls.hangup_cause IS 'Q.850 cause code Asterisk reported (16 normal clearing, 17 busy, 19 no answer, ...).';
    COMMENT ON COLUMN calls.hangup_cause_text IS 'Asterisk''s text for hangup_cause.';
    COMMENT ON COLUMN calls.hangup_by IS 'Which party hung up: caller, callee, agent, system (our engine), unknown.';
    COMMENT ON COLUMN calls.purpose IS 'Purpose tag of the call (sales, support, survey, ...), as routed.';
    COMMENT ON COLUMN calls.priority IS 'Queue priority the call had, 0 (lowest) to 100.';
    COMMENT ON COLUMN calls.queue IS 'Queue the call waited in, if any.';
    COMMENT ON COLUMN calls.agent IS 'Agent who handled the call, if any.';
    COMMENT ON COLUMN calls.campaign IS 'Outbound campaign the call belongs to, if any.';
    COMMENT ON COLUMN calls.lead_id IS 'Campaign lead the call was made for, if any.';
    COMMENT ON COLUMN calls.recording_ids IS 'Names of the recordings made on this leg (empty when not recorded).';
    COMMENT ON COLUMN calls.stored_at IS 'When the records worker committed the row (minus started_at: pipeline delay).';

    CREATE TABLE call_events (
      call_id         uuid        NOT NULL,
      seq             integer     NOT NULL CHECK (seq >= 0),
      call_started_at timestamptz NOT NULL,
      at              timestamptz NOT NULL,
      type            text        NOT NULL CHECK (type IN ('created', 'stasis_start', 'ringing', 'answered', 'dial',
                                    'playback_started', 'playback_finished', 'dtmf', 'recording_started',
                                    'recording_finished', 'bridge_enter', 'bridge_leave', 'hold', 'unhold', 'variable',
                                    'hangup_request', 'stasis_end', 'destroyed', 'ivr_node', 'queue_join', 'queue_leave',
                                    'agent_connect', 'transfer')),
      channel_id      text,
      digit           text        CHECK (length(digit) = 1),
      media           text,
      bridge_id       text,
      cause           integer,
      detail          jsonb       NOT NULL DEFAULT '{}',
      PRIMARY KEY (call_id, seq, call_started_at)
    ) PARTITION BY RANGE (call_started_at);

    CREATE INDEX call_events_at_brin ON call_events USING brin (at);

    COMMENT ON TABLE call_events IS
      'Timeline of each call leg in the spirit of Asterisk CEL: one row per event, numbered by seq in order. Kept in the partition of the call''s start, so join on (call_id, call_started_at) = calls(call_id, started_at).';
    COMMENT ON COLUMN call_events.call_id IS 'The leg this event belongs to (calls.call_id).';
    COMMENT ON COLUMN call_events.seq IS 'Order of the event within its call, from 0; with call_id the natural key.';
    COMMENT ON COLUMN call_events.call_started_at IS 'The call''s started_at (partition key; equal to calls.started_at).';
    COMMENT ON COLUMN call_events.at IS 'When the event happened.';
    COMMENT ON COLUMN call_events.type IS
      'What happened: created, stasis_start, ringing, answered, dial, playback_started/finished, dtmf, recording_started/finished, bridge_enter/leave, hold, unhold, variable, hangup_request, stasis_end, destroyed, ivr_node, queue_join/leave, agent_connect, transfer.';
    COMMENT ON COLUMN call_events.channel_id IS 'Asterisk channel the event happened on (the leg''s own or a peer''s).';
    COMMENT ON COLUMN call_events.digit IS 'DTMF digit pressed (dtmf events).';
    COMMENT ON COLUMN call_events.media IS 'Media URI played or recording name (playback_* and recording_* events).';
    COMMENT ON COLUMN call_events.bridge_id IS 'Bridge entered or left (bridge_* events).';
    COMMENT ON COLUMN call_events.cause IS 'Q.850 cause (hangup_request, destroyed events).';
    COMMENT ON COLUMN call_events.detail IS 'Everything else the engine knew about the event (IVR node, queue, agent, variable name and value, ...).';

    CREATE TABLE call_record_dead_letters (
      id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      fingerprint text        NOT NULL UNIQUE CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
      call_id     text,
      reason      text        NOT NULL,
      error_code  text        NOT NULL CHECK (error_code IN ('invalid_record', 'outside_window', 'write_rejected')),
      job_id      text,
      payload     jsonb       NOT NULL,
      failed_at   timestamptz NOT NULL DEFAULT now()
    );

    COMMENT ON TABLE call_record_dead_letters IS
      'Call records the worker could never write, kept whole with the reason so nothing is lost; fix and re-queue, or explain. One row per distinct record.';
    COMMENT ON COLUMN call_record_dead_letters.id IS 'Row number, in order of arrival.';
    COMMENT ON COLUMN call_record_dead_letters.fingerprint IS 'SHA-256 (hex) of the record as received; a re-delivered bad record is stored once.';
    COMMENT ON COLUMN call_record_dead_letters.call_id IS 'The record''s callId as given (may be missing or malformed), to find it.';
    COMMENT ON COLUMN call_record_dead_letters.reason IS 'Why it was refused: the validation issues, or the database error message.';
    COMMENT ON COLUMN call_record_dead_letters.error_code IS
      'invalid_record (failed the record schema), outside_window (started too far in the future or before retention), write_rejected (Postgres refused the row, e.g. a constraint).';
    COMMENT ON COLUMN call_record_dead_letters.job_id IS 'BullMQ job that carried the record.';
    COMMENT ON COLUMN call_record_dead_letters.payload IS 'The record exactly as received.';
    COMMENT ON COLUMN call_record_dead_letters.failed_at IS 'When the worker gave up on it.';

    CREATE FUNCTION records_partition_name(parent text, month date) RETURNS text
      LANGUAGE sql IMMUTABLE AS $f$ SELECT parent || to_char(month, '"_y"YYYY"m"MM') $f$;
    COMMENT ON FUNCTION records_partition_name(text, date) IS 'Name of the monthly partition of calls or call_events holding month (e.g. calls_y2026m11).';

    CREATE FUNCTION records_ensure_partitions(from_month date, to_month date) RETURNS integer
      LANGUAGE plpgsql AS $f$
    DECLARE
      m date := date_trunc('month', from_month)::date;
      parent text;
      created integer := 0;
    BEGIN
      WHILE m <= date_trunc('month', to_month)::date LOOP
        FOREACH parent IN ARRAY ARRAY['calls', 'call_events'] LOOP
          IF to_regclass(records_partition_name(parent, m)) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
              records_partition_name(parent, m), parent, m || ' 00:00:00+00', (m + interval '1 month')::date || ' 00:00:00+00');
            EXECUTE format('COMMENT ON TABLE %I IS %L', records_partition_name(parent, m),
              format('Partition of %s for calls started in %s (UTC).', parent, to_char(m, 'YYYY-MM')));
            created := created + 1;
          END IF;
        END LOOP;
        m := (m + interval '1 month')::date;
      END LOOP;
      RETURN created;
    END $f$;
    COMMENT ON FUNCTION records_ensure_partitions(date, date) IS
      'Creates the monthly partitions of calls and call_events for every month from from_month to to_month that lacks one; returns how many tables it created.';

    CREATE FUNCTION records_drop_partitions_before(cutoff date) RETURNS SETOF text
      LANGUAGE plpgsql AS $f$
    DECLARE
      part record;
    BEGIN
      FOR part IN
        SELECT c.relname, p.relname AS parent FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
         WHERE p.relname IN ('calls', 'call_events') AND c.relname ~ '_y[0-9]{4}m[0-9]{2}$'
           AND (to_date(substring(c.relname from '_y([0-9]{4}m[0-9]{2})$'), 'YYYY"m"MM') + interval '1 month') <= cutoff
         ORDER BY c.relname
      LOOP
        EXECUTE format('DROP TABLE %I', part.relname);
        RETURN NEXT part.relname;
      END LOOP;
    END $f$;
    COMMENT ON FUNCTION records_drop_partitions_before(date) IS
      'Retention: drops every monthly partition of calls and call_events that ends on or before cutoff; returns the names dropped.';

    SELECT records_ensure_partitions(current_date, (current_date + interval '2 months')::date);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP FUNCTION IF EXISTS records_drop_partitions_before(date);
    DROP FUNCTION IF EXISTS records_ensure_partitions(date, date);
    DROP FUNCTION IF EXISTS records_partition_name(text, date);
    DROP TABLE IF EXISTS call_record_dead_letters;
    DROP TABLE IF EXISTS call_events;
    DROP TABLE IF EXISTS calls;
  `);
}
