import { expect } from 'chai';
import WebSocket from 'ws';
import type { Simulator } from '../../src/simulator/index.js';
import { SimControlClient } from '../../src/simulator/index.js';
import { ari, Events, Password, start, User } from './helpers.js';

describe('simulator: auth, parameters and errors', () => {
  let sim: Simulator;
  before(async () => {
    sim = await start();
  });
  after(() => sim.close());

  it('401 without or with wrong credentials, on REST, api-docs and the event socket', async () => {
    for (const auth of [null, 'Basic ' + Buffer.from('tongdai:wrong').toString('base64')]) {
      const r = await ari(sim, 'GET', '/channels', {}, undefined, auth);
      expect(r.status).to.equal(401);
      expect(r.body).to.deep.equal({ message: 'Authentication required' });
    }
    expect(
      (await ari(sim, 'GET', '/asterisk/ping', { api_key: `${User}:${Password}` }, undefined, null)).status,
    ).to.equal(200);
    const ws = new WebSocket(`${sim.url.replace('http', 'ws')}/ari/events?app=tongdai&api_key=tongdai:bad`);
    const status = await new Promise<number>((resolve) =>
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).to.equal(401);
  });

  it('missing required parameters and invalid values answer 400 with a message', async () => {
    const r = await ari(sim, 'POST', '/bridges/b/addChannel');
    expect(r.status).to.equal(404);
    const b = await ari(sim, 'POST', '/bridges');
    const miss = await ari(sim, 'POST', `/bridges/${b.body.id}/addChannel`);
    expect(miss.status).to.equal(400);
    expect(miss.body.message).to.be.a('string');
    const dev = await ari(sim, 'PUT', '/deviceStates/Stasis:queue1', { deviceState: 'BOGUS' });
    expect(dev.body).to.deep.equal({ message: 'Unknown device' });
    expect((await ari(sim, 'PUT', '/deviceStates/Local:x', { deviceState: 'BUSY' })).status).to.equal(409);
    const ok = await ari(sim, 'PUT', '/deviceStates/Stasis:queue1', { deviceState: 'INUSE' });
    expect(ok.status).to.equal(204);
    expect((await ari(sim, 'GET', '/deviceStates/Stasis:queue1')).body).to.deep.equal({
      name: 'Stasis:queue1',
      state: 'INUSE',
    });
    expect((await ari(sim, 'PUT', '/deviceStates/PJSIP/agent1', { deviceState: 'INUSE' })).status).to.equal(
      404,
    );
    expect((await ari(sim, 'PATCH', '/channels')).status).to.equal(405);
  });

  it('originate reads variables (and other params) from the JSON body', async () => {
    const ev = await Events.open(sim);
    const r = await ari(
      sim,
      'POST',
      '/channels',
      { endpoint: 'PJSIP/agent5', app: 'tongdai' },
      { variables: { A: '1', 'CALLERID(name)': 'Lead' } },
    );
    expect(r.status).to.equal(200);
    expect(r.body.caller.name).to.equal('Lead');
    expect((await ari(sim, 'GET', `/channels/${r.body.id}/variable`, { variable: 'A' })).body).to.deep.equal({
      value: '1',
    });
    const viaBody = await ari(sim, 'POST', '/channels', {}, { endpoint: 'PJSIP/agent6', app: 'tongdai' });
    expect(viaBody.status).to.equal(200);
    await ari(sim, 'DELETE', `/channels/${r.body.id}`);
    await ari(sim, 'DELETE', `/channels/${viaBody.body.id}`);
    ev.close();
  });
});

describe('simulator: control side and faults', () => {
  let sim: Simulator;
  let ctl: SimControlClient;
  beforeEach(async () => {
    sim = await start();
    ctl = new SimControlClient(sim.url, User, Password);
  });
  afterEach(() => sim.close());

  it('the HTTP control client places calls and reads state like the in-process control', async () => {
    const ev = await Events.open(sim);
    const { channelId } = await ctl.placeCall({ from: '0901', to: '1800', args: ['custom'] });
    await ev.waitType('StasisStart');
    expect(ev.of('StasisStart')[0]!.args).to.deep.equal(['custom']);
    const st = await ctl.state();
    expect(st.channels.ids).to.deep.equal([channelId]);
    await ctl.sendDtmf(channelId, '5');
    await ev.waitType('ChannelDtmfReceived');
    await ctl.remoteHangup(channelId);
    // A dialplan caller's last event: Stasis() drops its subscription at StasisEnd.
    await ev.waitType('StasisEnd');
    expect((await ctl.state()).channels.count).to.equal(0);
    await ctl.reset();
    expect((await ctl.state()).channels.count).to.equal(0);
    ev.close();
  });

  it('records requests and injects responses, events and raw frames', async () => {
    const ev = await Events.open(sim);
    await ctl.injectResponse({
      method: 'GET',
      path: '^/ari/asterisk/info$',
      status: 503,
      body: { message: 'down' },
      times: 1,
    });
    expect((await ari(sim, 'GET', '/asterisk/info')).status).to.equal(503);
    expect((await ari(sim, 'GET', '/asterisk/info')).status).to.equal(200);
    await sim.control.injectResponse({
      method: 'POST',
      path: /^\/channels$/,
      status: 500,
      body: { error: 'Allocation failed' },
      times: 2,
    });
    expect((await ari(sim, 'POST', '/channels', { endpoint: 'PJSIP/agent1', app: 'x' })).body).to.deep.equal({
      error: 'Allocation failed',
    });
    await sim.control.clearInjectedResponses();
    const reqs = await ctl.requests();
    expect(reqs.filter((r) => r.path === '/ari/asterisk/info')).to.have.length(2);
    await ctl.injectEvent({ type: 'ChannelUserevent', eventname: 'x' });
    await ev.waitType('ChannelUserevent');
    expect(ev.of('ChannelUserevent')[0]!.application).to.equal('tongdai');
    expect(await ctl.injectRaw('{not json', 'tongdai')).to.equal(1);
    await ctl.injectEvent({ type: 'NoSuchEvent' });
    await ev.waitType('NoSuchEvent');
    expect(ev.malformed).to.deep.equal(['{not json']);
    ev.close();
  });

  it('dropWebSockets closes event sockets; refuseConnections gives ECONNREFUSED, then accepts again', async () => {
    const ev = await Events.open(sim);
    const closed = new Promise<void>((r) => ev.ws.once('close', () => r()));
    expect(await sim.control.dropWebSockets()).to.equal(1);
    await closed;
    await sim.control.refuseConnections(300);
    const err = await fetch(`${sim.url}/ari/asterisk/ping`).then(
      () => undefined,
      (e: Error & { cause?: { code?: string } }) => e.cause?.code,
    );
    expect(err).to.equal('ECONNREFUSED');
    await new Promise((r) => setTimeout(r, 500));
    expect((await ari(sim, 'GET', '/asterisk/ping')).status).to.equal(200);
  });

  it('setLatency delays REST answers', async () => {
    await sim.control.setLatency(150);
    const t = Date.now();
    await ari(sim, 'GET', '/asterisk/ping');
    expect(Date.now() - t).to.be.at.least(140);
  });
});
