import { expect } from 'chai';
import { hashKey } from '../../src/auth/keys.js';
import { startApi, type ApiHarness } from './harness.js';
import { runTs } from './spawn.js';

interface KeyBody {
  id: string;
  name: string;
  role: string;
  prefix: string;
  key?: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

describe('api: /api/v1/apikeys and npm run apikey', () => {
  let h: ApiHarness;
  before(async () => (h = await startApi()));
  after(async () => h?.close());

  const create = async (body: unknown) =>
    h.request('/api/v1/apikeys', { method: 'POST', body: JSON.stringify(body), key: h.keys.admin });
  const list = async (query = '') =>
    (
      (await (await h.request(`/api/v1/apikeys${query}`, { key: h.keys.admin })).json()) as {
        items: KeyBody[];
      }
    ).items;

  it('creates a key, shows it once and stores only its hash', async () => {
    const res = await create({ name: 'wallboard', role: 'supervisor' });
    expect(res.status).to.equal(201);
    const created = (await res.json()) as KeyBody;
    expect(created.key).to.match(/^td_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created).to.include({
      name: 'wallboard',
      role: 'supervisor',
      revoked_at: null,
      last_used_at: null,
    });
    expect(created.key!.split('_')[1]).to.equal(created.prefix);

    const row = await h.db.knex('api_keys').where({ id: created.id }).first();
    expect(row.key_hash).to.equal(hashKey(created.key!));
    expect(JSON.stringify(row)).to.not.include(created.key!.slice(16));

    const listed = (await list()).find((k) => k.id === created.id)!;
    expect(listed).to.not.have.property('key');
    expect(listed).to.not.have.property('key_hash');

    const me = await h.request('/api/v1/whoami', { key: created.key });
    expect(((await me.json()) as { role: string }).role).to.equal('supervisor');
    const used = (await list()).find((k) => k.id === created.id)!;
    expect(used.last_used_at).to.be.a('string');
  });

  it('refuses a bad role or an empty name with field paths', async () => {
    const res = await create({ name: '  ', role: 'root' });
    expect(res.status).to.equal(400);
    const { error } = (await res.json()) as { error: { issues: Array<{ path: string }> } };
    expect(error.issues.map((i) => i.path)).to.have.members(['body.name', 'body.role']);
  });

  it('revokes by id and by prefix; a revoked key stops working at once', async () => {
    const a = (await (await create({ name: 'a', role: 'agent' })).json()) as KeyBody;
    const b = (await (await create({ name: 'b', role: 'analyst' })).json()) as KeyBody;
    expect((await h.request('/api/v1/whoami', { key: a.key })).status).to.equal(200);

    const byId = await h.request(`/api/v1/apikeys/${a.id}`, { method: 'DELETE', key: h.keys.admin });
    expect(byId.status).to.equal(200);
    expect(((await byId.json()) as KeyBody).revoked_at).to.be.a('string');
    const byPrefix = await h.request(`/api/v1/apikeys/${b.prefix}`, { method: 'DELETE', key: h.keys.admin });
    expect(byPrefix.status).to.equal(200);

    for (const key of [a.key, b.key])
      expect((await h.request('/api/v1/whoami', { key })).status).to.equal(401);
    const active = (await list()).map((k) => k.id);
    expect(active).to.not.include.members([a.id, b.id]);
    const all = (await list('?include_revoked=true')).map((k) => k.id);
    expect(all).to.include.members([a.id, b.id]);
  });

  it('404 for revoking a key that does not exist, 400 for a malformed id', async () => {
    const missing = await h.request('/api/v1/apikeys/00000000-0000-4000-8000-000000000000', {
      method: 'DELETE',
      key: h.keys.admin,
    });
    expect(missing.status).to.equal(404);
    const bad = await h.request('/api/v1/apikeys/zzz', { method: 'DELETE', key: h.keys.admin });
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as any).error.issues[0].path).to.equal('params.id');
  });

  describe('npm run apikey', function () {
    this.timeout(60_000); // each case spawns tsx
    const env = () => ({ DATABASE_URL: h.db.url });

    it('create prints the key alone on stdout and it authenticates', async () => {
      const r = await runTs(
        'scripts/apikey.ts',
        ['create', '--role', 'admin', '--name', 'ops laptop'],
        env(),
      );
      expect(r.code, r.stderr).to.equal(0);
      const key = r.stdout.trim();
      expect(key).to.match(/^td_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      expect(r.stderr).to.match(/created admin key .* not shown again/);
      const me = (await (await h.request('/api/v1/whoami', { key })).json()) as {
        name: string;
        role: string;
      };
      expect(me).to.include({ name: 'ops laptop', role: 'admin' });
    });

    it('list shows keys without secrets; revoke by prefix disables one', async () => {
      const created = await runTs('scripts/apikey.ts', ['create', '--role', 'analyst'], env());
      const key = created.stdout.trim();
      const prefix = key.split('_')[1]!;
      const listed = await runTs('scripts/apikey.ts', ['list'], env());
      expect(listed.code).to.equal(0);
      expect(listed.stdout).to.include(prefix).and.include('analyst key');
      expect(listed.stdout).to.not.include(key.slice(16));

      const revoked = await runTs('scripts/apikey.ts', ['revoke', prefix], env());
      expect(revoked.code, revoked.stderr).to.equal(0);
      expect(revoked.stdout).to.match(/^revoked analyst key/);
      expect((await h.request('/api/v1/whoami', { key })).status).to.equal(401);
      expect((await runTs('scripts/apikey.ts', ['list'], env())).stdout).to.not.include(prefix);
      expect((await runTs('scripts/apikey.ts', ['list', '--all'], env())).stdout).to.include(prefix);
    });

    it('bad arguments exit 2 with a usage message', async () => {
      for (const args of [
        [],
        ['create'],
        ['create', '--role', 'root'],
        ['fly'],
        ['revoke'],
        ['list', '--bogus'],
      ]) {
        const r = await runTs('scripts/apikey.ts', args, env());
        expect(r.code, args.join(' ')).to.equal(2);
        expect(r.stderr, args.join(' ')).to.match(/^apikey: .+\nusage: npm run apikey/);
      }
    });

    it('revoking an unknown key exits 1 and says so', async () => {
      const r = await runTs('scripts/apikey.ts', ['revoke', 'abcdefabcdef'], env());
      expect(r.code).to.equal(1);
      expect(r.stderr).to.include('no key with id or prefix "abcdefabcdef"');
    });
  });
});
