import { expect } from 'chai';
import {
  AriAllocationFailedError,
  AriChannelGoneError,
  AriConflictError,
  AriError,
  AriInvalidError,
  AriNotFoundError,
  AriUnavailableError,
  CallHungUpError,
  classifyAriError,
  isGone,
} from '../../src/ari/errors.js';

describe('ari/errors: classification of ari-client failures', () => {
  const cases: Array<[string, new (...a: any[]) => AriError, string]> = [
    ['{"message":"Channel not found"}', AriNotFoundError, 'ARI_NOT_FOUND'],
    ['{"message":"Bridge not found"}', AriNotFoundError, 'ARI_NOT_FOUND'],
    ['{"message":"Playback not found"}', AriNotFoundError, 'ARI_NOT_FOUND'],
    ['{"message":"Channel not in Stasis application"}', AriConflictError, 'ARI_CONFLICT'],
    ['{"error":"Allocation failed"}', AriAllocationFailedError, 'ARI_ALLOCATION_FAILED'],
    ['{"message":"Missing parameter endpoint"}', AriInvalidError, 'ARI_INVALID'],
    ['{"message":"something odd"}', AriError, 'ARI_FAILED'],
  ];
  for (const [body, type, code] of cases) {
    it(`${body} → ${code}`, () => {
      const err = classifyAriError(new Error(body), 'channels.answer');
      expect(err).to.be.instanceOf(type);
      expect(err.code).to.equal(code);
      expect(err.operation).to.equal('channels.answer');
    });
  }

  it('"Channel not found" and "Provided channel was not found" mean the channel is gone; a missing variable does not', () => {
    expect(classifyAriError(new Error('{"message":"Channel not found"}'), 'x')).to.be.instanceOf(
      AriChannelGoneError,
    );
    expect(classifyAriError(new Error('{"message":"Provided channel was not found"}'), 'x')).to.be.instanceOf(
      AriChannelGoneError,
    );
    const variable = classifyAriError(new Error('{"message":"Provided variable was not found"}'), 'x');
    expect(variable).to.be.instanceOf(AriNotFoundError);
    expect(variable).to.not.be.instanceOf(AriChannelGoneError);
  });

  it('network errors are ARI_UNAVAILABLE', () => {
    const e = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(classifyAriError(e, 'channels.list')).to.be.instanceOf(AriUnavailableError);
  });

  it('already classified errors pass through, and gone means hung up or not found', () => {
    const hung = new CallHungUpError('c1', 16);
    expect(classifyAriError(hung, 'x')).to.equal(hung);
    expect(isGone(hung)).to.equal(true);
    expect(isGone(classifyAriError(new Error('{"message":"Channel not found"}'), 'x'))).to.equal(true);
    expect(isGone(new Error('boom'))).to.equal(false);
  });
});
