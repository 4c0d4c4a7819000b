import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { Acd } from '../../src/acd/acd.js';
import { agentSchema, queueSchema } from '../../src/acd/model.js';
import type { QueueOutcome } from '../../src/acd/port.js';
import type { Call, OriginateOptions, Telephony } from '../../src/ari/index.js';
import { type AriHarness, eventually, sleep, startAriHarness } from '../helpers/ari.js';
import { freePort } from '../helpers/net.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';
import { engineRedis, MemorySink } from './harness.js';

/**
 * Counts the legs each agent phone has up at once, at the ARI boundary: more than one is a
 * double-booked agent, whatever the ACD's own state says.
 */
class CountingTelephony implements Telephony {
  static active = new Map<string, number>();
  static worst = 0;
  constructor(private readonly inner: Telephony) {}
  onCall(handler: (call: Call) => void | Promise<void>): void {
    this.inner.onCall(handler);
  }
  createBridge(o?: Parameters<Telephony['createBridge']>[0]) {
    return this.inner.createBridge(o);
  }
  async originate(o: OriginateOptions): Promise<Call> {
    const { active } = CountingTelephony;
    const n = (active.get(o.endpoint) ?? 0) + 1;
    active.set(o.endpoint, n);
    CountingTelephony.worst = Math.max(CountingTelephony.worst, n);
    const done = () => active.set(o.endpoint, active.get(o.endpoint)! - 1);
    try {
      const call = await this.inner.originate(o);
      void call.whenEnded().then(done);
      return call;
    } catch (err) {
      done();
      throw err;
    }
  }
}

describe('acd: two engines, one call center (Redis shared)', function () {
  this.timeout(300_000);
  let h: AriHarness;
  let redis: TestRedis;
  const engines: Array<{ acd: Acd; client: Redis; sink: MemorySink }> = [];

  before(async () => {
    // A loaded test machine runs the simulator and both engines in one process: allow slow answers.
    h = await startAriHarness({ restTimeoutMs: 15_000 });
    redis = await createTestRedis();
  });
  after(async () => {
    for (const e of engines) {
      await e.acd.stop();
      e.client.disconnect();
    }
    await redis.cleanup();
    await h.close();
  });

  it('1,000 calls over 2 engines: every caller answered, no agent ever rung twice at once', async () => {
    const agents = 40;
    const calls = Number(process.env.ACD_TEST_CALLS ?? 1000);
    for (let i = 1; i <= agents; i++)
      await h.sim.control.setEndpoint(`PJSIP/agent${i}`, {
        behaviour: 'answer',
        answerAfterMs: 20,
        hangupAfterMs: 40,
      });
    const outcomes: QueueOutcome[] = [];
    const served = new Set<string>();
    for (const [name, ari] of [
      ['hcm-1', h.ari],
      ['hcm-2', await h.connectAnother({ app: 'tongdai2' })],
    ] as const) {
      const client = engineRedis();
      await client.connect();
      const sink = new MemorySink();
      const acd = new Acd({
        redis: client,
        prefix: redis.prefix,
        engine: name,
        app: ari.app,
        facts: sink,
        logger: h.ari.logger,
        dispatchIntervalMs: 50,
      });
      await acd.start();
      acd.attach(new CountingTelephony(ari));
      ari.onCall(async (call) => {
        expect(served.has(call.callId), `call ${call.callId} served twice`).to.equal(false);
        served.add(call.callId);
        outcomes.push(await acd.enter(call, { queue: 'sales', priority: 0, language: 'vi' }));
        await call.hangup();
      });
      engines.push({ acd, client, sink });
    }
    const [a, b] = engines;
    await a!.acd.directory.putQueue(
      queueSchema.parse({
        id: 'sales',
        strategy: 'round-robin',
        wrapupSeconds: 0,
        announceEverySeconds: 0,
        retrySeconds: 0.1,
      }),
    );
    for (let i = 1; i <= agents; i++) {
      const agent = agentSchema.parse({ id: `a${i}`, name: `Agent ${i}`, endpoint: `PJSIP/agent${i}` });
      await a!.acd.directory.putAgent(agent);
      await b!.acd.directory.putAgent(agent); // as its own reload from Postgres would
      await a!.acd.agents.login(agent.id, [{ queue: 'sales', penalty: 0 }], 'test');
    }
    await b!.acd.directory.load();
    expect(b!.acd.has('sales')).to.equal(true);

    for (let i = 0; i < calls; i++) {
      await h.sim.control.placeCall({
        from: i % 2 ? `+8490${String(1_000_000 + i)}` : `+98912${String(1_000_000 + i)}`,
        to: '19001234',
        app: i % 2 ? 'tongdai' : 'tongdai2',
      });
      // About 40 calls a second, near what 40 agents answer: a steady line, not a 1,000-call spike.
      if (i % 20 === 19) await sleep(500);
    }
    await eventually(() => outcomes.length === calls, `${calls} outcomes`, 240_000).catch(async (err) => {
      console.log(
        outcomes.length,
        await a!.acd.live.waitingCount('sales'),
        a!.acd.waiting,
        b!.acd.waiting,
        (await a!.acd.live.agents([...Array(agents)].map((_, i) => `a${i + 1}`))).map((x) => x.state),
        h.lines
          .filter((l) => /removed callers|state write given up|dispatch failed|tick failed/.test(l))
          .slice(-5)
          .join('\n'),
      );
      throw err;
    });
    if (process.env.ACD_TEST_PROFILE) {
      const all = engines.flatMap((e) => e.sink.queue()).sort((x, y) => x.at.localeCompare(y.at));
      const gaps: Record<string, number[]> = {};
      const last = new Map<string, { event: string; at: number }>();
      for (const e of all) {
        if (!e.agent) continue;
        const prev = last.get(String(e.agent));
        if (prev) (gaps[`${prev.event}->${String(e.event)}`] ??= []).push(Date.parse(e.at) - prev.at);
        last.set(String(e.agent), { event: String(e.event), at: Date.parse(e.at) });
      }
      for (const [k, v] of Object.entries(gaps))
        console.log(k, v.length, Math.round(v.reduce((a, b) => a + b, 0) / v.length));
    }
    const answered = outcomes.filter((o) => o.result === 'answered').length;
    expect(answered, JSON.stringify(outcomes.filter((o) => o.result !== 'answered').slice(0, 3))).to.equal(
      calls,
    );
    expect(CountingTelephony.worst).to.equal(1);
    // Both engines served callers, and the shared state is clean afterwards.
    for (const e of engines) expect(e.sink.queue('connect').length).to.be.greaterThan(calls / 4);
    expect(await a!.acd.live.waitingCount('sales')).to.equal(0);
    await eventually(async () => {
      const states = (await a!.acd.live.agents([...Array(agents)].map((_, i) => `a${i + 1}`))).map(
        (x) => x.state,
      );
      return states.every((s) => s === 'available');
    }, 'every agent free');
    // Each agent's state history is a valid sequence (no ringing while on a call...).
    const next: Record<string, string[]> = {
      available: ['ringing', 'paused', 'logged_out'],
      ringing: ['on_call', 'available', 'paused', 'logged_out'],
      on_call: ['wrap_up'],
      wrap_up: ['available', 'paused', 'logged_out'],
      logged_out: ['available'],
    };
    const facts = engines.flatMap((e) => e.sink.facts).filter((f) => f.kind === 'agent_event');
    for (let i = 1; i <= agents; i++) {
      const mine = facts.filter((f) => f.data.agent === `a${i}`).sort((x, y) => x.at.localeCompare(y.at));
      for (const f of mine)
        expect(next[String(f.data.previous_state)], `a${i}`).to.include(String(f.data.state));
    }
  });
});

describe('acd: a Redis restart mid-queue', function () {
  this.timeout(120_000);
  let h: AriHarness;
  let server: ChildProcess | undefined;
  let dir: string;
  let port: number;
  let serve: (call: Call) => Promise<void> = async () => undefined;

  const startRedis = async (persist: boolean) => {
    server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        persist ? 'yes' : 'no',
        '--appendfsync',
        'always',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    const probe = engineRedis(`redis://127.0.0.1:${port}`);
    await eventually(async () => {
      await probe.connect().catch(() => undefined);
      return (await probe.ping().catch(() => '')) === 'PONG';
    }, 'redis up');
    probe.disconnect();
  };
  const stopRedis = async () => {
    const s = server!;
    const exited = new Promise((r) => s.once('exit', r));
    s.kill('SIGTERM'); // redis-server writes its AOF and exits
    await exited;
    server = undefined;
  };

  before(async () => {
    h = await startAriHarness();
    dir = mkdtempSync(join(tmpdir(), 'tongdai-acd-redis-'));
    port = await freePort();
    await h.sim.control.setEndpoint('PJSIP/agent1', {
      behaviour: 'answer',
      answerAfterMs: 50,
      hangupAfterMs: 100,
    });
    h.ari.onCall((call) => serve(call));
  });
  after(async () => {
    if (server) await stopRedis();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const persist of [true, false])
    it(
      persist ? 'with AOF: calls go on where they were' : 'restarted empty: callers get their places back',
      async () => {
        await startRedis(persist);
        const client = engineRedis(`redis://127.0.0.1:${port}`);
        await client.connect();
        const sink = new MemorySink();
        const acd = new Acd({
          redis: client,
          prefix: `restart_${persist}:`,
          engine: 'hcm-1',
          app: 'tongdai',
          facts: sink,
          logger: h.ari.logger,
          dispatchIntervalMs: 50,
        });
        await acd.start();
        acd.attach(h.ari);
        const outcomes: QueueOutcome[] = [];
        serve = async (call) => {
          outcomes.push(await acd.enter(call, { queue: 'sales', priority: 0, language: 'fa' }));
          await call.hangup();
        };
        await acd.directory.putQueue(
          queueSchema.parse({ id: 'sales', wrapupSeconds: 0, announceEverySeconds: 0 }),
        );
        await acd.directory.putAgent(
          agentSchema.parse({ id: 'sara', name: 'سارا', endpoint: 'PJSIP/agent1' }),
        );
        await acd.agents.login('sara', [{ queue: 'sales', penalty: 0 }], 'test');
        await acd.agents.pause('sara', 'break', 'test');
        for (let i = 0; i < 3; i++) {
          await h.sim.control.placeCall({ from: `+98912000000${i}`, to: '02188000000' });
          await sleep(20);
        }
        await eventually(async () => (await acd.live.waitingCount('sales')) === 3, '3 waiting');

        await stopRedis();
        // A caller arriving while Redis is down waits at the door; the others keep their music.
        await h.sim.control.placeCall({ from: '+989120000009', to: '02188000000' });
        await sleep(500);
        expect(outcomes).to.have.length(0);
        await startRedis(persist);
        await eventually(() => client.status === 'ready', 'engine reconnected');
        if (!persist) {
          // Agents' log-ins were lost with the data: sara logs in again; the callers were put back.
          await eventually(async () => (await acd.live.waitingCount('sales')) >= 3, 'callers restored');
          await acd.directory.load();
          await acd.agents.login('sara', [{ queue: 'sales', penalty: 0 }], 'test');
        } else {
          expect(await acd.live.waitingCount('sales')).to.be.greaterThan(2);
          await acd.agents.unpause('sara', 'test');
        }
        await eventually(() => outcomes.length === 4, 'all four callers served', 60_000).catch(
          async (err) => {
            console.log(
              outcomes,
              await acd.live.agent('sara'),
              await acd.live.waitingCount('sales'),
              acd.waiting,
            );
            console.log(
              h.lines
                .filter((l) => /warn|error/.test(l))
                .slice(-8)
                .join('\n'),
            );
            throw err;
          },
        );
        expect(outcomes.map((o) => o.result)).to.deep.equal(['answered', 'answered', 'answered', 'answered']);
        // The first three in the order they came.
        const connects = sink.queue('connect').map((e) => e.call_id);
        const enters = sink
          .queue('enter')
          .sort((x, y) => x.at.localeCompare(y.at))
          .map((e) => e.call_id);
        expect(connects.slice(0, 3)).to.deep.equal(enters.slice(0, 3));
        await acd.stop();
        client.disconnect();
        await stopRedis();
        rmSync(join(dir, 'appendonlydir'), { recursive: true, force: true });
      },
    );
});
