import type { Knex } from 'knex';

/**
 * The outbound dialer: `campaigns` (settings as data), `brand_caller_ids` (numbers registered as a
 * brand name, Vietnam's Decree 91), `call_attempts` (one row per attempt, written before anything is
 * dialed, with every compliance decision), `dialer_callbacks` (scheduled call-backs), and the
 * analyst views: abandon rate per rolling window, contact rate, conversion, attempts per lead,
 * list penetration. knex.raw reads "?" as a binding: "\\?" is a literal question mark.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE campaigns (
      id                   uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
      name                 text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      mode                 text        NOT NULL CHECK (mode IN ('preview', 'progressive', 'predictive', 'agentless')),
      purpose              text        NOT NULL CHECK (purpose IN ('advertising', 'customer_care', 'collection', 'research')),
      jurisdiction         text        NOT NULL CHECK (jurisdiction IN ('US', 'UK', 'VN', 'none')),
      state                text        NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'running', 'paused', 'stopped', 'completed')),
      lead_list_ids        uuid[]      NOT NULL,
      ring_timeout_seconds integer     NOT NULL CHECK (ring_timeout_seconds BETWEEN 15 AND 120),
      max_attempts         integer     NOT NULL CHECK (max_attempts BETWEEN 1 AND 50),
      abandon_limit        numeric     NOT NULL,
      abandon_window_hours integer     NOT NULL,
      settings             jsonb       NOT NULL,
      version              integer     NOT NULL DEFAULT 1,
      created_by           text,
      created_at           timestamptz NOT NULL DEFAULT now(),
      updated_at           timestamptz NOT NULL DEFAULT now(),
      started_at           timestamptz,
      stopped_at           timestamptz
    );

    COMMENT ON TABLE campaigns IS 'Outbound campaigns: one row per campaign; settings holds the whole validated definition (window, retries, caller IDs, dispositions...).';
    COMMENT ON COLUMN campaigns.mode IS 'preview (agent sees the lead, then dials), progressive (one call per free agent), predictive (paced above 1:1 under the abandon cap), agentless (message, press-1 or survey).';
    COMMENT ON COLUMN campaigns.purpose IS 'advertising, customer_care, collection or research: decides which jurisdiction rules apply.';
    COMMENT ON COLUMN campaigns.jurisdiction IS 'Rule profile: US (TCPA/TSR), UK (Ofcom/PECR), VN (Decree 91/2020/ND-CP) or none.';
    COMMENT ON COLUMN campaigns.state IS 'draft, running (dialing), paused (no new calls, calls in progress finish), stopped, completed (no lead left).';
    COMMENT ON COLUMN campaigns.lead_list_ids IS 'Lead lists (lead_lists.id) the campaign dials.';
    COMMENT ON COLUMN campaigns.ring_timeout_seconds IS 'How long a call rings before it counts as no answer (15 to 120 s).';
    COMMENT ON COLUMN campaigns.max_attempts IS 'Dial attempts per lead at most.';
    COMMENT ON COLUMN campaigns.abandon_limit IS 'Highest share of live answers that may be abandoned (0.03 = 3%), from the jurisdiction profile.';
    COMMENT ON COLUMN campaigns.abandon_window_hours IS 'Rolling window the abandon share is measured over: 720 (30 days, US) or 24 (UK).';
    COMMENT ON COLUMN campaigns.settings IS 'The campaign as the API accepted it (JSON).';
    COMMENT ON COLUMN campaigns.started_at IS 'When it was last started.';
    COMMENT ON COLUMN campaigns.stopped_at IS 'When it was last stopped.';
    COMMENT ON COLUMN campaigns.created_by IS 'API key name that created it.';
    COMMENT ON COLUMN campaigns.version IS 'Goes up with every change of the settings.';

    CREATE TABLE brand_caller_ids (
      number        text        PRIMARY KEY CHECK (number ~ '^\\+[1-9][0-9]{6,14}$'),
      brand         text        NOT NULL CHECK (length(brand) BETWEEN 1 AND 100),
      carrier       text,
      registered_on date        NOT NULL,
      expires_on    date,
      active        boolean     NOT NULL DEFAULT true,
      created_at    timestamptz NOT NULL DEFAULT now()
    );
    COMMENT ON TABLE brand_caller_ids IS 'Caller IDs registered as a brand name with the carriers (Vietnam Decree 91/2020: advertising calls only from such numbers).';
    COMMENT ON COLUMN brand_caller_ids.brand IS 'The brand name the carrier shows.';
    COMMENT ON COLUMN brand_caller_ids.registered_on IS 'Registration date.';
    COMMENT ON COLUMN brand_caller_ids.expires_on IS 'End of the registration; NULL for none.';

    CREATE TABLE call_attempts (
      id                  uuid        PRIMARY KEY,
      campaign_id         uuid        NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
      lead_id             uuid        NOT NULL,
      list_id             uuid,
      phone               text        NOT NULL,
      attempt_no          integer     NOT NULL,
      mode                text        NOT NULL,
      purpose             text        NOT NULL,
      jurisdiction        text        NOT NULL,
      engine              text        NOT NULL,
      decided_at          timestamptz NOT NULL,
      lead_time_zone      text,
      lead_local_time     timestamp,
      window_allowed      boolean     NOT NULL,
      window_reason       text        NOT NULL,
      dnc_allowed         boolean,
      dnc_reason          text,
      consent_required    boolean     NOT NULL,
      consent_granted     boolean,
      consent_source      text,
      rule_decisions      jsonb       NOT NULL,
      decision            text        NOT NULL CHECK (decision IN ('dial', 'refused', 'preview')),
      refused_by          text,
      caller_id           text,
      active              boolean     NOT NULL,
      call_id             uuid,
      channel_id          text,
      dialed_at           timestamptz,
      answered_at         timestamptz,
      amd_status          text,
      amd_cause           text,
      agent               text,
      connected_at        timestamptz,
      ended_at            timestamptz,
      abandoned           boolean     NOT NULL DEFAULT false,
      abandon_reason      text,
      outcome             text        NOT NULL DEFAULT 'pending' CHECK (outcome IN (
                            'pending', 'dialing', 'answered', 'completed', 'busy', 'no_answer', 'machine',
                            'message_left', 'abandoned', 'failed', 'invalid', 'refused', 'skipped', 'opted_out', 'cancelled')),
      hangup_cause        integer,
      disposition         text,
      disposition_at      timestamptz,
      sale                boolean     NOT NULL DEFAULT false,
      updated_at          timestamptz NOT NULL DEFAULT now()
    );
    -- Two engines never dial one lead at once: at most one active attempt per lead.
    CREATE UNIQUE INDEX call_attempts_one_active_per_lead ON call_attempts (lead_id) WHERE active;
    CREATE INDEX call_attempts_campaign_idx ON call_attempts (campaign_id, decided_at);
    CREATE INDEX call_attempts_lead_idx ON call_attempts (lead_id, decided_at);
    CREATE INDEX call_attempts_phone_idx ON call_attempts (phone, dialed_at) WHERE decision = 'dial';

    COMMENT ON TABLE call_attempts IS 'One row per decision to dial or not dial a lead, written before the call is placed (nothing is dialed without its row) and completed as the call goes: the compliance evidence and the source of the dialer views.';
    COMMENT ON COLUMN call_attempts.id IS 'Attempt id; also the call id of the outbound call (calls.call_id) when dialed.';
    COMMENT ON COLUMN call_attempts.lead_id IS 'The lead (leads.id); kept after the lead is deleted, as evidence.';
    COMMENT ON COLUMN call_attempts.phone IS 'The number dialed (or refused), E.164.';
    COMMENT ON COLUMN call_attempts.attempt_no IS 'Nth dial of this lead (refused decisions repeat the number of the next dial).';
    COMMENT ON COLUMN call_attempts.engine IS 'Engine process that made the decision.';
    COMMENT ON COLUMN call_attempts.decided_at IS 'When the rules were evaluated (just before dialing).';
    COMMENT ON COLUMN call_attempts.lead_time_zone IS 'IANA zone the lead-local time is in.';
    COMMENT ON COLUMN call_attempts.lead_local_time IS 'Lead-local wall clock at decided_at.';
    COMMENT ON COLUMN call_attempts.window_allowed IS 'Whether the calling window (campaign and legal hours) allowed the call.';
    COMMENT ON COLUMN call_attempts.window_reason IS 'inside_window, before_window, after_window, closed_day, holiday or unknown_time_zone.';
    COMMENT ON COLUMN call_attempts.dnc_allowed IS 'Result of the do-not-call check (internal and, for the purposes that need it, national lists).';
    COMMENT ON COLUMN call_attempts.dnc_reason IS 'Why a number was refused by a DNC list (which list) when it was.';
    COMMENT ON COLUMN call_attempts.consent_required IS 'Whether the purpose and jurisdiction require recorded prior consent.';
    COMMENT ON COLUMN call_attempts.consent_granted IS 'Whether consent in force was found; NULL when not required.';
    COMMENT ON COLUMN call_attempts.consent_source IS 'Evidence of the consent found (lead_consents.source).';
    COMMENT ON COLUMN call_attempts.rule_decisions IS 'Every rule evaluated: [{rule, passed, reason, source}].';
    COMMENT ON COLUMN call_attempts.decision IS 'dial (placed), refused (a rule said no) or preview (shown to an agent first).';
    COMMENT ON COLUMN call_attempts.refused_by IS 'The first rule that refused.';
    COMMENT ON COLUMN call_attempts.caller_id IS 'Caller ID presented (or that would have been).';
    COMMENT ON COLUMN call_attempts.active IS 'True while the attempt is in progress; at most one active attempt per lead.';
    COMMENT ON COLUMN call_attempts.dialed_at IS 'When the call was placed.';
    COMMENT ON COLUMN call_attempts.answered_at IS 'When the far end answered.';
    COMMENT ON COLUMN call_attempts.amd_status IS 'Answering-machine detection result: HUMAN, MACHINE, NOTSURE, HANGUP; NULL when not answered or AMD off.';
    COMMENT ON COLUMN call_attempts.amd_cause IS 'AMD''s reason (e.g. LONGGREETING-...).';
    COMMENT ON COLUMN call_attempts.agent IS 'Agent connected (or the preview agent).';
    COMMENT ON COLUMN call_attempts.connected_at IS 'When the agent joined the call.';
    COMMENT ON COLUMN call_attempts.ended_at IS 'When the attempt ended (hang-up, ring-out, refusal decided).';
    COMMENT ON COLUMN call_attempts.channel_id IS 'Asterisk channel id of the outbound leg.';
    COMMENT ON COLUMN call_attempts.call_id IS 'Id of the call in the call records (calls.call_id); equals id when dialed.';
    COMMENT ON COLUMN call_attempts.mode IS 'Campaign mode at the time of the attempt.';
    COMMENT ON COLUMN call_attempts.purpose IS 'Campaign purpose at the time of the attempt (decides which rules applied).';
    COMMENT ON COLUMN call_attempts.jurisdiction IS 'Rule profile applied: US, UK, VN or none.';
    COMMENT ON COLUMN call_attempts.abandon_reason IS 'Why the live answer got no agent (no agent free in time, agent phone did not answer).';
    COMMENT ON COLUMN call_attempts.disposition_at IS 'When the agent set the disposition.';
    COMMENT ON COLUMN call_attempts.campaign_id IS 'The campaign (campaigns.id).';
    COMMENT ON COLUMN call_attempts.list_id IS 'The lead''s list (lead_lists.id).';
    COMMENT ON COLUMN call_attempts.updated_at IS 'When the row last changed.';
    COMMENT ON COLUMN call_attempts.abandoned IS 'A live answer no agent took in time (the identity and opt-out message was played).';
    COMMENT ON COLUMN call_attempts.outcome IS 'How the attempt ended: completed (talked to an agent or heard the agentless message), busy, no_answer, machine, message_left, abandoned, failed, invalid, refused, skipped (preview), opted_out, cancelled (campaign stopped before answer).';
    COMMENT ON COLUMN call_attempts.hangup_cause IS 'Q.850 cause of the end of the call.';
    COMMENT ON COLUMN call_attempts.disposition IS 'Disposition code the agent chose (campaign dispositions).';
    COMMENT ON COLUMN call_attempts.sale IS 'The disposition counts as a sale / conversion.';

    CREATE TABLE dialer_callbacks (
      id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
      campaign_id uuid        NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
      lead_id     uuid        NOT NULL,
      attempt_id  uuid,
      agent       text,
      due_at      timestamptz NOT NULL,
      lead_local  timestamp   NOT NULL,
      time_zone   text        NOT NULL,
      note        text,
      status      text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'cancelled')),
      created_by  text,
      created_at  timestamptz NOT NULL DEFAULT now(),
      done_at     timestamptz
    );
    CREATE INDEX dialer_callbacks_due_idx ON dialer_callbacks (campaign_id, due_at) WHERE status = 'pending';
    COMMENT ON TABLE dialer_callbacks IS 'Scheduled call-backs: a lead to call again at a lead-local time, by the same agent (agent set) or anyone (agent NULL).';
    COMMENT ON COLUMN dialer_callbacks.campaign_id IS 'The campaign (campaigns.id).';
    COMMENT ON COLUMN dialer_callbacks.agent IS 'The agent who promised the call; NULL for anyone in the campaign.';
    COMMENT ON COLUMN dialer_callbacks.status IS 'pending, done (dialed: attempt_id) or cancelled.';
    COMMENT ON COLUMN dialer_callbacks.attempt_id IS 'The attempt that scheduled it, then the one that made it.';
    COMMENT ON COLUMN dialer_callbacks.time_zone IS 'The lead''s IANA time zone lead_local is in.';
    COMMENT ON COLUMN dialer_callbacks.lead_local IS 'The lead-local wall clock asked for.';
    COMMENT ON COLUMN dialer_callbacks.due_at IS 'The same instant as an absolute time.';

    -- Abandon share of live answers between two instants; p_fp_rate adds the estimated AMD false positives (UK).
    CREATE FUNCTION dialer_abandon_rate(p_campaign uuid, p_from timestamptz, p_to timestamptz, p_fp_rate numeric DEFAULT 0)
    RETURNS TABLE (live_answers bigint, abandoned bigint, machine_answers bigint, abandon_rate numeric)
    LANGUAGE sql STABLE AS $$
      WITH a AS (
        SELECT count(*) FILTER (WHERE answered_at IS NOT NULL AND coalesce(amd_status, 'HUMAN') <> 'MACHINE') AS live,
               count(*) FILTER (WHERE abandoned) AS ab,
               count(*) FILTER (WHERE answered_at IS NOT NULL AND amd_status = 'MACHINE') AS machine
          FROM call_attempts
         WHERE campaign_id = p_campaign AND decision = 'dial' AND dialed_at >= p_from AND dialed_at < p_to
      )
      SELECT live, ab, machine,
             CASE WHEN live + p_fp_rate * machine = 0 THEN 0
                  ELSE round((ab + p_fp_rate * machine) / (live + p_fp_rate * machine), 6) END
        FROM a
    $$;
    COMMENT ON FUNCTION dialer_abandon_rate(uuid, timestamptz, timestamptz, numeric) IS
      'Abandoned calls as a share of live answers for one campaign between two instants; p_fp_rate counts that share of machine-detected answers as abandoned people (UK).';

    CREATE VIEW campaign_abandon_rate AS
      SELECT c.id AS campaign_id, c.name, c.jurisdiction, c.abandon_window_hours, c.abandon_limit,
             r.live_answers, r.abandoned, r.machine_answers, r.abandon_rate,
             r.abandon_rate > c.abandon_limit AS over_limit
        FROM campaigns c,
             dialer_abandon_rate(c.id, now() - make_interval(hours => c.abandon_window_hours), now() + interval '1 second',
                                 CASE WHEN c.jurisdiction = 'UK' THEN (c.settings->>'amd_false_positive_rate')::numeric ELSE 0 END) r;
    COMMENT ON VIEW campaign_abandon_rate IS 'Per campaign: abandon share of live answers over the rolling window its jurisdiction measures (30 days US, 24 hours UK), and whether it is over the limit.';

    CREATE VIEW campaign_daily_stats AS
      SELECT campaign_id, (dialed_at AT TIME ZONE 'UTC')::date AS day,
             count(*) AS dials,
             count(*) FILTER (WHERE answered_at IS NOT NULL) AS answers,
             count(*) FILTER (WHERE answered_at IS NOT NULL AND coalesce(amd_status, 'HUMAN') <> 'MACHINE') AS live_answers,
             count(*) FILTER (WHERE amd_status = 'MACHINE') AS machines,
             count(*) FILTER (WHERE connected_at IS NOT NULL) AS contacts,
             count(*) FILTER (WHERE abandoned) AS abandoned,
             count(*) FILTER (WHERE sale) AS sales,
             round(count(*) FILTER (WHERE connected_at IS NOT NULL)::numeric / nullif(count(*), 0), 4) AS contact_rate,
             round(count(*) FILTER (WHERE sale)::numeric / nullif(count(*) FILTER (WHERE connected_at IS NOT NULL), 0), 4) AS conversion_rate,
             round(count(*) FILTER (WHERE abandoned)::numeric
                   / nullif(count(*) FILTER (WHERE answered_at IS NOT NULL AND coalesce(amd_status, 'HUMAN') <> 'MACHINE'), 0), 4) AS abandon_rate
        FROM call_attempts WHERE decision = 'dial'
       GROUP BY campaign_id, day;
    COMMENT ON VIEW campaign_daily_stats IS 'Per campaign and UTC day: dials, answers, live answers, machines, contacts (agent connected), abandons, sales; contact rate (contacts / dials), conversion (sales / contacts), abandon rate (abandons / live answers).';

    CREATE VIEW campaign_summary AS
      SELECT c.id AS campaign_id, c.name, c.state,
             count(a.id) FILTER (WHERE a.decision = 'dial') AS dials,
             count(a.id) FILTER (WHERE a.decision = 'refused') AS refusals,
             count(a.id) FILTER (WHERE a.connected_at IS NOT NULL) AS contacts,
             count(a.id) FILTER (WHERE a.sale) AS sales,
             round(count(a.id) FILTER (WHERE a.connected_at IS NOT NULL)::numeric
                   / nullif(count(a.id) FILTER (WHERE a.decision = 'dial'), 0), 4) AS contact_rate,
             round(count(a.id) FILTER (WHERE a.sale)::numeric
                   / nullif(count(a.id) FILTER (WHERE a.connected_at IS NOT NULL), 0), 4) AS conversion_rate
        FROM campaigns c LEFT JOIN call_attempts a ON a.campaign_id = c.id
       GROUP BY c.id;
    COMMENT ON VIEW campaign_summary IS 'Per campaign since it began: dials, refused decisions, contacts, sales, contact rate and conversion.';

    CREATE VIEW lead_attempt_counts AS
      SELECT campaign_id, lead_id, phone,
             count(*) FILTER (WHERE decision = 'dial') AS dials,
             count(*) FILTER (WHERE decision = 'refused') AS refusals,
             max(dialed_at) AS last_dialed_at,
             bool_or(connected_at IS NOT NULL) AS reached,
             (array_agg(outcome ORDER BY decided_at DESC))[1] AS last_outcome
        FROM call_attempts
       GROUP BY campaign_id, lead_id, phone;
    COMMENT ON VIEW lead_attempt_counts IS 'Per campaign and lead: dials, refused decisions, last dial, whether an agent ever reached the person, last outcome.';

    CREATE VIEW campaign_list_penetration AS
      SELECT c.id AS campaign_id, l.list_id,
             count(*) AS leads,
             count(*) FILTER (WHERE l.attempts > 0) AS dialed,
             count(*) FILTER (WHERE EXISTS (SELECT 1 FROM call_attempts a WHERE a.lead_id = l.id AND a.campaign_id = c.id AND a.connected_at IS NOT NULL)) AS reached,
             count(*) FILTER (WHERE l.status NOT IN ('new', 'retry', 'callback', 'dialing', 'preview')) AS closed,
             round(count(*) FILTER (WHERE l.attempts > 0)::numeric / nullif(count(*), 0), 4) AS penetration
        FROM campaigns c
        JOIN leads l ON l.list_id = ANY (c.lead_list_ids)
       GROUP BY c.id, l.list_id;
    COMMENT ON VIEW campaign_list_penetration IS 'Per campaign and list: leads, dialed at least once, reached by an agent, closed, and penetration (dialed / leads).';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP VIEW IF EXISTS campaign_list_penetration;
    DROP VIEW IF EXISTS lead_attempt_counts;
    DROP VIEW IF EXISTS campaign_summary;
    DROP VIEW IF EXISTS campaign_daily_stats;
    DROP VIEW IF EXISTS campaign_abandon_rate;
    DROP FUNCTION IF EXISTS dialer_abandon_rate(uuid, timestamptz, timestamptz, numeric);
    DROP TABLE IF EXISTS dialer_callbacks;
    DROP TABLE IF EXISTS call_attempts;
    DROP TABLE IF EXISTS brand_caller_ids;
    DROP TABLE IF EXISTS campaigns;
  `);
}
