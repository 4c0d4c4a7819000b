import type { Knex } from 'knex';

/**
 * API keys for the HTTP API. Roles are a CHECK rather than a Postgres enum: a CHECK can be widened
 * or narrowed in one ALTER inside a transaction, an enum value can never be removed.
 *
 * Keys are 32 random bytes, so a plain SHA-256 is enough: a slow KDF (scrypt, bcrypt) protects
 * guessable passwords, while a 256-bit key cannot be brute-forced from its hash, and a fast hash
 * keeps authentication to one indexed lookup per request.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE api_keys (
      id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
      name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      role         text        NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent', 'analyst')),
      key_prefix   text        NOT NULL UNIQUE CHECK (key_prefix ~ '^[0-9a-f]{12}$'),
      key_hash     text        NOT NULL CHECK (key_hash ~ '^[0-9a-f]{64}$'),
      created_at   timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at   timestamptz
    );

    COMMENT ON TABLE api_keys IS
      'Keys that authenticate callers of the Tongdai HTTP API; one row per key, revoked keys are kept for audit.';
    COMMENT ON COLUMN api_keys.id IS 'Stable identifier of the key, used to revoke it.';
    COMMENT ON COLUMN api_keys.name IS 'Human label: who or what uses the key (e.g. "wallboard", "crm-sync").';
    COMMENT ON COLUMN api_keys.role IS
      'What the key may do: admin (everything), supervisor (queues, agents, live monitoring), agent (own state and calls), analyst (reports, read-only).';
    COMMENT ON COLUMN api_keys.key_prefix IS
      'Public part of the key (td_<key_prefix>_<secret>), used to find the row; safe to show and log.';
    COMMENT ON COLUMN api_keys.key_hash IS
      'SHA-256 (hex) of the whole key; the key itself is shown once at creation and never stored.';
    COMMENT ON COLUMN api_keys.created_at IS 'When the key was created.';
    COMMENT ON COLUMN api_keys.last_used_at IS
      'Last successful authentication with the key (updated at most once a minute); NULL if never used.';
    COMMENT ON COLUMN api_keys.revoked_at IS 'When the key was revoked; NULL while the key is valid.';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS api_keys');
}
