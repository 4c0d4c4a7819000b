import { expect } from 'chai';
import type { StoredRecordings } from '../../src/ari/index.js';
import { PgVoicemailStore } from '../../src/voicemail/store.js';
import { registerVoicemailRoutes } from '../../src/voicemail/routes.js';
import { type ApiHarness, startApi } from '../api/harness.js';
import { startAriHarness, type AriHarness } from '../helpers/ari.js';
import { lateKnex } from '../followups/late-knex.js';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * Voicemail boxes and messages through the API, by role, with the audio in the simulator's stored
 * recordings (what Asterisk keeps): list, stream, mark heard, delete.
 */
describe('voicemail: boxes, messages and audio through the API by role', function () {
  this.timeout(60_000);
  let h: ApiHarness;
  let ari: AriHarness;
  let store: PgVoicemailStore;
  let recordings: StoredRecordings | undefined;
  let agentKey2: string;

  before(async () => {
    ari = await startAriHarness();
    store = new PgVoicemailStore(lateKnex(() => h.db.knex));
    h = await startApi({
      routes: [
        registerVoicemailRoutes({
          store,
          recordings: () => recordings,
          memberships: async (agent) => (agent === 'test-agent-2' ? [{ type: 'queue', id: 'support' }] : []),
        }),
      ],
    });
    agentKey2 = (await h.store.create({ name: 'test-agent-2', role: 'agent' })).key;
  });
  after(async () => {
    await h?.close();
    await ari?.close();
  });

  const api = async (path: string, key: string, init: RequestInit = {}) => {
    const res = await h.request(path, { ...init, key });
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      type,
      body: type.startsWith('application/json')
        ? ((await res.json()) as any)
        : Buffer.from(await res.arrayBuffer()),
    };
  };

  /** A message as the voicemail node leaves it: a recording Asterisk stored, then the row. */
  async function leave(boxId: string, n: number, seconds: number) {
    const name = `voicemail/${boxId}/${uuid(n)}`;
    const recorded = new Promise<void>((resolve, reject) => {
      ari.ari.onCall(async (call) => {
        try {
          await call.answer();
          const rec = await call.startRecording({ name, format: 'wav', ifExists: 'overwrite' });
          await new Promise((r) => setTimeout(r, seconds * 1000 + 100));
          await rec.stop();
          await rec.done();
          await call.hangup();
          resolve();
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    await ari.sim.control.placeCall({ from: `+8490100000${n}`, to: '+842838220000' });
    await recorded;
    return store.save({
      boxId,
      callId: uuid(n),
      callerNumber: `+8490100000${n}`,
      recordingName: name,
      durationSeconds: seconds,
      language: 'vi',
    });
  }

  it('the routes are in /openapi.json (the audio as audio/wav)', async () => {
    const res = await h.request('/openapi.json');
    expect(res.status).to.equal(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, any>> };
    expect(Object.keys(doc.paths)).to.include.members([
      '/api/v1/voicemail/boxes',
      '/api/v1/voicemail/boxes/{boxId}',
      '/api/v1/voicemail/boxes/{boxId}/messages',
      '/api/v1/voicemail/messages/{id}',
      '/api/v1/voicemail/messages/{id}/audio',
      '/api/v1/voicemail/messages/{id}/heard',
    ]);
    expect(JSON.stringify(doc.paths['/api/v1/voicemail/messages/{id}/audio']!.get)).to.include('audio/wav');
  });

  it('admins create boxes (validated); agents see their own and their queues’ boxes; supervisors all', async () => {
    const put = (id: string, body: unknown, key = h.keys.admin) =>
      api(`/api/v1/voicemail/boxes/${id}`, key, { method: 'PUT', body: JSON.stringify(body) });
    expect(
      (await put('support', { name: 'Support team', owner_type: 'queue', owner_id: 'support' })).body,
    ).to.deep.equal({
      box_id: 'support',
      name: 'Support team',
      language: 'en',
      greeting: null,
      owner_type: 'queue',
      owner_id: 'support',
      max_message_seconds: 120,
    });
    await put('lan', {
      name: 'Lan (sales)',
      language: 'vi',
      greeting: 'sound:vm-intro',
      owner_type: 'agent',
      owner_id: 'test-agent',
      max_message_seconds: 60,
    });
    await put('reception', { name: 'Reception', owner_type: 'team', owner_id: 'reception', language: 'fa' });
    expect(
      (await put('x', { name: 'X', owner_type: 'queue', owner_id: 'q' }, h.keys.supervisor)).status,
    ).to.equal(403);
    const bad = await put('Bad Id', { name: '', owner_type: 'desk', owner_id: 'q', greeting: 'http://x' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path)).to.have.members([
      'params.boxId',
      'body.name',
      'body.owner_type',
      'body.greeting',
    ]);

    const boxes = async (key: string) =>
      (await api('/api/v1/voicemail/boxes', key)).body.items.map((b: { box_id: string }) => b.box_id);
    expect(await boxes(h.keys.supervisor)).to.deep.equal(['lan', 'reception', 'support']);
    expect(await boxes(h.keys.agent)).to.deep.equal(['lan']);
    expect(await boxes(agentKey2)).to.deep.equal(['support']);
    expect((await api('/api/v1/voicemail/boxes', h.keys.analyst)).status).to.equal(403);
  });

  it('lists messages (newest first, heard filter), streams the audio, marks heard once, deletes (supervisors)', async () => {
    const first = await leave('support', 1, 1);
    const second = await leave('support', 2, 2);
    expect(first.created).to.equal(true);
    const again = await store.save({
      boxId: 'support',
      callId: uuid(1),
      callerNumber: null,
      recordingName: 'voicemail/support/dup',
      durationSeconds: 9,
      language: null,
    });
    expect(again).to.deep.equal({ id: first.id, created: false });

    recordings = ari.ari.stored;
    const list = await api('/api/v1/voicemail/boxes/support/messages', agentKey2);
    expect(list.status).to.equal(200);
    expect(list.body.items.map((m: { id: string }) => m.id)).to.deep.equal([second.id, first.id]);
    expect(list.body.items[1]).to.include({
      call_id: uuid(1),
      caller_number: '+84901000001',
      duration_seconds: 1,
      heard_at: null,
    });
    expect((await api('/api/v1/voicemail/boxes/support/messages', h.keys.agent)).status).to.equal(403);
    expect((await api('/api/v1/voicemail/boxes/nope/messages', h.keys.supervisor)).status).to.equal(404);

    const audio = await api(`/api/v1/voicemail/messages/${second.id}/audio`, agentKey2);
    expect(audio.status).to.equal(200);
    expect(audio.type).to.match(/^audio\/(x-)?wav/);
    const wav = audio.body as Buffer;
    expect(wav.subarray(0, 4).toString()).to.equal('RIFF');
    expect(wav.length).to.be.greaterThan(2 * 8000 * 2); // ≥ 2 s of 8 kHz 16-bit audio
    expect((await api(`/api/v1/voicemail/messages/${second.id}/audio`, h.keys.agent)).status).to.equal(403);

    const heard = await api(`/api/v1/voicemail/messages/${first.id}/heard`, agentKey2, { method: 'POST' });
    expect(heard.body).to.include({ heard_by: 'test-agent-2' });
    expect(heard.body.heard_at).to.be.a('string');
    const later = await api(`/api/v1/voicemail/messages/${first.id}/heard`, h.keys.supervisor, {
      method: 'POST',
    });
    expect(later.body).to.include({ heard_by: 'test-agent-2', heard_at: heard.body.heard_at });
    const unheard = await api('/api/v1/voicemail/boxes/support/messages?heard=false', h.keys.supervisor);
    expect(unheard.body.items.map((m: { id: string }) => m.id)).to.deep.equal([second.id]);
    const boxes = await api('/api/v1/voicemail/boxes', h.keys.supervisor);
    expect(boxes.body.items.find((b: { box_id: string }) => b.box_id === 'support')).to.include({
      messages: 2,
      unheard: 1,
    });

    expect(
      (await api(`/api/v1/voicemail/messages/${first.id}`, agentKey2, { method: 'DELETE' })).status,
    ).to.equal(403);
    expect(
      (await api(`/api/v1/voicemail/messages/${first.id}`, h.keys.supervisor, { method: 'DELETE' })).status,
    ).to.equal(204);
    expect(await ari.ari.stored.get(`voicemail/support/${uuid(1)}`)).to.equal(undefined);
    expect((await api(`/api/v1/voicemail/messages/${first.id}`, h.keys.supervisor)).status).to.equal(404);
    expect(
      (await api(`/api/v1/voicemail/messages/${first.id}`, h.keys.supervisor, { method: 'DELETE' })).status,
    ).to.equal(404);

    // Audio gone from Asterisk behind our back: 404 with the reason, not a 500.
    await ari.ari.stored.delete(`voicemail/support/${uuid(2)}`);
    const gone = await api(`/api/v1/voicemail/messages/${second.id}/audio`, h.keys.supervisor);
    expect(gone.status).to.equal(404);
    expect(gone.body.error.message).to.match(/no longer in Asterisk/);
    recordings = undefined;
    expect((await api(`/api/v1/voicemail/messages/${second.id}/audio`, h.keys.supervisor)).status).to.equal(
      503,
    );
    expect((await api('/api/v1/voicemail/messages/not-an-id/audio', h.keys.supervisor)).status).to.equal(400);
  });
});
