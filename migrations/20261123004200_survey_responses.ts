import type { Knex } from 'knex';

/**
 * Post-call survey answers, written by the records worker (fact kind "survey_response"): one row per
 * answered question, so a caller who hangs up after the first question still leaves that answer.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE survey_responses (
      id              uuid        PRIMARY KEY,
      occurred_at     timestamptz NOT NULL,
      call_id         uuid        NOT NULL,
      conversation_id uuid,
      survey_id       text        NOT NULL,
      question_id     text        NOT NULL,
      question_type   text        NOT NULL CHECK (question_type IN ('csat', 'nps', 'yes_no')),
      question_index  smallint    NOT NULL CHECK (question_index >= 1),
      questions_total smallint    NOT NULL CHECK (questions_total >= question_index),
      answer          smallint    NOT NULL CHECK (
                        (question_type = 'csat' AND answer BETWEEN 1 AND 5) OR
                        (question_type = 'nps' AND answer BETWEEN 0 AND 10) OR
                        (question_type = 'yes_no' AND answer IN (0, 1))),
      tries           smallint    NOT NULL DEFAULT 1,
      language        text,
      queue           text,
      agent           text,
      UNIQUE (call_id, survey_id, question_id)
    );
    CREATE INDEX survey_responses_at_idx ON survey_responses (occurred_at);

    COMMENT ON TABLE survey_responses IS
      'Post-call survey answers: one row per answered question (partial surveys keep the questions answered). Linked to the call, conversation, queue and agent it rates.';
    COMMENT ON COLUMN survey_responses.id IS 'Row id, derived from call, survey and question (a repeat adds nothing).';
    COMMENT ON COLUMN survey_responses.occurred_at IS 'When the caller answered.';
    COMMENT ON COLUMN survey_responses.call_id IS 'The surveyed call (calls.call_id, the caller''s leg).';
    COMMENT ON COLUMN survey_responses.conversation_id IS 'The conversation rated (calls.conversation_id): the caller with the agent.';
    COMMENT ON COLUMN survey_responses.survey_id IS 'Survey definition (flows/surveys/<id>.yaml).';
    COMMENT ON COLUMN survey_responses.question_id IS 'Question id within the survey.';
    COMMENT ON COLUMN survey_responses.question_type IS 'csat (1-5), nps (0-10) or yes_no (1 yes, 0 no).';
    COMMENT ON COLUMN survey_responses.question_index IS 'Position of the question in the survey, from 1.';
    COMMENT ON COLUMN survey_responses.questions_total IS 'Questions the survey has: a call with this many rows completed it.';
    COMMENT ON COLUMN survey_responses.answer IS 'The score: csat 1-5, nps 0-10, yes_no 1 = yes / 0 = no.';
    COMMENT ON COLUMN survey_responses.tries IS 'Attempts the caller needed (1 = answered at the first prompt).';
    COMMENT ON COLUMN survey_responses.language IS 'Prompt language the survey was played in.';
    COMMENT ON COLUMN survey_responses.queue IS 'Queue that handled the call, if any.';
    COMMENT ON COLUMN survey_responses.agent IS 'Agent who talked with the caller, if any.';

    CREATE VIEW survey_csat_daily AS
      SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, queue, agent,
             count(*) AS responses,
             count(*) FILTER (WHERE answer >= 4) AS satisfied,
             round(100.0 * count(*) FILTER (WHERE answer >= 4) / count(*), 1) AS csat_pct,
             round(avg(answer), 2) AS mean_score
        FROM survey_responses WHERE question_type = 'csat'
       GROUP BY 1, 2, 3;

    COMMENT ON VIEW survey_csat_daily IS 'CSAT per UTC day, queue and agent: share of 4-5 answers (csat_pct) and mean score (1-5).';
    COMMENT ON COLUMN survey_csat_daily.day IS 'UTC day the answers were given.';
    COMMENT ON COLUMN survey_csat_daily.queue IS 'Queue of the rated call (NULL: no queue).';
    COMMENT ON COLUMN survey_csat_daily.agent IS 'Agent of the rated call (NULL: no agent).';
    COMMENT ON COLUMN survey_csat_daily.responses IS 'CSAT answers.';
    COMMENT ON COLUMN survey_csat_daily.satisfied IS 'Answers of 4 or 5.';
    COMMENT ON COLUMN survey_csat_daily.csat_pct IS 'satisfied / responses, in percent.';
    COMMENT ON COLUMN survey_csat_daily.mean_score IS 'Mean CSAT score, 1 to 5.';

    CREATE VIEW survey_nps_daily AS
      SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, queue, agent,
             count(*) AS responses,
             count(*) FILTER (WHERE answer >= 9) AS promoters,
             count(*) FILTER (WHERE answer BETWEEN 7 AND 8) AS passives,
             count(*) FILTER (WHERE answer <= 6) AS detractors,
             round(100.0 * (count(*) FILTER (WHERE answer >= 9) - count(*) FILTER (WHERE answer <= 6)) / count(*), 1) AS nps
        FROM survey_responses WHERE question_type = 'nps'
       GROUP BY 1, 2, 3;

    COMMENT ON VIEW survey_nps_daily IS 'Net Promoter Score per UTC day, queue and agent: % promoters (9-10) minus % detractors (0-6), from -100 to 100.';
    COMMENT ON COLUMN survey_nps_daily.day IS 'UTC day the answers were given.';
    COMMENT ON COLUMN survey_nps_daily.queue IS 'Queue of the rated call (NULL: no queue).';
    COMMENT ON COLUMN survey_nps_daily.agent IS 'Agent of the rated call (NULL: no agent).';
    COMMENT ON COLUMN survey_nps_daily.responses IS 'NPS answers.';
    COMMENT ON COLUMN survey_nps_daily.promoters IS 'Answers of 9 or 10.';
    COMMENT ON COLUMN survey_nps_daily.passives IS 'Answers of 7 or 8.';
    COMMENT ON COLUMN survey_nps_daily.detractors IS 'Answers of 0 to 6.';
    COMMENT ON COLUMN survey_nps_daily.nps IS 'Percent promoters minus percent detractors.';

    CREATE VIEW survey_completion AS
      SELECT call_id, survey_id, min(occurred_at) AS started_at, max(queue) AS queue, max(agent) AS agent,
             count(*) AS answered, max(questions_total) AS questions_total,
             count(*) = max(questions_total) AS completed
        FROM survey_responses
       GROUP BY call_id, survey_id;

    COMMENT ON VIEW survey_completion IS 'One row per surveyed call: questions answered of the total, and whether the caller completed the survey.';
    COMMENT ON COLUMN survey_completion.call_id IS 'The surveyed call.';
    COMMENT ON COLUMN survey_completion.survey_id IS 'Survey definition.';
    COMMENT ON COLUMN survey_completion.started_at IS 'When the first answer was given.';
    COMMENT ON COLUMN survey_completion.queue IS 'Queue of the call.';
    COMMENT ON COLUMN survey_completion.agent IS 'Agent of the call.';
    COMMENT ON COLUMN survey_completion.answered IS 'Questions answered.';
    COMMENT ON COLUMN survey_completion.questions_total IS 'Questions in the survey.';
    COMMENT ON COLUMN survey_completion.completed IS 'True when every question was answered.';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'DROP VIEW IF EXISTS survey_completion, survey_nps_daily, survey_csat_daily; DROP TABLE IF EXISTS survey_responses',
  );
}
