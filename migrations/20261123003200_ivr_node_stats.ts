import type { Knex } from 'knex';

/**
 * IVR analytics over call_events rows of type 'ivr_node' (one per node visit; detail carries flow,
 * version, node, nodeType, branch and ms). The function takes a period so Postgres prunes the
 * monthly partitions; the view is the same over all time.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION ivr_node_stats_between(from_at timestamptz, to_at timestamptz)
    RETURNS TABLE (
      flow_id text, node_id text, node_type text, entries bigint, exits bigint, hangups bigint,
      errors bigint, exits_by_branch jsonb, avg_ms numeric, first_visit timestamptz, last_visit timestamptz
    ) LANGUAGE sql STABLE AS $f$
      WITH visits AS (
        SELECT e.detail->>'flow' AS flow_id, e.detail->>'node' AS node_id, e.detail->>'nodeType' AS node_type,
               e.detail->>'branch' AS branch, (e.detail->>'ms')::numeric AS ms, e.at
          FROM call_events e
         WHERE e.type = 'ivr_node' AND e.call_started_at >= from_at AND e.call_started_at < to_at
      ),
      by_branch AS (
        SELECT v.flow_id, v.node_id, jsonb_object_agg(v.branch, v.n ORDER BY v.branch) AS exits_by_branch
          FROM (SELECT flow_id, node_id, branch, count(*) AS n FROM visits
                 WHERE branch NOT IN ('hangup', 'error') GROUP BY 1, 2, 3) v
         GROUP BY 1, 2
      )
      SELECT v.flow_id, v.node_id, max(v.node_type), count(*),
             count(*) FILTER (WHERE v.branch NOT IN ('hangup', 'error')),
             count(*) FILTER (WHERE v.branch = 'hangup'),
             count(*) FILTER (WHERE v.branch = 'error'),
             coalesce(max(b.exits_by_branch::text)::jsonb, '{}'::jsonb),
             round(avg(v.ms), 1), min(v.at), max(v.at)
        FROM visits v LEFT JOIN by_branch b USING (flow_id, node_id)
       GROUP BY v.flow_id, v.node_id
    $f$;

    COMMENT ON FUNCTION ivr_node_stats_between(timestamptz, timestamptz) IS
      'IVR containment and drop-off per flow and node for calls started in [from_at, to_at): entries, exits (by branch), hang-ups, errors, average time in the node.';

    CREATE VIEW ivr_node_stats AS
      SELECT * FROM ivr_node_stats_between('-infinity', 'infinity');

    COMMENT ON VIEW ivr_node_stats IS
      'Per IVR flow and node, over all time: entries (visits), exits (left by a branch), exits_by_branch (branch -> count, e.g. {"1": 40, "noInput": 3}), hangups (caller hung up in the node), errors, avg_ms (time in the node, prompts included), first and last visit. For a period use ivr_node_stats_between(from, to).';
    COMMENT ON COLUMN ivr_node_stats.flow_id IS 'IVR flow (ivr_flow_versions.flow_id).';
    COMMENT ON COLUMN ivr_node_stats.node_id IS 'Node id within the flow.';
    COMMENT ON COLUMN ivr_node_stats.node_type IS 'Node type: play, menu, collect, hours, language, classify, lookup, http, queue, endpoint, callback, subflow, hangup.';
    COMMENT ON COLUMN ivr_node_stats.entries IS 'Visits of the node (a caller who comes back counts again).';
    COMMENT ON COLUMN ivr_node_stats.exits IS 'Visits that left by a branch (entries - hangups - errors).';
    COMMENT ON COLUMN ivr_node_stats.hangups IS 'Visits during which the caller hung up: drop-off at this node.';
    COMMENT ON COLUMN ivr_node_stats.errors IS 'Visits that ended in an engine error.';
    COMMENT ON COLUMN ivr_node_stats.exits_by_branch IS 'Exits per branch name (menu key, noInput, noMatch, open/closed/holiday, next, fallback, noAnswer...).';
    COMMENT ON COLUMN ivr_node_stats.avg_ms IS 'Average milliseconds in the node, prompts and waits included.';
    COMMENT ON COLUMN ivr_node_stats.first_visit IS 'First visit in the period.';
    COMMENT ON COLUMN ivr_node_stats.last_visit IS 'Last visit in the period.';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'DROP VIEW IF EXISTS ivr_node_stats; DROP FUNCTION IF EXISTS ivr_node_stats_between(timestamptz, timestamptz)',
  );
}
