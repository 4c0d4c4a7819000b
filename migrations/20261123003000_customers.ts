import type { Knex } from 'knex';

/**
 * What the IVR knows about callers before they speak: `customers` (looked up by calling number; a
 * VIP's call gets priority) and `callback_requests` (callers who asked to be called back instead of
 * waiting; the follow-up dialer works through the pending ones).
 */
export async function up(knex: Knex): Promise<void> {
  // knex.raw reads "?" as a binding: "\\?" is a literal question mark (the optional region in language).
  await knex.raw(`
    CREATE TABLE customers (
      id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      phone      text        NOT NULL UNIQUE CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
      name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      tags       text[]      NOT NULL DEFAULT '{}',
      vip        boolean     NOT NULL DEFAULT false,
      language   text        CHECK (language ~ '^[a-z]{2}(_[A-Z]{2})\\?$'),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    COMMENT ON TABLE customers IS
      'Known callers, found by their calling number when a call reaches an IVR lookup node; one row per phone number.';
    COMMENT ON COLUMN customers.id IS 'Row number, stable for references from other tables.';
    COMMENT ON COLUMN customers.phone IS 'Phone number in E.164 (+ and 7 to 15 digits), as the caller id arrives; unique.';
    COMMENT ON COLUMN customers.name IS 'Name shown to agents and available to IVR flows as customer.name.';
    COMMENT ON COLUMN customers.tags IS 'Free labels (segment, product, account manager...), available to flows as customer.tags.';
    COMMENT ON COLUMN customers.vip IS 'True for customers whose calls jump the queue: the lookup node raises the call priority.';
    COMMENT ON COLUMN customers.language IS 'Preferred prompt language (en, vi, fa, ...) when known; NULL lets the caller choose.';
    COMMENT ON COLUMN customers.created_at IS 'When the row was created.';
    COMMENT ON COLUMN customers.updated_at IS 'When the row last changed.';

    CREATE TABLE callback_requests (
      id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      call_id      uuid        NOT NULL UNIQUE,
      phone        text        NOT NULL CHECK (length(phone) BETWEEN 1 AND 64),
      did          text,
      flow_id      text        NOT NULL,
      node_id      text        NOT NULL,
      language     text        NOT NULL,
      purpose      text,
      priority     smallint    CHECK (priority BETWEEN 0 AND 100),
      status       text        NOT NULL DEFAULT 'pending'
                               CHECK (status IN ('pending', 'dialing', 'done', 'failed', 'cancelled')),
      requested_at timestamptz NOT NULL DEFAULT now(),
      done_at      timestamptz
    );
    CREATE INDEX callback_requests_pending_idx ON callback_requests (requested_at) WHERE status = 'pending';

    COMMENT ON TABLE callback_requests IS
      'Callers who asked to be called back (IVR callback node); one row per call that asked. The follow-up dialer takes pending rows, oldest and highest priority first.';
    COMMENT ON COLUMN callback_requests.id IS 'Row number, in order of request.';
    COMMENT ON COLUMN callback_requests.call_id IS 'The inbound call that asked (calls.call_id); unique, so a retried write stores one request.';
    COMMENT ON COLUMN callback_requests.phone IS 'Number to call back: the caller id of that call.';
    COMMENT ON COLUMN callback_requests.did IS 'The DID the caller had dialled (which line or brand to call back from).';
    COMMENT ON COLUMN callback_requests.flow_id IS 'IVR flow in which the caller asked.';
    COMMENT ON COLUMN callback_requests.node_id IS 'IVR node in which the caller asked.';
    COMMENT ON COLUMN callback_requests.language IS 'Prompt language of the call, for the call back.';
    COMMENT ON COLUMN callback_requests.purpose IS 'Purpose tag the call had (sales, support, billing, complaint...), if classified.';
    COMMENT ON COLUMN callback_requests.priority IS 'Priority the call had, 0 (lowest) to 100, if any.';
    COMMENT ON COLUMN callback_requests.status IS 'pending (not yet tried), dialing, done (reached), failed (gave up), cancelled.';
    COMMENT ON COLUMN callback_requests.requested_at IS 'When the caller asked.';
    COMMENT ON COLUMN callback_requests.done_at IS 'When the request left pending/dialing for good; NULL until then.';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS callback_requests; DROP TABLE IF EXISTS customers');
}
