import { expect } from 'chai';
import {
  createRecordingService,
  queuePolicies,
  type RecordingFeature,
} from '../../src/acd/recording/index.js';
import {
  type AcdHarness,
  type ApiServer,
  eventually,
  startAcdHarness,
  startApiServer,
} from './recording-harness.js';
import { sleep } from '../helpers/ari.js';

const wavMs = (buf: Buffer) => (buf.readUInt32LE(40) / 2 / buf.readUInt32LE(24)) * 1000;

describe('acd/recording: policy, consent, pause for card data, files by role, retention', function () {
  let acd: AcdHarness;
  let api: ApiServer;
  let feature: RecordingFeature;

  beforeEach(async () => {
    acd = await startAcdHarness();
    api = await startApiServer((db) => {
      feature = createRecordingService({
        db: db.knex,
        logger: acd.h.ari.logger,
        conversations: acd.conversations,
        policy: queuePolicies(
          {
            sales: { mode: 'always', consentPrompt: 'hello-world', optOutDigit: '9' },
            support: { mode: 'always' },
            vip: { mode: 'always', consentPrompt: 'custom/no-such-prompt' },
            billing: { mode: 'never' },
            complaints: { mode: 'on_demand', consentPrompt: 'hello-world' },
          },
          { mode: 'never' },
        ),
        stored: () => acd.h.ari.stored,
        retentionDays: 30,
        purgeIntervalMs: 0,
      });
      return [feature.routes];
    });
    acd.hooks.push(feature.hooks);
  });
  afterEach(async () => {
    feature.close();
    await api.close();
    await acd.close();
  });

  const rows = () => api.db.knex('recordings').select('*');

  it('always + consent: the prompt plays in the caller’s language before a snoop (spy both) is recorded; pauses mute the file and are stored; agents fetch only their own', async () => {
    const c = await acd.connect({ queue: 'sales', language: 'fa', from: '+989121234567' });
    const [row] = await rows();
    expect(row).to.include({
      status: 'recording',
      consent: 'notified',
      language: 'fa',
      policy: 'always',
      agent: 'agent1',
      queue: 'sales',
    });
    expect(row.call_id).to.equal(c.caller.callId);
    expect(row.agent_call_id).to.equal(c.agentLeg.callId);
    const reqs = await acd.h.sim.control.requests();
    const play = reqs.findIndex(
      (r) => r.method === 'POST' && r.path.includes(`/channels/${c.caller.channelId}/play`),
    );
    const snoop = reqs.findIndex((r) => r.path.includes(`/channels/${c.caller.channelId}/snoop`));
    const record = reqs.findIndex((r) => r.path.endsWith('/record'));
    expect(play, 'consent prompt played').to.be.greaterThan(-1);
    expect({ ...reqs[play]!.query, ...(reqs[play]!.body as object) }).to.include({
      lang: 'fa',
      media: 'sound:hello-world',
    });
    expect(snoop).to.be.greaterThan(play);
    expect({ ...reqs[snoop]!.query, ...(reqs[snoop]!.body as object) }).to.include({ spy: 'both' });
    expect(record).to.be.greaterThan(snoop);

    // The agent pauses while the caller reads the card number, then resumes.
    const paused = await api.json(`/api/v1/recordings/live/${c.conversationId}/pause`, {
      method: 'POST',
      key: api.keys.agent,
      body: JSON.stringify({ reason: 'card_data' }),
    });
    expect(paused.status).to.equal(200);
    expect(paused.body).to.include({ state: 'paused', pauses: 1 });
    // Another agent may not touch this conversation; pausing twice is a conflict.
    expect(
      (
        await api.json(`/api/v1/recordings/live/${c.conversationId}/resume`, {
          method: 'POST',
          key: api.keys.agent2,
        })
      ).status,
    ).to.equal(403);
    expect(
      (
        await api.json(`/api/v1/recordings/live/${c.conversationId}/pause`, {
          method: 'POST',
          key: api.keys.agent,
        })
      ).status,
    ).to.equal(409);
    await sleep(1200);
    const resumed = await api.json(`/api/v1/recordings/live/${c.conversationId}/resume`, {
      method: 'POST',
      key: api.keys.supervisor,
    });
    expect(resumed.body).to.include({ state: 'recording' });
    await sleep(300);
    await acd.h.sim.control.remoteHangup(c.caller.channelId);
    await c.ended;
    const done = await eventually(async () => {
      const [r] = await rows();
      return r.status === 'finished' && r;
    }, 'recording finished');
    expect(Number(done.paused_seconds)).to.be.greaterThan(1);
    expect(Number(done.duration_seconds)).to.be.greaterThan(Number(done.paused_seconds));
    const [pause] = await api.db.knex('recording_pauses').select('*');
    expect(pause).to.include({ seq: 0, reason: 'card_data' });
    expect(pause.paused_by).to.contain('agent1');
    expect(pause.resumed_by).to.contain('boss');
    expect(Number(pause.offset_end_seconds) - Number(pause.offset_start_seconds)).to.be.closeTo(
      Number(done.paused_seconds),
      0.01,
    );

    // Mute (silence in place), never pause (which would cut the interval out of the file).
    const controls = (await acd.h.sim.control.requests()).filter((r) => /\/recordings\/live\//.test(r.path));
    expect(controls.map((r) => `${r.method} ${r.path.split('/').pop()}`)).to.include.members([
      'POST mute',
      'DELETE mute',
    ]);
    expect(controls.some((r) => r.path.endsWith('/pause'))).to.equal(false);

    // Files by role: the agent of the call and supervisors listen; another agent 403; analysts read metadata only.
    const own = await api.request(`/api/v1/recordings/${done.id}/file`, { key: api.keys.agent });
    expect(own.status).to.equal(200);
    expect(own.headers.get('content-type')).to.match(/audio\/wav/);
    const wav = Buffer.from(await own.arrayBuffer());
    expect(wav.subarray(0, 4).toString('latin1')).to.equal('RIFF');
    // The silent stretch is inside the file: its length covers the paused interval's end offset.
    expect(wavMs(wav) / 1000).to.be.at.least(Number(pause.offset_end_seconds) - 0.05);
    expect(
      (await api.request(`/api/v1/recordings/${done.id}/file`, { key: api.keys.agent2 })).status,
    ).to.equal(403);
    expect(
      (await api.request(`/api/v1/recordings/${done.id}/file`, { key: api.keys.analyst })).status,
    ).to.equal(403);
    expect(
      (await api.request(`/api/v1/recordings/${done.id}/file`, { key: api.keys.supervisor })).status,
    ).to.equal(200);
    const meta = await api.json(`/api/v1/recordings/${done.id}`, { key: api.keys.analyst });
    expect(meta.status).to.equal(200);
    expect(meta.body.pauses).to.have.length(1);
    expect(meta.body.file_available).to.equal(true);
    expect((await api.json(`/api/v1/recordings/${done.id}`, { key: api.keys.agent2 })).status).to.equal(403);
    const mine = await api.json('/api/v1/recordings', { key: api.keys.agent2 });
    expect(mine.body).to.deep.include({ total: 0 });
    expect((await api.json('/api/v1/recordings?agent=agent1', { key: api.keys.agent2 })).status).to.equal(
      403,
    );
    expect((await api.json('/api/v1/recordings', { key: api.keys.supervisor })).body.total).to.equal(1);
    await acd.expectNoLeaks();
    expect(feature.service.active).to.equal(0);
  });

  it('never: nothing is recorded and starting is refused; on_demand: only the call’s agent or a supervisor starts it', async () => {
    const billing = await acd.connect({ queue: 'billing', endpoint: 'PJSIP/agent2' });
    const refused = await api.json(`/api/v1/recordings/live/${billing.conversationId}/start`, {
      method: 'POST',
      key: api.keys.agent,
    });
    expect(refused.status).to.equal(409);
    expect(refused.body.error.message).to.contain('not allowed');
    const demand = await acd.connect({
      queue: 'complaints',
      agent: 'agent1',
      from: '+14155550100',
      language: 'vi',
    });
    expect(await rows()).to.have.length(0);
    expect(
      (
        await api.json(`/api/v1/recordings/live/${demand.conversationId}/start`, {
          method: 'POST',
          key: api.keys.agent2,
        })
      ).status,
    ).to.equal(403);
    expect(
      (
        await api.json(`/api/v1/recordings/live/${demand.conversationId}/start`, {
          method: 'POST',
          key: api.keys.analyst,
        })
      ).status,
    ).to.equal(403);
    const started = await api.json(`/api/v1/recordings/live/${demand.conversationId}/start`, {
      method: 'POST',
      key: api.keys.agent,
    });
    expect(started.status).to.equal(200);
    expect(started.body).to.include({ state: 'recording', consent: 'notified' });
    expect(
      (
        await api.json(`/api/v1/recordings/live/${demand.conversationId}/start`, {
          method: 'POST',
          key: api.keys.agent,
        })
      ).status,
    ).to.equal(409);
    const stopped = await api.json(`/api/v1/recordings/live/${demand.conversationId}/stop`, {
      method: 'POST',
      key: api.keys.supervisor,
    });
    expect(stopped.status).to.equal(200);
    const [row] = await rows();
    expect(row).to.include({ policy: 'on_demand', status: 'finished', language: 'vi' });
    expect(row.started_by).to.contain('agent1');
    expect(row.stopped_by).to.contain('boss');
    // Unknown conversation → 404 with the reason; a bad body → 400 with the path.
    const unknown = await api.json('/api/v1/recordings/live/nope/pause', {
      method: 'POST',
      key: api.keys.supervisor,
    });
    expect(unknown.status).to.equal(404);
    const bad = await api.json(`/api/v1/recordings/live/${demand.conversationId}/pause`, {
      method: 'POST',
      key: api.keys.supervisor,
      body: JSON.stringify({ reason: 5 }),
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.issues[0].path).to.equal('body.reason');
    expect((await api.json('/api/v1/recordings/not-a-uuid', { key: api.keys.supervisor })).status).to.equal(
      400,
    );
    await billing.caller.hangup();
    await demand.agentLeg.hangup();
    await billing.ended;
    await demand.ended;
    await acd.expectNoLeaks();
  });

  it('a caller who presses the opt-out key during the consent prompt is not recorded', async () => {
    const connecting = acd.connect({ queue: 'sales', language: 'vi' });
    await eventually(
      async () => (await acd.h.sim.control.requests()).some((r) => /\/channels\/[^/]+\/play/.test(r.path)),
      'consent prompt playing',
    );
    const caller = acd.conversations.list()[0]!;
    await acd.h.sim.control.sendDtmf(caller.caller.channelId, '9');
    const c = await connecting;
    const [row] = await rows();
    expect(row).to.include({ consent: 'declined', status: 'declined' });
    expect((await acd.h.sim.control.requests()).some((r) => r.path.includes('/snoop'))).to.equal(false);
    await c.caller.hangup();
    await c.ended;
    await acd.expectNoLeaks();
  });

  it('a consent prompt that cannot be played records nothing (the caller was not told); a hang-up mid-prompt leaks nothing', async () => {
    const c1 = await acd.connect({ queue: 'vip' });
    expect((await rows())[0]).to.include({ status: 'failed', consent: 'not_played' });
    expect((await rows())[0].failure).to.contain('custom/no-such-prompt');
    expect((await acd.h.sim.control.requests()).some((r) => r.path.includes('/snoop'))).to.equal(false);
    await c1.agentLeg.hangup();
    await c1.ended;
    // The agent hangs up while the prompt plays: no snoop, no live recording, no row.
    await acd.h.sim.control.clearRequests();
    const connecting = acd.connect({ queue: 'sales', endpoint: 'PJSIP/agent3' });
    await eventually(
      async () => (await acd.h.sim.control.requests()).some((r) => /\/channels\/[^/]+\/play/.test(r.path)),
      'prompt',
    );
    await acd.conversations.list()[0]!.agentLeg.hangup();
    const c2 = await connecting;
    await c2.ended;
    expect(await rows()).to.have.length(1);
    expect(feature.service.active).to.equal(0);
    await acd.expectNoLeaks();
  });

  it('retention: files past purge_after are deleted and the rows marked; the file then answers 404', async () => {
    const c = await acd.connect({ queue: 'support' });
    await sleep(200);
    await c.caller.hangup();
    await c.ended;
    const row = await eventually(async () => {
      const [r] = await rows();
      return r?.status === 'finished' && r;
    }, 'finished');
    expect(new Date(row.purge_after).getTime() - new Date(row.started_at).getTime()).to.equal(
      30 * 86_400_000,
    );
    expect(await acd.h.ari.stored.get(row.name)).to.not.equal(undefined);
    expect(
      (await api.json('/api/v1/recordings/purge', { method: 'POST', key: api.keys.supervisor })).status,
    ).to.equal(403);
    expect(
      (await api.json('/api/v1/recordings/purge', { method: 'POST', key: api.keys.admin })).body,
    ).to.deep.equal({ purged: 0, failed: 0 });
    await api.db.knex('recordings').update({ purge_after: new Date(Date.now() - 1000) });
    expect(
      (await api.json('/api/v1/recordings/purge', { method: 'POST', key: api.keys.admin })).body,
    ).to.deep.equal({ purged: 1, failed: 0 });
    expect(await acd.h.ari.stored.get(row.name)).to.equal(undefined);
    const [after] = await rows();
    expect(after.purged_at).to.not.equal(null);
    const file = await api.json(`/api/v1/recordings/${row.id}/file`, { key: api.keys.supervisor });
    expect(file.status).to.equal(404);
    expect(file.body.error.message).to.contain('retention');
    await acd.expectNoLeaks();
  });
});
