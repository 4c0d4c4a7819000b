import { expect } from 'chai';
import type { Simulator } from '../../src/simulator/index.js';
import { ari, Auth, Events, Password, start, User } from './helpers.js';

/** Raw request with full control over headers and body (res_ari.c's ast_ari_callback behaviour). */
async function raw(
  sim: Simulator,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const res = await fetch(`${sim.url}${path}`, { method, headers: init.headers, body: init.body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

describe('simulator: the HTTP layer of res_ari.c', () => {
  let sim: Simulator;
  before(async () => {
    sim = await start({ clock: 'virtual' });
  });
  after(async () => {
    await sim.close();
  });

  it('routes like ast_ari_invoke: explicit segments win, a known path with another method is 405 + Allow', async () => {
    // /channels/create only has POST: GET must not fall through to /channels/{channelId}.
    const r = await ari(sim, 'GET', '/channels/create');
    expect(r.status).to.equal(405);
    expect(r.body).to.deep.equal({ message: 'Invalid method' });
    expect(r.headers.get('allow')).to.equal('OPTIONS,POST');
    const d = await ari(sim, 'DELETE', '/channels');
    expect(d.status).to.equal(405);
    expect(d.headers.get('allow')).to.equal('OPTIONS,GET,POST');
    expect((await ari(sim, 'PUT', '/bridges/b1')).headers.get('allow')).to.equal('OPTIONS,GET,POST,DELETE');
    const o = await raw(sim, 'OPTIONS', '/ari/bridges', { headers: { Authorization: Auth } });
    expect(o.status).to.equal(204);
    expect(o.headers.get('allow')).to.equal('OPTIONS,GET,POST');
    expect((await ari(sim, 'GET', '/nothing/here')).body).to.deep.equal({ message: 'Resource not found' });
    expect((await ari(sim, 'GET', '/channels/x/nothing')).status).to.equal(404);
  });

  it('a trailing slash is 404 with a hint; api-docs only answer GET', async () => {
    const t = await ari(sim, 'GET', '/channels/');
    expect(t.status).to.equal(404);
    expect(t.body).to.deep.equal({ message: 'ARI URLs do not end with a slash. Try /ari/channels' });
    const p = await ari(sim, 'POST', '/api-docs/resources.json');
    expect(p.status).to.equal(405);
    expect(p.body).to.deep.equal({ message: 'Unsupported method' });
    expect((await ari(sim, 'GET', '/api-docs/nope.json')).body).to.deep.equal({
      message: 'Resource not found',
    });
  });

  it('api-docs: declarations keep apiVersion 2.0.0 and since; the listing names each resource', async () => {
    const listing = (await ari(sim, 'GET', '/api-docs/resources.json')).body;
    expect(listing.apiVersion).to.equal('10.0.0');
    expect(listing.swaggerVersion).to.equal('1.1');
    expect(listing.apis[0]).to.deep.equal({
      path: '/api-docs/asterisk.{format}',
      description: 'Asterisk resources',
    });
    const ch = (await ari(sim, 'GET', '/api-docs/channels.json')).body;
    expect(ch.apiVersion).to.equal('2.0.0');
    expect(ch.since).to.deep.equal(['12.0.0']);
    expect(ch.basePath).to.match(/^http:\/\/127\.0\.0\.1:\d+\/ari$/);
  });

  it('a malformed JSON body is 400 before authentication; Basic auth wins over api_key', async () => {
    const bad = await raw(sim, 'POST', '/ari/bridges', {
      headers: { 'Content-Type': 'application/json' },
      body: '{nope',
    });
    expect(bad.status).to.equal(400);
    expect(bad.json).to.deep.equal({ message: 'Error parsing request body' });
    // Not JSON by Content-Type: the body is not read at all.
    const text = await raw(sim, 'POST', '/ari/bridges?bridgeId=plain1', {
      headers: { Authorization: Auth, 'Content-Type': 'text/plain' },
      body: '{nope',
    });
    expect(text.status).to.equal(200);
    const wrongBasic = await raw(sim, 'GET', `/ari/asterisk/ping?api_key=${User}:${Password}`, {
      headers: { Authorization: 'Basic ' + Buffer.from('x:y').toString('base64') },
    });
    expect(wrongBasic.status).to.equal(401);
    expect(wrongBasic.json).to.deep.equal({ message: 'Authentication required' });
    expect(wrongBasic.headers.get('www-authenticate')).to.equal('Basic realm="Asterisk REST Interface"');
  });

  it('form fields count as parameters; the last of repeated keys wins; JSON body fields override the query', async () => {
    const form = await raw(sim, 'POST', '/ari/bridges', {
      headers: { Authorization: Auth, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'bridgeId=form1&type=holding&name=from+form',
    });
    expect(form.status).to.equal(200);
    expect(form.json).to.include({ id: 'form1', bridge_type: 'holding', name: 'from form' });
    const rep = await raw(sim, 'POST', '/ari/bridges?bridgeId=rep1&name=first&name=second', {
      headers: { Authorization: Auth },
    });
    expect(rep.json.name).to.equal('second');
    const body = await raw(sim, 'POST', '/ari/bridges?bridgeId=q1&name=query', {
      headers: { Authorization: Auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ bridgeId: 'b1', name: 'body' }),
    });
    expect(body.json).to.include({ id: 'b1', name: 'body' });
  });

  it('parameters are never type-checked: timeout=abc is 0 (the 30 s default), no swagger defaults', async () => {
    const ev = await Events.open(sim);
    try {
      await sim.control.setEndpoint('PJSIP/agent9', { behaviour: 'noanswer' });
      const o = await ari(sim, 'POST', '/channels', {
        endpoint: 'PJSIP/agent9',
        app: 'tongdai',
        timeout: 'abc',
      });
      expect(o.status).to.equal(200);
      await sim.control.advance(29000);
      expect(ev.of('ChannelDestroyed')).to.have.length(0);
      await sim.control.advance(1500);
      await ev.waitType('ChannelDestroyed');
      const { channelId } = await sim.control.placeCall({ from: '1', to: '2' });
      await ari(sim, 'POST', `/channels/${channelId}/answer`);
      // mute's "direction" defaults to "both" only in the docs: Asterisk's handler sees NULL.
      const m = await ari(sim, 'POST', `/channels/${channelId}/mute`);
      expect(m.status).to.equal(400);
      expect(m.body).to.deep.equal({ message: 'Direction is required' });
      const dial = await ari(sim, 'POST', `/channels/${channelId}/dial`, { timeout: -5 });
      expect(dial.body).to.not.deep.equal({ message: 'timeout cannot be less than 0' });
    } finally {
      ev.close();
    }
  });

  it('outside /ari: the HTML 404 of ast_http_error; GET /ari/events without Upgrade is 426', async () => {
    const r = await raw(sim, 'GET', '/nowhere');
    expect(r.status).to.equal(404);
    expect(r.headers.get('content-type')).to.equal('text/html');
    expect(r.text).to.contain('The requested URL was not found on this server.');
    const e = await raw(sim, 'GET', '/ari/events?app=x', { headers: { Authorization: Auth } });
    expect(e.status).to.equal(426);
  });
});

describe('simulator: the events WebSocket handshake of ari_websockets.c', () => {
  let sim: Simulator;
  before(async () => {
    sim = await start({ clock: 'virtual' });
  });
  after(async () => {
    await sim.close();
  });

  const handshake = async (query: string) => {
    const { request } = await import('node:http');
    const u = new URL(`${sim.url}/ari/events${query}`);
    return new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = request(u, {
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': Buffer.from('0123456789abcdef').toString('base64'),
          Authorization: Auth,
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body }),
        );
      });
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve({ status: res.statusCode ?? 0, type: '', body: '' });
      });
      req.on('error', reject);
      req.end();
    });
  };

  it('no app is 400 "HTTP request is missing param: [app]" (HTML); an empty app name is 500', async () => {
    const none = await handshake('');
    expect(none.status).to.equal(400);
    expect(none.type).to.equal('text/html');
    expect(none.body).to.contain('HTTP request is missing param: [app]');
    expect((await handshake('?app=a,,b')).status).to.equal(500);
    expect((await handshake('?app=a,b')).status).to.equal(101);
  });
});

describe('simulator: REST over the events WebSocket (ari_websocket_requests.c)', () => {
  it('answers RESTRequest frames with RESTResponse events, errors included', async () => {
    const sim = await start({ clock: 'virtual' });
    const ev = await Events.open(sim);
    try {
      ev.ws.send(
        JSON.stringify({ type: 'RESTRequest', request_id: 'r1', method: 'GET', uri: 'asterisk/ping' }),
      );
      ev.ws.send(
        JSON.stringify({
          type: 'RESTRequest',
          request_id: 'r2',
          transaction_id: 't2',
          method: 'POST',
          uri: 'bridges?bridgeId=wsb',
          query_strings: [{ name: 'name', value: 'over-ws' }],
        }),
      );
      ev.ws.send(
        JSON.stringify({ type: 'RESTRequest', request_id: 'r3', method: 'GET', uri: 'channels/nope' }),
      );
      ev.ws.send(JSON.stringify({ type: 'Nope', request_id: 'r4' }));
      ev.ws.send('{broken');
      await ev.until((e) => e.filter((x) => x.type === 'RESTResponse').length >= 4, 'RESTResponses');
      await ev.until(() => ev.malformed.length + ev.of('RESTResponse').length >= 5, 'five answers');
      const [ping, bridge, missing, unknown, broken] = ev.of('RESTResponse');
      expect(ping).to.include({
        request_id: 'r1',
        status_code: 200,
        reason_phrase: 'OK',
        uri: 'asterisk/ping',
      });
      expect(ping!.content_type).to.equal('application/json');
      expect(JSON.parse(ping!.message_body as string).ping).to.equal('pong');
      expect(ping!.application).to.equal('tongdai');
      expect(bridge).to.include({ request_id: 'r2', transaction_id: 't2', status_code: 200, uri: 'bridges' });
      expect(JSON.parse(bridge!.message_body as string)).to.include({ id: 'wsb', name: 'over-ws' });
      expect(missing).to.include({ status_code: 404 });
      expect(JSON.parse(missing!.message_body as string)).to.deep.equal({ message: 'Channel not found' });
      expect(unknown).to.include({ status_code: 400, reason_phrase: 'Bad request' });
      expect(JSON.parse(unknown!.message_body as string)).to.deep.equal({ message: 'Unknown request type.' });
      expect(broken).to.include({ status_code: 400, reason_phrase: 'Failed to parse request message JSON' });
    } finally {
      ev.close();
      await sim.close();
    }
  });
});
