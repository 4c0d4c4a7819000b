import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { parse as parseYaml } from 'yaml';
import type { FlowDocument } from './schema.js';

/** One accepted version of a flow, as ivr_flow_versions keeps it. */
export interface StoredFlowVersion {
  flowId: string;
  version: number;
  document: FlowDocument;
  source: 'file' | 'api';
  changedBy: string;
  changedAt: string;
  comment: string | null;
}

export type NewFlowVersion = Omit<StoredFlowVersion, 'version' | 'changedAt'>;

/** Where flow versions live: Postgres in the engine, memory in tools and benchmarks. */
export interface FlowVersionStore {
  /** The newest version of each flow (of one source when given). */
  latest(source?: 'file' | 'api'): Promise<StoredFlowVersion[]>;
  append(v: NewFlowVersion): Promise<StoredFlowVersion>;
  list(flowId: string): Promise<StoredFlowVersion[]>;
  get(flowId: string, version: number): Promise<StoredFlowVersion | undefined>;
}

const fromRow = (r: Record<string, any>): StoredFlowVersion => ({
  flowId: r.flow_id,
  version: r.version,
  document: r.document,
  source: r.source,
  changedBy: r.changed_by,
  changedAt: new Date(r.changed_at).toISOString(),
  comment: r.comment ?? null,
});

/** Attempts at taking the next version number when two writers race for it. */
const AppendAttempts = 3;

export class PgFlowVersionStore implements FlowVersionStore {
  constructor(private readonly db: Knex) {}

  async latest(source?: 'file' | 'api'): Promise<StoredFlowVersion[]> {
    const rows = await this.db.raw(
      `SELECT DISTINCT ON (flow_id) * FROM ivr_flow_versions
        ${source ? 'WHERE source = ?' : ''} ORDER BY flow_id, version DESC`,
      source ? [source] : [],
    );
    return rows.rows.map(fromRow);
  }

  async append(v: NewFlowVersion): Promise<StoredFlowVersion> {
    for (let attempt = 1; ; attempt++) {
      try {
        const rows = await this.db.raw(
          `INSERT INTO ivr_flow_versions (flow_id, version, document, source, changed_by, comment)
           SELECT ?, coalesce(max(version), 0) + 1, ?::jsonb, ?, ?, ? FROM ivr_flow_versions WHERE flow_id = ?
           RETURNING *`,
          [v.flowId, JSON.stringify(v.document), v.source, v.changedBy, v.comment, v.flowId],
        );
        return fromRow(rows.rows[0]);
      } catch (err) {
        // 23505: another writer took this version number first; take the next one.
        if ((err as { code?: string }).code !== '23505' || attempt >= AppendAttempts) throw err;
      }
    }
  }

  async list(flowId: string): Promise<StoredFlowVersion[]> {
    const rows = await this.db('ivr_flow_versions').where({ flow_id: flowId }).orderBy('version', 'desc');
    return rows.map(fromRow);
  }

  async get(flowId: string, version: number): Promise<StoredFlowVersion | undefined> {
    const row = await this.db('ivr_flow_versions').where({ flow_id: flowId, version }).first();
    return row ? fromRow(row) : undefined;
  }
}

export class MemoryFlowVersionStore implements FlowVersionStore {
  private readonly rows: StoredFlowVersion[] = [];

  async latest(source?: 'file' | 'api'): Promise<StoredFlowVersion[]> {
    const newest = new Map<string, StoredFlowVersion>();
    for (const r of this.rows) if (!source || r.source === source) newest.set(r.flowId, r);
    return [...newest.values()];
  }
  async append(v: NewFlowVersion): Promise<StoredFlowVersion> {
    const version = this.rows.filter((r) => r.flowId === v.flowId).length + 1;
    const row = { ...v, version, changedAt: new Date().toISOString() };
    this.rows.push(row);
    return row;
  }
  async list(flowId: string): Promise<StoredFlowVersion[]> {
    return this.rows.filter((r) => r.flowId === flowId).reverse();
  }
  async get(flowId: string, version: number): Promise<StoredFlowVersion | undefined> {
    return this.rows.find((r) => r.flowId === flowId && r.version === version);
  }
}

/** A file of the flows folder, parsed but not validated; `error` when it is not YAML/JSON at all. */
export interface FlowFile {
  source: string;
  /** File name without extension: a flow file's id must match it. */
  name: string;
  content?: unknown;
  error?: string;
}

/** The folder's routing file (DIDs, default flow, queues); every other file is a flow. */
export const RoutingFileName = 'routing';
const Extensions = new Set(['.yaml', '.yml', '.json']);

export async function readFlowFolder(dir: string): Promise<{ routing?: FlowFile; flows: FlowFile[] }> {
  const names = (await readdir(dir)).filter((n) => Extensions.has(path.extname(n))).sort();
  const files = await Promise.all(
    names.map(async (n): Promise<FlowFile> => {
      const source = path.join(dir, n);
      const name = path.basename(n, path.extname(n));
      try {
        const text = await readFile(source, 'utf8');
        return { source, name, content: path.extname(n) === '.json' ? JSON.parse(text) : parseYaml(text) };
      } catch (err) {
        return { source, name, error: (err as Error).message.split('\n')[0] };
      }
    }),
  );
  return {
    routing: files.find((f) => f.name === RoutingFileName),
    flows: files.filter((f) => f.name !== RoutingFileName),
  };
}

/** JSON with sorted keys: Postgres jsonb reorders keys, so equality is compared on this. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
