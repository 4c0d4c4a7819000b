import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Queue } from 'bullmq';
import { silentLogger } from '../../src/log/index.js';
import {
  createLeadImportQueue,
  createList,
  startLeadImport,
  startLeadImportWorker,
  type LeadImportJob,
} from '../../src/leads/index.js';
import { RepoRoot } from '../api/spawn.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { createTestRedis, TestRedisUrl, type TestRedis } from '../helpers/redis.js';

describe('leads: an import worker killed with SIGKILL mid-file', function () {
  this.timeout(180_000);
  let db: TestDatabase;
  let redis: TestRedis;
  let dir: string;
  let queue: Queue<LeadImportJob>;

  before(async () => {
    db = await createTestDatabase();
    redis = await createTestRedis();
    dir = await mkdtemp(path.join(tmpdir(), 'tongdai-crash-'));
    queue = createLeadImportQueue(
      { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null },
      redis.prefix,
    );
  });
  after(async () => {
    await queue?.close();
    await redis?.cleanup();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('is resumed by another worker after the last committed batch: every lead once, exact counts', async () => {
    const lines = ['phone,name'];
    for (let i = 0; i < 20_000; i++) {
      if (i % 100 === 99) lines.push(`bad-${i},x`);
      else lines.push(`09${String(i % 19_000).padStart(8, '0')},lead ${i}`);
    }
    const expected = { read: 20_000, rejected: 200 };
    const unique = new Set(
      lines
        .slice(1)
        .filter((l) => l.startsWith('09'))
        .map((l) => l.slice(0, 10)),
    ).size;
    const file = path.join(dir, 'big.csv');
    await writeFile(file, lines.join('\n') + '\n');
    const list = await createList(db.knex, { name: 'crash', default_country: 'VN' });
    const [upload] = (await db
      .knex('lead_uploads')
      .insert({ file_name: 'big.csv', path: file, bytes: 1, sha256: 'x' })
      .returning('id')) as Array<{ id: string }>;

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/leads/worker-child.ts'], {
      cwd: RepoRoot,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: db.url,
        REDIS_URL: TestRedisUrl,
        PREFIX: redis.prefix,
        LOCK_MS: '2000',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((r) => child.on('exit', r));
    let out = '';
    const progressed = new Promise<void>((resolve) =>
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        // Kill it once a few batches are in, well before the end.
        if ((out.match(/rows_read/g) ?? []).length >= 3) resolve();
      }),
    );
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    const imp = await startLeadImport(db.knex, queue, {
      listId: list.id,
      uploadId: upload!.id,
      options: { batch_rows: 500 } as never,
    });
    await progressed;
    child.kill('SIGKILL');
    await exited;

    const mid = await db.knex('lead_imports').where({ id: imp.id }).first();
    expect(mid.status).to.equal('running');
    expect(Number(mid.committed_line)).to.be.greaterThan(0).and.lessThan(20_001);

    // Another worker takes the stalled job over (its lock expires) and finishes it.
    const worker = startLeadImportWorker({
      connection: { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null },
      prefix: redis.prefix,
      db: db.knex,
      logger: silentLogger(),
      lockMs: 2000,
    });
    try {
      let row = mid;
      for (let i = 0; i < 1200 && row.status !== 'done' && row.status !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        row = await db.knex('lead_imports').where({ id: imp.id }).first();
      }
      expect(row.status, row.error).to.equal('done');
      expect(row).to.deep.include({
        rows_read: String(expected.read),
        rows_imported: String(unique),
        rows_merged: String(expected.read - expected.rejected - unique),
        rows_rejected: String(expected.rejected),
      });
      expect(await db.knex('leads').where({ list_id: list.id }).count()).to.deep.equal([
        { count: String(unique) },
      ]);
      expect(await db.knex('lead_import_errors').where({ import_id: imp.id }).count()).to.deep.equal([
        { count: String(expected.rejected) },
      ]);
    } finally {
      await worker.close();
    }
  });
});
