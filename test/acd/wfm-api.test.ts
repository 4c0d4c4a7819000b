import { expect } from 'chai';
import { registerWfmRoutes } from '../../src/acd/wfm/index.js';
import { type ApiHarness, startApi } from '../api/harness.js';

interface ErrorBody {
  error: { code: string; message: string; issues?: Array<{ path: string; message: string }> };
}

describe('api: /api/v1/wfm', function () {
  this.timeout(60_000);
  let h: ApiHarness;
  before(async () => {
    h = await startApi({ routes: [registerWfmRoutes()] });
  });
  after(async () => h.close());

  const post = (path: string, body: unknown, key = h.keys.analyst) =>
    h.request(`/api/v1/wfm/${path}`, { method: 'POST', body: JSON.stringify(body), key });
  const issuesOf = async (res: Response) => {
    expect(res.status).to.equal(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).to.equal('VALIDATION_FAILED');
    return body.error.issues!.map((i) => i.path);
  };

  it('erlang-c reproduces the reference figures', async () => {
    const res = await post('erlang-c', { calls: 720, aht_seconds: 240, agents: 55, threshold_seconds: 15 });
    expect(res.status).to.equal(200);
    const r = (await res.json()) as Record<string, number>;
    expect(r.traffic_erlangs).to.equal(48);
    expect(r.p_wait!.toFixed(4)).to.equal('0.2387');
    expect(r.asa_seconds!.toFixed(2)).to.equal('8.18');
    expect((r.service_level! * 100).toFixed(1)).to.equal('84.6');
    // The same load given in Erlangs, or as 180 calls per 15 minutes.
    const b = (await (
      await post('erlang-c', { traffic_erlangs: 48, aht_seconds: 240, agents: 55, threshold_seconds: 15 })
    ).json()) as Record<string, number>;
    const c = (await (
      await post('erlang-c', {
        calls: 180,
        interval_minutes: 15,
        aht_seconds: 240,
        agents: 55,
        threshold_seconds: 15,
      })
    ).json()) as Record<string, number>;
    expect(b.p_wait).to.equal(r.p_wait);
    expect(c.p_wait).to.be.closeTo(r.p_wait!, 1e-12);
  });

  it('erlang-a gives every service-level definition', async () => {
    const res = await post(
      'erlang-a',
      { calls: 720, aht_seconds: 240, agents: 50, patience_seconds: 120, threshold_seconds: 20 },
      h.keys.supervisor,
    );
    expect(res.status).to.equal(200);
    const r = (await res.json()) as {
      p_abandon: number;
      service_level: Record<string, number>;
      answered_within_t: number;
    };
    expect(r.p_abandon).to.be.within(0.04, 0.06);
    expect(r.service_level.offered).to.equal(r.answered_within_t);
    expect(r.service_level.answered).to.be.above(r.service_level.offered!);
    expect(Object.keys(r.service_level)).to.have.members([
      'offered',
      'answered',
      'short_abandons_excluded',
      'short_abandons_met',
    ]);
  });

  it('staffing: 54 agents for 80/20, fewer with impatient callers, per interval with shrinkage', async () => {
    const c = await post('staffing', {
      model: 'erlang_c',
      calls: 720,
      aht_seconds: 240,
      targets: { service_level: { level: 0.8, threshold_seconds: 20 } },
    });
    expect(c.status).to.equal(200);
    const cBody = (await c.json()) as { items: Array<{ agents: number; binding: string[] }> };
    expect(cBody.items[0]!.agents).to.equal(54);
    expect(cBody.items[0]!.binding).to.deep.equal(['service_level']);

    const day = [
      { start: '2026-11-23T08:00:00+07:00', calls: 120 },
      { start: '2026-11-23T08:30:00+07:00', calls: 360 },
      { start: '2026-11-23T09:00:00+07:00', calls: 0 },
    ];
    const a = await post('staffing', {
      model: 'erlang_a',
      patience_seconds: 90,
      aht_seconds: 240,
      interval_minutes: 30,
      intervals: day,
      targets: { service_level: { level: 0.8, threshold_seconds: 20 }, abandon_rate: 0.05 },
      shrinkage: 0.3,
    });
    expect(a.status).to.equal(200);
    const aBody = (await a.json()) as {
      items: Array<{
        start: string;
        agents: number;
        scheduled_agents: number;
        measures: { p_abandon: number };
      }>;
    };
    expect(aBody.items.map((i) => i.start)).to.deep.equal(day.map((d) => d.start));
    expect(aBody.items[1]!.agents).to.be.below(54); // 360 per 30 min = 48 Erlangs, but callers hang up
    expect(aBody.items[1]!.measures.p_abandon).to.be.at.most(0.05);
    expect(aBody.items[0]!.agents).to.be.below(aBody.items[1]!.agents);
    expect(aBody.items[2]!.agents).to.equal(0);
    for (const i of aBody.items) expect(i.scheduled_agents).to.equal(Math.ceil(i.agents / 0.7 - 1e-9));
  });

  it('refuses bad input with 4xx naming the field', async () => {
    const ok = { calls: 720, aht_seconds: 240, agents: 55 };
    expect(await issuesOf(await post('erlang-c', { ...ok, calls: -5 }))).to.deep.equal(['body.calls']);
    expect(await issuesOf(await post('erlang-c', { ...ok, aht_seconds: 0 }))).to.deep.equal([
      'body.aht_seconds',
    ]);
    expect(await issuesOf(await post('erlang-c', { ...ok, agents: 10_000_000 }))).to.deep.equal([
      'body.agents',
    ]);
    expect(await issuesOf(await post('erlang-c', { ...ok, traffic_erlangs: 48 }))).to.deep.equal([
      'body.calls',
    ]);
    // Erlang C with fewer agents than the load has no steady state.
    const unstable = await post('erlang-c', { ...ok, agents: 40 });
    expect(await issuesOf(unstable)).to.deep.equal(['body.agents']);
    expect(await issuesOf(await post('erlang-a', { ...ok, patience_seconds: 0 }))).to.deep.equal([
      'body.patience_seconds',
    ]);
    expect(await issuesOf(await post('erlang-a', ok))).to.deep.equal(['body.patience_seconds']);
    const staffing = { model: 'erlang_c', calls: 720, aht_seconds: 240 };
    expect(await issuesOf(await post('staffing', { ...staffing, targets: {} }))).to.deep.equal([
      'body.targets',
    ]);
    expect(
      await issuesOf(
        await post('staffing', {
          ...staffing,
          targets: { service_level: { level: 80, threshold_seconds: 20 } },
        }),
      ),
    ).to.deep.equal(['body.targets.service_level.level']);
    expect(
      await issuesOf(await post('staffing', { ...staffing, targets: { abandon_rate: 0.05 } })),
    ).to.deep.equal(['body.targets.abandon_rate']);
    expect(
      await issuesOf(
        await post('staffing', { ...staffing, model: 'erlang_a', targets: { asa_seconds: 20 } }),
      ),
    ).to.deep.equal(['body.patience_seconds']);
    const tooBig = await post('staffing', {
      model: 'erlang_c',
      aht_seconds: 600,
      intervals: [{ calls: 10 }, { calls: 1e9 }],
      targets: { asa_seconds: 20 },
    });
    expect(await issuesOf(tooBig)).to.deep.equal(['body.intervals.1.calls']);
  });

  it('is documented in /openapi.json with its request schemas', async () => {
    const res = await h.request('/openapi.json');
    expect(res.status).to.equal(200);
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: any }> } }>>;
    };
    for (const path of ['erlang-c', 'erlang-a', 'staffing']) {
      const op = doc.paths[`/api/v1/wfm/${path}`]?.post;
      expect(op, path).to.not.equal(undefined);
      expect(op!.requestBody!.content['application/json']!.schema.properties).to.have.property('aht_seconds');
    }
  });

  it('is for supervisors, analysts and admins only', async () => {
    const body = { calls: 720, aht_seconds: 240, agents: 55 };
    expect((await post('erlang-c', body, h.keys.agent)).status).to.equal(403);
    expect((await post('erlang-c', body, h.keys.admin)).status).to.equal(200);
    expect(
      (await h.request('/api/v1/wfm/erlang-c', { method: 'POST', body: JSON.stringify(body) })).status,
    ).to.equal(401);
  });
});
