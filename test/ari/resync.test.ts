import { expect } from 'chai';
import type { AriBridge, AriChannel } from '../../src/ari/model.js';
import { bridgeName, inOurApp, planResync } from '../../src/ari/resync.js';

function channel(id: string, appData = 'tongdai,inbound'): AriChannel {
  return {
    id,
    name: `PJSIP/trunk-${id}`,
    state: 'Up',
    caller: { name: '', number: '+842838220000' },
    connected: { name: '', number: '' },
    accountcode: '',
    dialplan: { context: 'from-trunk', exten: '1900', priority: 1, app_name: 'Stasis', app_data: appData },
    creationtime: '2026-11-23T12:00:00.000+0000',
    language: 'vi',
  };
}
function bridge(id: string, name: string, channels: string[] = []): AriBridge {
  return {
    id,
    name,
    channels,
    technology: 'simple_bridge',
    bridge_type: 'mixing',
    bridge_class: 'stasis',
    creator: 'Stasis',
    creationtime: '',
  };
}

describe('ari/resync: reconcile after reconnect', () => {
  it('recognises channels executing Stasis for our app only', () => {
    expect(inOurApp(channel('a'), 'tongdai')).to.equal(true);
    expect(inOurApp(channel('a', 'other,x'), 'tongdai')).to.equal(false);
    expect(
      inOurApp(
        {
          ...channel('a'),
          dialplan: { context: 'x', exten: 's', priority: 1, app_name: 'Dial', app_data: 'PJSIP/x' },
        },
        'tongdai',
      ),
    ).to.equal(false);
  });

  it('ends calls Asterisk no longer has, fails missing originates, hangs up unknown channels of our app', () => {
    const plan = planResync({
      app: 'tongdai',
      policy: 'hangup',
      calls: ['kept', 'gone'],
      expected: ['ringing', 'lost'],
      bridges: [],
      liveChannels: [channel('kept'), channel('ringing'), channel('orphan'), channel('foreign', 'other')],
      liveBridges: [],
    });
    expect(plan.endCalls).to.deep.equal(['gone']);
    expect(plan.failExpected).to.deep.equal(['lost']);
    expect(plan.hangup).to.deep.equal(['orphan']);
    expect(plan.adopt).to.deep.equal([]);
  });

  it('adopts orphans under the adopt policy and keeps their bridges', () => {
    const plan = planResync({
      app: 'tongdai',
      policy: 'adopt',
      calls: [],
      expected: [],
      bridges: [],
      liveChannels: [channel('orphan')],
      liveBridges: [bridge('b1', bridgeName('tongdai'), ['orphan'])],
    });
    expect(plan.adopt.map((c) => c.id)).to.deep.equal(['orphan']);
    expect(plan.destroyBridges).to.deep.equal([]);
  });

  it('forgets our vanished bridges and destroys ownerless bridges of our app only', () => {
    const plan = planResync({
      app: 'tongdai',
      policy: 'hangup',
      calls: ['kept'],
      expected: [],
      bridges: ['mine', 'vanished'],
      liveChannels: [channel('kept'), channel('orphan')],
      liveBridges: [
        bridge('mine', bridgeName('tongdai'), ['kept']),
        bridge('ownerless', bridgeName('tongdai', 'queue'), ['orphan']),
        bridge('holding-kept', bridgeName('tongdai'), ['kept']),
        bridge('someone-else', 'conference-7', []),
      ],
    });
    expect(plan.forgetBridges).to.deep.equal(['vanished']);
    expect(plan.destroyBridges).to.deep.equal(['ownerless']);
  });
});

describe('ari/resync: originates that reached Stasis during the outage', () => {
  it('starts an expected channel already in our app, keeps waiting for one still ringing', () => {
    const ringing = {
      ...channel('ringing'),
      dialplan: {
        context: 'default',
        exten: 's',
        priority: 1,
        app_name: 'AppDial2',
        app_data: '(Outgoing Line)',
      },
    };
    const plan = planResync({
      app: 'tongdai',
      policy: 'hangup',
      calls: [],
      expected: ['answered', 'ringing'],
      bridges: [],
      liveChannels: [channel('answered', 'tongdai,'), ringing],
      liveBridges: [],
    });
    expect(plan.startExpected.map((c) => c.id)).to.deep.equal(['answered']);
    expect(plan.failExpected).to.deep.equal([]);
    expect(plan.hangup).to.deep.equal([]);
  });
});
