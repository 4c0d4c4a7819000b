import type { Knex } from 'knex';

/**
 * Every version of every IVR flow ever accepted, with who changed it and when. Only documents that
 * passed validation are stored, so the newest version of a flow is the one serving new calls.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE ivr_flow_versions (
      flow_id    text        NOT NULL CHECK (flow_id ~ '^[a-z][a-z0-9_-]{0,63}$'),
      version    integer     NOT NULL CHECK (version >= 1),
      document   jsonb       NOT NULL,
      source     text        NOT NULL CHECK (source IN ('file', 'api')),
      changed_by text        NOT NULL CHECK (length(changed_by) BETWEEN 1 AND 300),
      changed_at timestamptz NOT NULL DEFAULT now(),
      comment    text,
      PRIMARY KEY (flow_id, version)
    );

    COMMENT ON TABLE ivr_flow_versions IS
      'Versions of IVR flows (menus as data), one row per accepted change; the highest version of a flow serves new calls, a call in progress finishes on the version it started with.';
    COMMENT ON COLUMN ivr_flow_versions.flow_id IS 'The flow (e.g. main, billing); call_events.detail->>''flow'' of ivr_node events.';
    COMMENT ON COLUMN ivr_flow_versions.version IS 'Version number within the flow, from 1, one more per change.';
    COMMENT ON COLUMN ivr_flow_versions.document IS 'The flow document as validated (defaults filled in): start node and nodes by id.';
    COMMENT ON COLUMN ivr_flow_versions.source IS 'file (loaded from the flows folder) or api (PUT /api/v1/ivr/flows/{id}).';
    COMMENT ON COLUMN ivr_flow_versions.changed_by IS 'Who made the change: file:<path> or the API key''s name and prefix.';
    COMMENT ON COLUMN ivr_flow_versions.changed_at IS 'When the version was accepted.';
    COMMENT ON COLUMN ivr_flow_versions.comment IS 'Why, in the author''s words (optional).';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS ivr_flow_versions');
}
