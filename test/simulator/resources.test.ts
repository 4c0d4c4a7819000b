import { expect } from 'chai';
import { ari, Events, withSimulator } from './helpers.js';

describe('simulator: applications, endpoints, device states, asterisk, sounds', () => {
  const t = withSimulator();

  it('applications: get/list, subscribe to a bridge to see BridgeDestroyed, error texts', async () => {
    expect((await ari(t.sim, 'GET', '/applications/nope')).body).to.deep.equal({
      message: 'Application not found',
    });
    const app = await ari(t.sim, 'GET', '/applications/tongdai');
    expect(app.body).to.deep.equal({
      name: 'tongdai',
      channel_ids: [],
      bridge_ids: [],
      endpoint_ids: [],
      device_names: [],
      events_allowed: [],
      events_disallowed: [],
    });
    const b = await ari(t.sim, 'POST', '/bridges/holding1', { type: 'holding' });
    expect(b.body.bridge_type).to.equal('holding');
    expect(b.body.technology).to.equal('holding_bridge');
    expect((await ari(t.sim, 'POST', '/applications/tongdai/subscription')).body).to.deep.equal({
      message: 'Missing parameter eventSource',
    });
    expect(
      (await ari(t.sim, 'POST', '/applications/tongdai/subscription', { eventSource: 'foo:1' })).status,
    ).to.equal(400);
    expect(
      (await ari(t.sim, 'POST', '/applications/tongdai/subscription', { eventSource: 'bridge:nope' })).status,
    ).to.equal(422);
    const sub = await ari(t.sim, 'POST', '/applications/tongdai/subscription', {
      eventSource: 'bridge:holding1',
    });
    expect(sub.body.bridge_ids).to.deep.equal(['holding1']);
    expect((await ari(t.sim, 'POST', '/bridges/holding1')).body).to.deep.equal({
      message: "Bridge with id 'holding1' already exists",
    });
    await ari(t.sim, 'DELETE', '/bridges/holding1');
    await t.ev.waitType('BridgeDestroyed');
    const un = await ari(t.sim, 'DELETE', '/applications/tongdai/subscription', {
      eventSource: 'bridge:holding1',
    });
    expect(un.body).to.deep.equal({ message: 'Event source was not subscribed to' });
  });

  it('endpoints: agents and trunk online; channel_ids follow calls; errors', async () => {
    const list = await ari(t.sim, 'GET', '/endpoints');
    expect(list.body).to.have.length(21);
    expect(list.body[0]).to.deep.equal({
      technology: 'PJSIP',
      resource: 'agent1',
      state: 'online',
      channel_ids: [],
    });
    expect((await ari(t.sim, 'GET', '/endpoints/SIP')).body).to.deep.equal({
      message: 'No Endpoints found - invalid tech SIP',
    });
    expect((await ari(t.sim, 'GET', '/endpoints/PJSIP/nobody')).body).to.deep.equal({
      message: 'Endpoint not found',
    });
    await t.sim.control.setEndpoint('PJSIP/agent21', { answerAfterMs: 200 });
    const o = await ari(t.sim, 'POST', '/channels', { endpoint: 'PJSIP/agent21', app: 'tongdai' });
    expect((await ari(t.sim, 'GET', '/endpoints/PJSIP/agent21')).body.channel_ids).to.deep.equal([o.body.id]);
    await t.sim.control.setEndpoint('PJSIP/agent22', { behaviour: 'unavailable' });
    expect((await ari(t.sim, 'GET', '/endpoints/PJSIP/agent22')).body.state).to.equal('offline');
  });

  it('device states: Stasis devices are controlled, publish DeviceStateChanged to subscribers', async () => {
    await ari(t.sim, 'POST', '/applications/tongdai/subscription', {
      eventSource: 'deviceState:Stasis:queue-1',
    });
    expect(
      (await ari(t.sim, 'PUT', '/deviceStates/Stasis:queue-1', { deviceState: 'BUSY' })).status,
    ).to.equal(204);
    await t.ev.waitType('DeviceStateChanged');
    expect(t.ev.of('DeviceStateChanged')[0]!.device_state).to.deep.equal({
      name: 'Stasis:queue-1',
      state: 'BUSY',
    });
    expect((await ari(t.sim, 'GET', '/deviceStates')).body).to.deep.equal([
      { name: 'Stasis:queue-1', state: 'BUSY' },
    ]);
    expect((await ari(t.sim, 'DELETE', '/deviceStates/Stasis:queue-1')).status).to.equal(204);
    expect((await ari(t.sim, 'GET', '/deviceStates/Stasis:queue-1')).body.state).to.equal('UNKNOWN');
    await t.ev.waitType('DeviceStateChanged', 2);
    expect(t.ev.of('DeviceStateChanged')[1]!.device_state.state).to.equal('UNKNOWN');
    // stasis_app_device_state_delete(): a device that was never set cannot be cleared.
    expect((await ari(t.sim, 'DELETE', '/deviceStates/Stasis:never')).body).to.deep.equal({
      message: 'Unknown device',
    });
  });

  it('asterisk info/ping/variables, sounds, mailboxes', async () => {
    const info = await ari(t.sim, 'GET', '/asterisk/info', { only: 'system' });
    expect(Object.keys(info.body)).to.deep.equal(['system']);
    expect(info.body.system.version).to.equal('22.10.1');
    const ping = await ari(t.sim, 'GET', '/asterisk/ping');
    expect(ping.body.ping).to.equal('pong');
    expect(ping.body.timestamp).to.match(/\+0000$/);
    await ari(t.sim, 'POST', '/asterisk/variable', { variable: 'X', value: '1' });
    expect((await ari(t.sim, 'GET', '/asterisk/variable', { variable: 'X' })).body).to.deep.equal({
      value: '1',
    });
    const sounds = await ari(t.sim, 'GET', '/sounds', { lang: 'fa' });
    expect(sounds.body.map((s: { id: string }) => s.id)).to.include('hello-world');
    expect((await ari(t.sim, 'GET', '/sounds/nope')).body).to.deep.equal({ message: 'Sound not found' });
    await ari(t.sim, 'PUT', '/mailboxes/100@default', { oldMessages: 1, newMessages: 2 });
    expect((await ari(t.sim, 'GET', '/mailboxes/100@default')).body).to.deep.equal({
      name: '100@default',
      old_messages: 1,
      new_messages: 2,
    });
  });

  it('a second socket for the same app replaces the first (ApplicationReplaced)', async () => {
    const second = await Events.open(t.sim);
    await t.ev.waitType('ApplicationReplaced');
    await t.sim.control.placeCall({ from: '1', to: '2' });
    await second.waitType('StasisStart');
    expect(t.ev.of('StasisStart')).to.have.length(0);
    second.close();
  });
});
