import type { Knex } from 'knex';

/** supervisor_events: supervisors listening, whispering and barging into agents' calls (facts). */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE supervisor_events (
      id                  uuid        PRIMARY KEY,
      occurred_at         timestamptz NOT NULL,
      session_id          uuid        NOT NULL,
      action              text        NOT NULL CHECK (action IN ('start', 'mode', 'stop', 'failed')),
      mode                text        NOT NULL CHECK (mode IN ('listen', 'whisper', 'barge')),
      previous_mode       text        CHECK (previous_mode IN ('listen', 'whisper', 'barge')),
      supervisor          text        NOT NULL,
      supervisor_endpoint text        NOT NULL,
      supervisor_call_id  uuid,
      conversation_id     text        NOT NULL,
      call_id             uuid        NOT NULL,
      agent_call_id       uuid        NOT NULL,
      agent               text        NOT NULL,
      queue               text,
      seconds             numeric(10, 3) CHECK (seconds >= 0),
      reason              text
    );
    CREATE INDEX supervisor_events_occurred_idx ON supervisor_events (occurred_at);
    CREATE INDEX supervisor_events_agent_idx ON supervisor_events (agent, occurred_at);
    CREATE INDEX supervisor_events_session_idx ON supervisor_events (session_id);

    COMMENT ON TABLE supervisor_events IS
      'Supervisors on agents'' live calls: one row per action (start, mode change, stop, failed) of a supervision session. Who listened to whom, whispered or barged, and for how long.';
    COMMENT ON COLUMN supervisor_events.id IS 'Row id (derived from the session and the action, so a repeat is dropped).';
    COMMENT ON COLUMN supervisor_events.occurred_at IS 'When it happened.';
    COMMENT ON COLUMN supervisor_events.session_id IS 'One supervision session: from the supervisor joining to leaving.';
    COMMENT ON COLUMN supervisor_events.action IS 'start (joined), mode (switched listen/whisper/barge), stop (left; reason says why), failed (could not join; reason).';
    COMMENT ON COLUMN supervisor_events.mode IS 'listen: hears both sides, nobody hears the supervisor; whisper: the agent hears the supervisor, the caller does not; barge: all three talk.';
    COMMENT ON COLUMN supervisor_events.previous_mode IS 'For a mode change, the mode before.';
    COMMENT ON COLUMN supervisor_events.supervisor IS 'Who: role, API key name and key prefix.';
    COMMENT ON COLUMN supervisor_events.supervisor_endpoint IS 'The supervisor''s phone (dial string).';
    COMMENT ON COLUMN supervisor_events.supervisor_call_id IS 'The supervisor''s leg (calls.call_id); NULL when it never answered.';
    COMMENT ON COLUMN supervisor_events.conversation_id IS 'The ACD conversation supervised.';
    COMMENT ON COLUMN supervisor_events.call_id IS 'The caller''s leg (calls.call_id).';
    COMMENT ON COLUMN supervisor_events.agent_call_id IS 'The agent''s leg (calls.call_id).';
    COMMENT ON COLUMN supervisor_events.agent IS 'The agent supervised.';
    COMMENT ON COLUMN supervisor_events.queue IS 'Queue of the conversation, if any.';
    COMMENT ON COLUMN supervisor_events.seconds IS 'For stop: length of the session; for mode: time spent in the previous mode.';
    COMMENT ON COLUMN supervisor_events.reason IS 'For stop: stopped, conversation_ended, supervisor_hung_up; for failed: why.';

    CREATE VIEW supervision_daily AS
      SELECT date_trunc('day', occurred_at) AS day,
             supervisor,
             agent,
             count(*) FILTER (WHERE action = 'start')              AS sessions,
             count(*) FILTER (WHERE action = 'start' AND mode = 'barge')
               + count(*) FILTER (WHERE action = 'mode' AND mode = 'barge') AS barges,
             count(*) FILTER (WHERE action = 'failed')             AS failed,
             coalesce(sum(seconds) FILTER (WHERE action = 'stop'), 0) AS supervised_seconds
        FROM supervisor_events
       GROUP BY 1, 2, 3;
    COMMENT ON VIEW supervision_daily IS
      'Per day (UTC), supervisor and agent: supervision sessions, barges, failed attempts and total supervised seconds.';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP VIEW IF EXISTS supervision_daily; DROP TABLE IF EXISTS supervisor_events;');
}
