import type { Knex } from 'knex';

/**
 * The ACD's durable side: queue and agent definitions (the live copy is in Redis), pause reasons,
 * the agents' wrap-up notes on calls and customers, and the queue/agent event tables the records
 * worker fills (facts `queue_event`, `agent_event`) with the standard contact-center views on top.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE acd_queues (
      id          text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
      config      jsonb       NOT NULL,
      updated_by  text        NOT NULL,
      updated_at  timestamptz NOT NULL DEFAULT now()
    );
    COMMENT ON TABLE acd_queues IS 'Queue definitions (strategy, timeouts, announcements, wrap-up, service level...); the API and ACD_CONFIG_FILE write them, every engine serves them.';
    COMMENT ON COLUMN acd_queues.config IS 'The whole definition as the API takes it (see docs/acd.md), defaults filled in.';

    CREATE TABLE acd_agents (
      id              text        PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$'),
      name            text        NOT NULL,
      endpoint        text        NOT NULL,
      principal       text        UNIQUE,
      skills          jsonb       NOT NULL DEFAULT '{}',
      wrapup_seconds  integer     CHECK (wrapup_seconds BETWEEN 0 AND 3600),
      weight          integer     NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 100),
      updated_at      timestamptz NOT NULL DEFAULT now()
    );
    COMMENT ON TABLE acd_agents IS 'Agents: who they are, the phone the ACD rings, their skills. Their live state is in Redis and their history in agent_events.';
    COMMENT ON COLUMN acd_agents.endpoint IS 'Dial string of the agent phone, e.g. PJSIP/agent7.';
    COMMENT ON COLUMN acd_agents.principal IS 'Name of the API key the agent uses: that key may change this agent''s own state.';
    COMMENT ON COLUMN acd_agents.skills IS 'Skill → level 1..10, e.g. {"vi": 9, "billing": 5}, for skills-based queues.';
    COMMENT ON COLUMN acd_agents.wrapup_seconds IS 'Wrap-up seconds for this agent on every queue (overrides the queue''s); NULL: the queue''s.';
    COMMENT ON COLUMN acd_agents.weight IS 'Weight for weighted-random queues: an agent with weight 3 is picked first three times as often as one with 1.';

    CREATE TABLE acd_pause_reasons (
      code        text    PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
      label       text    NOT NULL,
      productive  boolean NOT NULL DEFAULT false
    );
    COMMENT ON TABLE acd_pause_reasons IS 'Reason codes an agent may pause with; agent_events.reason and previous_reason use these codes (plus ring_no_answer, set by the ACD).';
    COMMENT ON COLUMN acd_pause_reasons.productive IS 'True for work away from the phone (training, back office), false for breaks.';
    INSERT INTO acd_pause_reasons (code, label, productive) VALUES
      ('break', 'Break', false), ('lunch', 'Lunch', false), ('training', 'Training', true),
      ('meeting', 'Meeting', true), ('back_office', 'Back-office work', true);

    CREATE TABLE acd_wrapups (
      id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      call_id         uuid        NOT NULL,
      agent           text        NOT NULL,
      queue           text,
      customer_phone  text,
      customer_id     bigint      REFERENCES customers (id) ON DELETE SET NULL,
      outcome         text        NOT NULL,
      tags            text[]      NOT NULL DEFAULT '{}',
      notes           text        NOT NULL DEFAULT '',
      priority        text        NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
      created_at      timestamptz NOT NULL DEFAULT now(),
      UNIQUE (call_id, agent)
    );
    CREATE INDEX acd_wrapups_customer_idx ON acd_wrapups (customer_phone, created_at DESC);
    COMMENT ON TABLE acd_wrapups IS 'What the agent logged in wrap-up: one row per call and agent. Shown to the next agent who takes the same customer.';
    COMMENT ON COLUMN acd_wrapups.call_id IS 'The caller''s call (calls.call_id; queue_events.call_id).';
    COMMENT ON COLUMN acd_wrapups.customer_phone IS 'The caller''s number (E.164) the notes belong to.';
    COMMENT ON COLUMN acd_wrapups.customer_id IS 'customers.id when the number is a known customer.';
    COMMENT ON COLUMN acd_wrapups.outcome IS 'Outcome (disposition) code the agent chose: sale, resolved, escalated...';
    COMMENT ON COLUMN acd_wrapups.priority IS 'Follow-up priority the agent gave: low, normal, high, urgent.';

    CREATE TABLE queue_events (
      id                     uuid        PRIMARY KEY,
      occurred_at            timestamptz NOT NULL,
      queue                  text        NOT NULL,
      call_id                uuid        NOT NULL,
      event                  text        NOT NULL,
      agent                  text,
      position               integer,
      priority               smallint,
      wait_seconds           double precision,
      talk_seconds           double precision,
      service_level_seconds  integer,
      short_abandon_seconds  integer,
      reason                 text,
      engine                 text
    );
    CREATE INDEX queue_events_queue_time_idx ON queue_events (queue, occurred_at);
    CREATE INDEX queue_events_call_idx ON queue_events (call_id, occurred_at);
    COMMENT ON TABLE queue_events IS 'Each step of a caller''s stay in a queue (like Asterisk''s queue_log, typed): enter, ring, ring_noanswer, connect, complete, abandon, timeout, full, empty, overflow, callback_*.';
    COMMENT ON COLUMN queue_events.call_id IS 'The caller''s call (calls.call_id); for a callback, the call that asked for it.';
    COMMENT ON COLUMN queue_events.event IS 'enter (offered), ring, ring_noanswer, connect (answered), complete (conversation over), abandon, timeout, full, empty, overflow, callback_requested, callback_attempt, callback_failed, callback_abandoned.';
    COMMENT ON COLUMN queue_events.agent IS 'Agent id on ring, ring_noanswer, connect, complete.';
    COMMENT ON COLUMN queue_events.position IS 'Place in the queue (1 = next) on enter and when leaving.';
    COMMENT ON COLUMN queue_events.wait_seconds IS 'Seconds since enter: the time to answer on connect, the time waited on abandon/timeout/callback_requested.';
    COMMENT ON COLUMN queue_events.talk_seconds IS 'On complete: seconds the caller and agent were connected.';
    COMMENT ON COLUMN queue_events.service_level_seconds IS 'The queue''s service-level threshold when the event happened (answered within it counts as in service level).';
    COMMENT ON COLUMN queue_events.short_abandon_seconds IS 'The queue''s short-abandon threshold when the event happened (abandons quicker than this are short abandons).';
    COMMENT ON COLUMN queue_events.reason IS 'Why: on complete caller/agent (who hung up); on ring_noanswer no_answer, busy, unreachable, failed, agent_logged_out or agent_paused (the agent left while the phone rang); on overflow the destination.';
    COMMENT ON COLUMN queue_events.engine IS 'ENGINE_NAME of the engine that served the caller.';

    CREATE TABLE agent_events (
      id                   uuid        PRIMARY KEY,
      occurred_at          timestamptz NOT NULL,
      agent                text        NOT NULL,
      event                text        NOT NULL CHECK (event IN ('login', 'logout', 'state')),
      state                text        NOT NULL,
      previous_state       text        NOT NULL,
      previous_reason      text,
      previous_started_at  timestamptz NOT NULL,
      previous_seconds     double precision NOT NULL,
      reason               text,
      queue                text,
      call_id              uuid,
      changed_by           text
    );
    CREATE INDEX agent_events_agent_time_idx ON agent_events (agent, occurred_at);
    COMMENT ON TABLE agent_events IS 'Each agent state change (available, ringing, on_call, wrap_up, paused, logged_out); a row closes the previous state, so previous_started_at..occurred_at is one interval in previous_state.';
    COMMENT ON COLUMN agent_events.state IS 'The state entered.';
    COMMENT ON COLUMN agent_events.reason IS 'Pause reason code when state is paused.';
    COMMENT ON COLUMN agent_events.previous_state IS 'The state left; previous_seconds were spent in it.';
    COMMENT ON COLUMN agent_events.previous_reason IS 'Pause reason of the state left (when it was paused).';
    COMMENT ON COLUMN agent_events.queue IS 'Queue of the call on ringing/on_call/wrap_up.';
    COMMENT ON COLUMN agent_events.call_id IS 'The caller''s call on ringing/on_call/wrap_up.';
    COMMENT ON COLUMN agent_events.changed_by IS 'Who made the change: acd (the engine), or the API key name of the agent or supervisor.';

    -- One row per caller's stay in a queue, with how it ended.
    CREATE VIEW acd_queue_calls AS
    SELECT e.queue, e.call_id, e.occurred_at AS entered_at, e.priority, e.position AS entry_position,
           coalesce(fin.event, 'waiting') AS outcome, fin.occurred_at AS left_at,
           fin.wait_seconds, fin.agent,
           cmp.talk_seconds, wr.wrapup_seconds,
           e.service_level_seconds, e.short_abandon_seconds
      FROM queue_events e
      LEFT JOIN LATERAL (
        SELECT f.event, f.occurred_at, f.wait_seconds, f.agent FROM queue_events f
         WHERE f.call_id = e.call_id AND f.queue = e.queue AND f.occurred_at >= e.occurred_at
           AND f.event IN ('connect', 'abandon', 'timeout', 'empty', 'overflow', 'callback_requested')
         ORDER BY f.occurred_at LIMIT 1) fin ON true
      LEFT JOIN LATERAL (
        SELECT c.talk_seconds FROM queue_events c
         WHERE fin.event = 'connect' AND c.call_id = e.call_id AND c.queue = e.queue
           AND c.event = 'complete' AND c.occurred_at >= fin.occurred_at
         ORDER BY c.occurred_at LIMIT 1) cmp ON true
      LEFT JOIN LATERAL (
        SELECT sum(a.previous_seconds) AS wrapup_seconds FROM agent_events a
         WHERE fin.event = 'connect' AND a.call_id = e.call_id AND a.agent = fin.agent
           AND a.previous_state = 'wrap_up') wr ON true
     WHERE e.event = 'enter';
    COMMENT ON VIEW acd_queue_calls IS 'One row per stay: outcome connect (answered), abandon, timeout, empty, overflow, callback_requested, or waiting (still there / never closed). wait_seconds is the time to that outcome.';
  `);

  // The same measures per 15 minutes, day and month (day and month in the session's TimeZone).
  for (const [suffix, bucket] of [
    ['15min', `date_bin('15 minutes', entered_at, TIMESTAMPTZ '2000-01-01 00:00:00+00')`],
    ['day', `date_trunc('day', entered_at)`],
    ['month', `date_trunc('month', entered_at)`],
  ] as const) {
    await knex.raw(`
      CREATE VIEW acd_queue_stats_${suffix} AS
      SELECT queue, ${bucket} AS period_start,
             count(*) AS offered,
             count(*) FILTER (WHERE outcome = 'connect') AS answered,
             count(*) FILTER (WHERE outcome = 'abandon') AS abandoned,
             count(*) FILTER (WHERE outcome = 'abandon' AND wait_seconds < short_abandon_seconds) AS short_abandoned,
             count(*) FILTER (WHERE outcome = 'timeout') AS timed_out,
             count(*) FILTER (WHERE outcome IN ('empty', 'overflow')) AS overflowed,
             count(*) FILTER (WHERE outcome = 'callback_requested') AS callbacks_requested,
             count(*) FILTER (WHERE outcome = 'connect' AND wait_seconds <= service_level_seconds) AS answered_in_sl,
             count(*) FILTER (WHERE outcome = 'abandon' AND wait_seconds <= service_level_seconds) AS abandoned_in_sl,
             round(100.0 * count(*) FILTER (WHERE outcome = 'connect' AND wait_seconds <= service_level_seconds)
                   / nullif(count(*) FILTER (WHERE outcome = 'connect'), 0), 2) AS service_level_pct,
             round(100.0 * count(*) FILTER (WHERE outcome IN ('connect', 'abandon') AND wait_seconds <= service_level_seconds)
                   / nullif(count(*) FILTER (WHERE outcome IN ('connect', 'abandon')), 0), 2) AS service_level2_pct,
             round(100.0 * count(*) FILTER (WHERE outcome = 'abandon' AND wait_seconds >= short_abandon_seconds)
                   / nullif(count(*) FILTER (WHERE NOT (outcome = 'abandon' AND wait_seconds < short_abandon_seconds)), 0), 2) AS abandon_rate_pct,
             round(avg(wait_seconds) FILTER (WHERE outcome = 'connect')::numeric, 2) AS asa_seconds,
             round(avg(talk_seconds + coalesce(wrapup_seconds, 0)) FILTER (WHERE outcome = 'connect' AND talk_seconds IS NOT NULL)::numeric, 2) AS aht_seconds,
             round(avg(talk_seconds) FILTER (WHERE outcome = 'connect')::numeric, 2) AS avg_talk_seconds,
             round(avg(wrapup_seconds) FILTER (WHERE outcome = 'connect')::numeric, 2) AS avg_wrapup_seconds,
             round(max(wait_seconds)::numeric, 2) AS max_wait_seconds
        FROM acd_queue_calls
       GROUP BY queue, period_start;
      COMMENT ON VIEW acd_queue_stats_${suffix} IS 'Per queue and period (by time of entry): offered, answered, abandoned (short ones apart), SL = answered within the threshold / answered (app_queue SL), SL2 = (answered + abandoned within the threshold) / (answered + abandoned) (app_queue SL2), ASA, AHT (talk + wrap-up).';
    `);
  }

  // Agent time: each closed state interval split over the periods it spans.
  await knex.raw(`
    CREATE VIEW acd_agent_intervals AS
    SELECT agent, previous_state AS state, nullif(previous_reason, '') AS reason, queue,
           previous_started_at AS started_at, occurred_at AS ended_at, previous_seconds AS seconds
      FROM agent_events
     WHERE previous_state <> 'logged_out' AND occurred_at > previous_started_at;
    COMMENT ON VIEW acd_agent_intervals IS 'Closed agent state intervals (logged-out time excluded): state, pause reason, start, end.';
  `);
  for (const [suffix, step, first] of [
    [
      '15min',
      `interval '15 minutes'`,
      `date_bin('15 minutes', i.started_at, TIMESTAMPTZ '2000-01-01 00:00:00+00')`,
    ],
    ['day', `interval '1 day'`, `date_trunc('day', i.started_at)`],
    ['month', `interval '1 month'`, `date_trunc('month', i.started_at)`],
  ] as const) {
    await knex.raw(`
      CREATE VIEW acd_agent_time_${suffix} AS
      SELECT i.agent, b AS period_start, i.state, coalesce(i.reason, '') AS reason,
             round(sum(extract(epoch FROM least(i.ended_at, b + ${step}) - greatest(i.started_at, b)))::numeric, 3) AS seconds
        FROM acd_agent_intervals i
       CROSS JOIN LATERAL generate_series(${first}, i.ended_at, ${step}) AS b
       WHERE b < i.ended_at
       GROUP BY i.agent, b, i.state, coalesce(i.reason, '');
      COMMENT ON VIEW acd_agent_time_${suffix} IS 'Seconds each agent spent per state (and pause reason) in each period; an interval spanning periods is split between them.';

      CREATE VIEW acd_agent_occupancy_${suffix} AS
      SELECT agent, period_start,
             sum(seconds) FILTER (WHERE state IN ('on_call', 'wrap_up')) AS handle_seconds,
             sum(seconds) FILTER (WHERE state IN ('available', 'ringing')) AS idle_seconds,
             sum(seconds) FILTER (WHERE state = 'paused') AS paused_seconds,
             round(100.0 * sum(seconds) FILTER (WHERE state IN ('on_call', 'wrap_up'))
                   / nullif(sum(seconds) FILTER (WHERE state IN ('on_call', 'wrap_up', 'available', 'ringing')), 0), 2) AS occupancy_pct
        FROM acd_agent_time_${suffix}
       GROUP BY agent, period_start;
      COMMENT ON VIEW acd_agent_occupancy_${suffix} IS 'Occupancy = (talk + wrap-up) / (talk + wrap-up + available + ringing), paused time excluded, per agent and period.';
    `);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP VIEW IF EXISTS acd_agent_occupancy_15min, acd_agent_occupancy_day, acd_agent_occupancy_month;
    DROP VIEW IF EXISTS acd_agent_time_15min, acd_agent_time_day, acd_agent_time_month;
    DROP VIEW IF EXISTS acd_agent_intervals;
    DROP VIEW IF EXISTS acd_queue_stats_15min, acd_queue_stats_day, acd_queue_stats_month;
    DROP VIEW IF EXISTS acd_queue_calls;
    DROP TABLE IF EXISTS agent_events, queue_events, acd_wrapups, acd_pause_reasons, acd_agents, acd_queues;
  `);
}
