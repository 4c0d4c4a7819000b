import { Writable } from 'node:stream';
import { expect } from 'chai';
import winston from 'winston';
import { loadConfig } from '../../src/config/index.js';
import { createLogger, maskNumber, type Logger } from '../../src/log/index.js';

const AriPassword = 'Qx7-ari-Secret!';
const ApiKey = 'td_0a1b2c3d4e5f_9Zx8Yw7Vu6Ts5Rq4Po3Nm2Lk1Jh0Gf9Ed8Cb7Az6By5Xw';
const DbPassword = 'pg-Secret-42';
const RedisPassword = 'redis-Secret-7';
const basic = Buffer.from(`tongdai:${AriPassword}`).toString('base64');
const Secrets = [
  AriPassword,
  encodeURIComponent(AriPassword),
  basic,
  ApiKey,
  ApiKey.slice(16),
  DbPassword,
  RedisPassword,
];

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return {
    logger: createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream })] }),
    lines,
  };
}

describe('log: secrets never reach a log line', () => {
  const { logger, lines } = capture();
  const config = loadConfig({
    ARI_PASSWORD: AriPassword,
    DATABASE_URL: `postgres://tongdai:${DbPassword}@db.internal:5432/tongdai`,
    REDIS_URL: `redis://:${RedisPassword}@cache.internal:6379`,
  });
  const ariUrl = `http://tongdai:${encodeURIComponent(AriPassword)}@127.0.0.1:8088/ari`;
  const wsUrl = `ws://127.0.0.1:8088/ari/events?app=tongdai&subscribeAll=false&api_key=tongdai:${AriPassword}`;

  before(() => {
    // What the ARI adapter, the API and start-up realistically log.
    logger.info('configuration loaded', { config });
    logger.info('connecting to ARI', { url: ariUrl, user: 'tongdai', password: AriPassword });
    logger.info(`events socket ${wsUrl}`);
    logger.debug('events socket', { url: wsUrl.replace(':', '%3A') });
    logger.info(`swagger http://127.0.0.1:8088/ari/api-docs/resources.json?api_key=tongdai%3A${AriPassword}`);
    logger.warn('ARI request failed', {
      request: { method: 'POST', url: '/ari/channels', headers: { Authorization: `Basic ${basic}` } },
      attempts: [{ url: ariUrl }],
    });
    logger.warn(`ARI said 401 to Authorization: Basic ${basic}`);
    logger.info('api request', {
      headers: { authorization: `Bearer ${ApiKey}`, 'x-api-key': ApiKey, 'X-API-Key': ApiKey },
    });
    logger.info(`curl -H "Authorization: Bearer ${ApiKey}" http://127.0.0.1:3000/api/v1/whoami`);
    logger.info('client', { apiKey: ApiKey, api_key: ApiKey, token: ApiKey });
    logger.error('ARI connect failed', { error: new Error(`connect ECONNREFUSED ${ariUrl}`) });
    logger.error(new Error(`upgrade failed for ${wsUrl}`));
    logger.child({ ari: { url: ariUrl, password: AriPassword } }).info('child logger carries call context');
  });

  it('captured every line', () => {
    expect(lines.length).to.be.greaterThan(12);
  });

  for (const [what, secret] of Object.entries(Secrets)) {
    it(`no line holds the ${what}`, () => {
      const leaking = lines.filter((l) => l.includes(secret));
      expect(leaking, leaking.join('')).to.deep.equal([]);
    });
  }

  it('keeps what operators need: hosts, paths and the non-secret config', () => {
    const all = lines.join('');
    expect(all).to.include('127.0.0.1:8088/ari');
    expect(all).to.include('db.internal:5432/tongdai');
    expect(all).to.include('"ARI_USER":"tongdai"');
    expect(all).to.include('[redacted]');
  });

  it('masks phone numbers but keeps them distinguishable', () => {
    expect(maskNumber('+84901234567')).to.equal('+8490*****67');
    expect(maskNumber('1234')).to.equal('****');
  });
});
