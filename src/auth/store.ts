import type { Knex } from 'knex';
import { generateKey, keyMatches, keyPrefix } from './keys.js';
import type { Principal, Role } from './roles.js';

/** How stale last_used_at may get: one UPDATE a minute per key instead of one per request. */
export const DefaultLastUsedResolutionMs = 60_000;

/** An api_keys row as the API and CLI show it; never includes the hash. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

interface Row {
  id: string;
  name: string;
  role: Role;
  key_prefix: string;
  key_hash: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const Columns = ['id', 'name', 'role', 'key_prefix', 'created_at', 'last_used_at', 'revoked_at'];
const Uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toRecord(row: Omit<Row, 'key_hash'>): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.key_prefix,
    created_at: row.created_at.toISOString(),
    last_used_at: row.last_used_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
  };
}

/** API keys in Postgres: create (returns the key once), list, revoke, authenticate. */
export class ApiKeyStore {
  constructor(
    private readonly knex: Knex,
    private readonly lastUsedResolutionMs = DefaultLastUsedResolutionMs,
  ) {}

  async create(input: { name: string; role: Role }): Promise<{ record: ApiKeyRecord; key: string }> {
    const { key, prefix, hash } = generateKey();
    const [row] = (await this.knex('api_keys')
      .insert({ name: input.name, role: input.role, key_prefix: prefix, key_hash: hash })
      .returning(Columns)) as Row[];
    return { record: toRecord(row as Row), key };
  }

  async list(options: { includeRevoked?: boolean } = {}): Promise<ApiKeyRecord[]> {
    const q = this.knex('api_keys').select(Columns).orderBy('created_at').orderBy('id');
    if (!options.includeRevoked) q.whereNull('revoked_at');
    return ((await q) as Row[]).map(toRecord);
  }

  /** Revokes by id or by prefix; returns the key (already-revoked keys keep their first revoked_at). */
  async revoke(idOrPrefix: string): Promise<ApiKeyRecord | undefined> {
    const column = Uuid.test(idOrPrefix) ? 'id' : 'key_prefix';
    const [row] = (await this.knex('api_keys')
      .where(column, idOrPrefix.toLowerCase())
      .update({ revoked_at: this.knex.raw('coalesce(revoked_at, now())') })
      .returning(Columns)) as Row[];
    return row ? toRecord(row as Row) : undefined;
  }

  /** The principal for a presented key, or undefined when it is unknown, malformed or revoked. */
  async authenticate(key: string): Promise<Principal | undefined> {
    const prefix = keyPrefix(key);
    if (!prefix) return undefined;
    const row = (await this.knex('api_keys')
      .where({ key_prefix: prefix })
      .whereNull('revoked_at')
      .first()) as Row | undefined;
    if (!row || !keyMatches(key, row.key_hash)) return undefined;
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > this.lastUsedResolutionMs) {
      await this.knex('api_keys').where({ id: row.id }).update({ last_used_at: this.knex.fn.now() });
    }
    return { keyId: row.id, name: row.name, role: row.role, keyPrefix: row.key_prefix };
  }
}
