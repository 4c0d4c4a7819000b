import { expect } from 'chai';
import { createTestDatabase } from '../helpers/db.js';
import { createTestRedis, deletePrefix } from '../helpers/redis.js';

describe('test helpers: each test owns its data', () => {
  it('createTestDatabase gives a migrated database of its own and drop() removes it', async () => {
    const a = await createTestDatabase();
    const b = await createTestDatabase();
    try {
      expect(a.url).to.not.equal(b.url);
      expect(await a.knex.schema.hasTable('api_keys')).to.equal(true);
    } finally {
      await b.drop();
    }
    const name = new URL(b.url).pathname.slice(1);
    const left = await a.knex.raw('SELECT 1 FROM pg_database WHERE datname = ?', [name]);
    expect(left.rowCount).to.equal(0);
    await a.drop();
  });

  it('createTestRedis cleans up its own prefix and nothing else', async () => {
    const mine = await createTestRedis();
    const other = await createTestRedis();
    try {
      await mine.redis.set(mine.key('agent:1001'), 'available');
      await mine.redis.hset(mine.key('queue:sales'), 'waiting', '3');
      await other.redis.set(other.key('agent:1001'), 'on-call');
      expect(mine.prefix).to.match(/^tongdai_test_[0-9a-f]{12}:$/);
      await mine.cleanup();
      expect(await other.redis.exists(mine.key('agent:1001'), mine.key('queue:sales'))).to.equal(0);
      expect(await other.redis.get(other.key('agent:1001'))).to.equal('on-call');
    } finally {
      await other.cleanup();
    }
  });

  it('deletePrefix treats glob characters in a prefix literally', async () => {
    const t = await createTestRedis();
    try {
      const bystander = `${t.prefix}x`;
      await t.redis.set(bystander, '1');
      expect(await deletePrefix(t.redis, `${t.prefix}*`)).to.equal(0);
      expect(await t.redis.get(bystander)).to.equal('1');
    } finally {
      await t.cleanup();
    }
  });
});
