import { expect } from 'chai';
import { AriNotFoundError } from '../../src/ari/index.js';
import { startAriHarness, type AriHarness } from '../helpers/ari.js';

describe('ari: stored recordings', function () {
  let h: AriHarness;
  before(async () => {
    h = await startAriHarness();
  });
  after(async () => h?.close());

  it('fetches a recorded file as bytes, copies and deletes it; a missing one is NotFound', async () => {
    const done = new Promise<import('../../src/ari/index.js').Call>((resolve) => h.ari.onCall(resolve));
    await h.sim.control.placeCall({ from: '+842838220001', to: '19001234' });
    const call = await done;
    await call.answer();
    const rec = await call.startRecording({
      name: 'voicemail/test/m1',
      format: 'wav',
      maxDurationSeconds: 1,
    });
    await rec.done();
    expect(await h.ari.stored.get('voicemail/test/m1')).to.deep.include({ name: 'voicemail/test/m1' });
    const file = await h.ari.stored.file('voicemail/test/m1');
    expect(file.contentType).to.equal('audio/wav');
    expect(file.data.subarray(0, 4).toString('latin1')).to.equal('RIFF');
    await h.ari.stored.copy('voicemail/test/m1', 'archive/m1');
    await h.ari.stored.delete('voicemail/test/m1');
    await h.ari.stored.delete('voicemail/test/m1');
    expect(await h.ari.stored.get('voicemail/test/m1')).to.equal(undefined);
    expect(await h.ari.stored.get('archive/m1')).to.not.equal(undefined);
    let err: unknown;
    await h.ari.stored.file('voicemail/test/m1').catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(AriNotFoundError);
    await call.hangup();
  });
});
