import type { Knex } from 'knex';

/**
 * Follow-ups: work someone owes a caller after the call (a voicemail to answer, a callback to make,
 * a complaint to resolve), each due by a per-type SLA. One item per (type, call).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE follow_up_slas (
      type        text        PRIMARY KEY CHECK (type IN ('voicemail', 'callback', 'complaint')),
      due_minutes integer     NOT NULL CHECK (due_minutes BETWEEN 1 AND 525600),
      updated_at  timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO follow_up_slas (type, due_minutes) VALUES ('complaint', 1440), ('callback', 120), ('voicemail', 240);

    COMMENT ON TABLE follow_up_slas IS 'How long each type of follow-up may stay unresolved: due_at = created_at + due_minutes.';
    COMMENT ON COLUMN follow_up_slas.type IS 'Follow-up type: voicemail, callback or complaint.';
    COMMENT ON COLUMN follow_up_slas.due_minutes IS 'Minutes from opening until the item is due (default: complaint 24 h, callback 2 h, voicemail 4 h).';
    COMMENT ON COLUMN follow_up_slas.updated_at IS 'When the SLA last changed (items already open keep their due time).';

    CREATE TABLE follow_ups (
      id              uuid        PRIMARY KEY,
      type            text        NOT NULL REFERENCES follow_up_slas (type),
      call_id         uuid        NOT NULL,
      customer_phone  text,
      customer_id     bigint      REFERENCES customers (id) ON DELETE SET NULL,
      status          text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'resolved')),
      assignee        text,
      due_at          timestamptz NOT NULL,
      source_ref      text,
      created_at      timestamptz NOT NULL DEFAULT now(),
      updated_at      timestamptz NOT NULL DEFAULT now(),
      started_at      timestamptz,
      resolved_at     timestamptz,
      resolved_by     text,
      resolution_note text,
      UNIQUE (type, call_id),
      CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
      CHECK (status <> 'in_progress' OR assignee IS NOT NULL)
    );
    CREATE INDEX follow_ups_open_idx ON follow_ups (due_at) WHERE status <> 'resolved';
    CREATE INDEX follow_ups_assignee_idx ON follow_ups (assignee, status);

    COMMENT ON TABLE follow_ups IS
      'Work owed to a caller after the call: a voicemail to answer, a callback to make, a complaint to resolve. One row per (type, call), opened by the IVR.';
    COMMENT ON COLUMN follow_ups.id IS 'Follow-up id (API: /api/v1/follow-ups/{id}).';
    COMMENT ON COLUMN follow_ups.type IS 'voicemail (a message was left), callback (the caller asked to be called back) or complaint (the call was classified as a complaint).';
    COMMENT ON COLUMN follow_ups.call_id IS 'The call that opened it (calls.call_id).';
    COMMENT ON COLUMN follow_ups.customer_phone IS 'Caller id of that call: who to get back to.';
    COMMENT ON COLUMN follow_ups.customer_id IS 'customers.id when the number is a known customer.';
    COMMENT ON COLUMN follow_ups.status IS 'open (nobody working on it), in_progress (the assignee started), resolved.';
    COMMENT ON COLUMN follow_ups.assignee IS 'Who owns it (agent id = API key name); NULL while unassigned.';
    COMMENT ON COLUMN follow_ups.due_at IS 'When it must be resolved by (follow_up_slas at opening).';
    COMMENT ON COLUMN follow_ups.source_ref IS 'What it is about: voicemails.id for a voicemail, callback_requests.id for a callback; NULL for a complaint.';
    COMMENT ON COLUMN follow_ups.created_at IS 'When it was opened.';
    COMMENT ON COLUMN follow_ups.updated_at IS 'When it last changed.';
    COMMENT ON COLUMN follow_ups.started_at IS 'When work started (status in_progress).';
    COMMENT ON COLUMN follow_ups.resolved_at IS 'When it was resolved; NULL until then.';
    COMMENT ON COLUMN follow_ups.resolved_by IS 'Who resolved it.';
    COMMENT ON COLUMN follow_ups.resolution_note IS 'What was done (required to resolve).';

    CREATE VIEW overdue_follow_ups AS
      SELECT f.id, f.type, f.call_id, f.customer_phone, f.customer_id, c.name AS customer_name, f.status,
             f.assignee, f.created_at, f.due_at,
             round(extract(epoch FROM now() - f.due_at) / 60)::integer AS minutes_overdue
        FROM follow_ups f LEFT JOIN customers c ON c.id = f.customer_id
       WHERE f.status <> 'resolved' AND f.due_at < now();

    COMMENT ON VIEW overdue_follow_ups IS 'Follow-ups past their due time and not resolved, with how late they are.';
    COMMENT ON COLUMN overdue_follow_ups.id IS 'follow_ups.id.';
    COMMENT ON COLUMN overdue_follow_ups.type IS 'voicemail, callback or complaint.';
    COMMENT ON COLUMN overdue_follow_ups.call_id IS 'The call that opened it.';
    COMMENT ON COLUMN overdue_follow_ups.customer_phone IS 'Who to get back to.';
    COMMENT ON COLUMN overdue_follow_ups.customer_id IS 'customers.id when known.';
    COMMENT ON COLUMN overdue_follow_ups.customer_name IS 'customers.name when known.';
    COMMENT ON COLUMN overdue_follow_ups.status IS 'open or in_progress.';
    COMMENT ON COLUMN overdue_follow_ups.assignee IS 'Who owns it; NULL when nobody does.';
    COMMENT ON COLUMN overdue_follow_ups.created_at IS 'When it was opened.';
    COMMENT ON COLUMN overdue_follow_ups.due_at IS 'When it was due.';
    COMMENT ON COLUMN overdue_follow_ups.minutes_overdue IS 'Minutes past due_at, now.';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'DROP VIEW IF EXISTS overdue_follow_ups; DROP TABLE IF EXISTS follow_ups; DROP TABLE IF EXISTS follow_up_slas',
  );
}
