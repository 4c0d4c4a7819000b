import type { Knex } from 'knex';

/**
 * Call recordings: one `recordings` row per recorded conversation (the file lives in Asterisk's
 * stored recordings under `name`), and `recording_pauses` for the intervals muted for card data.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE recordings (
      id               uuid        PRIMARY KEY,
      name             text        NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 256),
      format           text        NOT NULL,
      call_id          uuid        NOT NULL,
      agent_call_id    uuid,
      conversation_id  text        NOT NULL,
      queue            text,
      agent            text        NOT NULL,
      policy           text        NOT NULL CHECK (policy IN ('always', 'on_demand')),
      consent          text        NOT NULL CHECK (consent IN ('not_required', 'notified', 'declined', 'not_played')),
      consent_prompt   text,
      language         text,
      status           text        NOT NULL DEFAULT 'recording'
                                   CHECK (status IN ('recording', 'paused', 'finished', 'failed', 'declined')),
      started_by       text        NOT NULL,
      stopped_by       text,
      started_at       timestamptz NOT NULL,
      ended_at         timestamptz,
      duration_seconds numeric(10, 3) CHECK (duration_seconds >= 0),
      paused_seconds   numeric(10, 3) NOT NULL DEFAULT 0 CHECK (paused_seconds >= 0),
      failure          text,
      purge_after      timestamptz,
      purged_at        timestamptz
    );
    CREATE INDEX recordings_started_idx ON recordings (started_at);
    CREATE INDEX recordings_agent_idx ON recordings (agent, started_at);
    CREATE INDEX recordings_call_idx ON recordings (call_id);
    CREATE INDEX recordings_conversation_idx ON recordings (conversation_id);
    CREATE INDEX recordings_purge_idx ON recordings (purge_after) WHERE purged_at IS NULL;

    COMMENT ON TABLE recordings IS
      'Recorded conversations between a caller and an agent; one row per recording. The audio is in Asterisk''s stored recordings under name, served by GET /api/v1/recordings/{id}/file.';
    COMMENT ON COLUMN recordings.id IS 'Recording id (uuid), also in the API paths.';
    COMMENT ON COLUMN recordings.name IS 'Stored recording name in Asterisk (folder/name, without the extension).';
    COMMENT ON COLUMN recordings.format IS 'File format (wav, gsm...): the file is name.format.';
    COMMENT ON COLUMN recordings.call_id IS 'The caller''s leg (calls.call_id).';
    COMMENT ON COLUMN recordings.agent_call_id IS 'The agent''s leg (calls.call_id) at the time recording started.';
    COMMENT ON COLUMN recordings.conversation_id IS 'The ACD conversation (caller and agent in one bridge).';
    COMMENT ON COLUMN recordings.queue IS 'Queue the conversation came from, if any.';
    COMMENT ON COLUMN recordings.agent IS 'Agent in the conversation: agents may fetch only recordings with their own id here.';
    COMMENT ON COLUMN recordings.policy IS 'Why it was recorded: always (queue policy) or on_demand (an agent or supervisor started it).';
    COMMENT ON COLUMN recordings.consent IS 'not_required: no consent prompt configured; notified: the caller heard the prompt; declined: the caller pressed the opt-out key, nothing was recorded; not_played: the prompt could not be played, so nothing was recorded.';
    COMMENT ON COLUMN recordings.consent_prompt IS 'Sound played to the caller before recording started (NULL when none).';
    COMMENT ON COLUMN recordings.language IS 'Language the consent prompt was played in.';
    COMMENT ON COLUMN recordings.status IS 'recording, paused (muted for card data), finished, failed (see failure), declined (caller opted out).';
    COMMENT ON COLUMN recordings.started_by IS 'policy, or the API key name of whoever started an on-demand recording.';
    COMMENT ON COLUMN recordings.stopped_by IS 'API key name that stopped it early; NULL when it ended with the conversation.';
    COMMENT ON COLUMN recordings.started_at IS 'When recording started (after the consent prompt).';
    COMMENT ON COLUMN recordings.ended_at IS 'When recording ended.';
    COMMENT ON COLUMN recordings.duration_seconds IS 'Length of the file in seconds (includes paused intervals, which are silent).';
    COMMENT ON COLUMN recordings.paused_seconds IS 'Total seconds paused (silent in the file), from recording_pauses.';
    COMMENT ON COLUMN recordings.failure IS 'Why recording failed (Asterisk''s cause), when status is failed.';
    COMMENT ON COLUMN recordings.purge_after IS 'When retention allows deleting the file (started_at plus the retention days).';
    COMMENT ON COLUMN recordings.purged_at IS 'When the file was deleted by the retention job; the row stays for the history.';

    CREATE TABLE recording_pauses (
      recording_id         uuid        NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
      seq                  smallint    NOT NULL CHECK (seq >= 0),
      paused_at            timestamptz NOT NULL,
      resumed_at           timestamptz,
      offset_start_seconds numeric(10, 3) NOT NULL CHECK (offset_start_seconds >= 0),
      offset_end_seconds   numeric(10, 3),
      paused_by            text        NOT NULL,
      resumed_by           text,
      reason               text,
      PRIMARY KEY (recording_id, seq),
      CHECK (offset_end_seconds IS NULL OR offset_end_seconds >= offset_start_seconds)
    );

    COMMENT ON TABLE recording_pauses IS
      'Intervals during which a recording was paused (e.g. while the caller gave card data); the file is silent there. One row per pause.';
    COMMENT ON COLUMN recording_pauses.recording_id IS 'The recording (recordings.id).';
    COMMENT ON COLUMN recording_pauses.seq IS 'Order of the pause within the recording, from 0.';
    COMMENT ON COLUMN recording_pauses.paused_at IS 'When the pause began.';
    COMMENT ON COLUMN recording_pauses.resumed_at IS 'When recording resumed; NULL when the recording ended while paused.';
    COMMENT ON COLUMN recording_pauses.offset_start_seconds IS 'Seconds into the file where the silence starts.';
    COMMENT ON COLUMN recording_pauses.offset_end_seconds IS 'Seconds into the file where the silence ends.';
    COMMENT ON COLUMN recording_pauses.paused_by IS 'API key name of whoever paused.';
    COMMENT ON COLUMN recording_pauses.resumed_by IS 'API key name of whoever resumed (or "ended" when the recording ended paused).';
    COMMENT ON COLUMN recording_pauses.reason IS 'Why, as given (card_data, pin...).';

    CREATE VIEW recordings_daily AS
      SELECT date_trunc('day', started_at) AS day,
             queue,
             count(*)                                        AS recordings,
             count(*) FILTER (WHERE status = 'failed')       AS failed,
             count(*) FILTER (WHERE consent = 'declined')    AS declined,
             coalesce(sum(duration_seconds), 0)              AS recorded_seconds,
             coalesce(sum(paused_seconds), 0)                AS paused_seconds,
             count(*) FILTER (WHERE paused_seconds > 0)      AS with_pauses,
             count(*) FILTER (WHERE purged_at IS NOT NULL)   AS purged
        FROM recordings
       GROUP BY 1, 2;
    COMMENT ON VIEW recordings_daily IS
      'Per day (UTC) and queue: recordings made, failed, declined by the caller, recorded and paused seconds, purged files.';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP VIEW IF EXISTS recordings_daily;
    DROP TABLE IF EXISTS recording_pauses;
    DROP TABLE IF EXISTS recordings;
  `);
}
