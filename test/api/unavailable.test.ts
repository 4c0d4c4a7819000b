import { expect } from 'chai';
import { createApi, listen } from '../../src/api/index.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import { createMetrics } from '../../src/metrics/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';

describe('api: database not migrated', () => {
  let db: TestDatabase;
  let server: http.Server;
  let baseUrl: string;
  before(async () => {
    db = await createTestDatabase({ migrate: false });
    const { app } = createApi({
      config: loadConfig({ DATABASE_URL: db.url }),
      logger: silentLogger(),
      metrics: createMetrics(),
      db: db.knex,
      health: { checks: {} },
    });
    server = await listen(app, '127.0.0.1', 0);
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server?.close();
    await db?.drop();
  });

  it('answers 503 UNAVAILABLE to a key it cannot check, not 401 or 500', async () => {
    const res = await fetch(`${baseUrl}/api/v1/whoami`, {
      headers: { authorization: `Bearer td_0123456789ab_${'A'.repeat(43)}` },
    });
    expect(res.status).to.equal(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).to.equal('UNAVAILABLE');
    expect(body.error.message).to.not.match(/api_keys|relation|postgres/);
  });

  it('still answers 401 without a key: no database needed to say so', async () => {
    expect((await fetch(`${baseUrl}/api/v1/whoami`)).status).to.equal(401);
  });
});
