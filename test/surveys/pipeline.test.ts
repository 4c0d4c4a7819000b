import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import type { FactsPipeline } from '../../src/facts/index.js';
import { SurveyResponseKind } from '../../src/surveys/fact.js';
import { surveyDocument } from '../../src/surveys/schema.js';
import { eventually } from '../helpers/ari.js';
import { type TestDatabase, createTestDatabase } from '../helpers/db.js';
import { type FactsLoop, startFactsLoop } from '../helpers/facts.js';
import { type TestRedis, createTestRedis } from '../helpers/redis.js';
import { type IvrHarness, startIvrHarness } from '../ivr/harness.js';
import { useInbound } from '../ivr/inbound.js';

/**
 * Survey answers through the real records pipeline: the survey node emits facts into the engine's
 * outbox, BullMQ carries them, the worker writes survey_responses; the CSAT/NPS views read them.
 */
describe('surveys: answers through the records pipeline into survey_responses and the CSAT/NPS views', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let redis: TestRedis;
  let loop: FactsLoop;
  let pipeline: FactsPipeline;
  let x: IvrHarness;

  before(async () => {
    db = await createTestDatabase();
    redis = await createTestRedis();
    loop = await startFactsLoop({ db, redis, kinds: [SurveyResponseKind], name: 'survey-test' });
    pipeline = loop.pipeline;
    x = await startIvrHarness({ now: () => new Date() });
    useInbound(x, db.knex, pipeline.sink);
    // Agents answer and hang up at once; callers then take the survey.
    for (const a of ['PJSIP/agent1', 'PJSIP/agent3'])
      await x.h.sim.control.setEndpoint(a, { behaviour: 'answer', answerAfterMs: 200, hangupAfterMs: 300 });
    x.serve(
      [
        {
          id: 'inbound',
          language: 'vi',
          start: 'menu',
          nodes: {
            menu: { type: 'menu', prompt: 'sound:press-1', options: { '1': 'sales', '2': 'support' } },
            sales: { type: 'queue', queue: 'sales', next: 'survey' },
            support: { type: 'queue', queue: 'support', next: 'survey' },
            survey: { type: 'survey', survey: 'post_call' },
          },
        },
      ],
      'inbound',
      [surveyDocument.parse(parseYaml(readFileSync('flows/surveys/post_call.yaml', 'utf8')))],
    );
  });
  after(async () => {
    await x?.close();
    await loop?.close();
    await redis?.cleanup();
    await db?.drop();
  });

  it('full, partial (hung up after Q1) and retried answers land as rows; the views compute CSAT and NPS', async () => {
    const callers: Array<{ from: string; keys: string; hangupAfterFirst?: boolean }> = [
      { from: '+84901000001', keys: '1' + '5101' }, // sales: CSAT 5, NPS 10, resolved
      { from: '+84901000002', keys: '1' + '4' + '7#' + '2' }, // sales: CSAT 4, NPS 7, not resolved
      { from: '+98912000003', keys: '2' + '2' + '3#' + '1' }, // support: CSAT 2, NPS 3, resolved
      { from: '+44207000004', keys: '2' + '5', hangupAfterFirst: true }, // support: CSAT 5 then gone
    ];
    for (const c of callers) {
      x.onEnter('survey', async (id) => {
        if (!c.hangupAfterFirst) return;
        await eventually(async () => {
          const n = await db.knex('survey_responses').count({ n: '*' });
          return Number(n[0]!.n) >= 10;
        }, 'earlier answers and the first of this call');
        await x.h.sim.control.remoteHangup(id);
      });
      await x.call({ from: c.from, to: '+842838220000', script: [{ atMs: 100, dtmf: c.keys }] });
    }
    await eventually(
      async () => Number((await db.knex('survey_responses').count({ n: '*' }))[0]!.n) === 10,
      'ten answers in Postgres',
      30_000,
    );
    const rows = await db.knex('survey_responses').orderBy(['occurred_at', 'question_index']);
    expect(rows.map((r) => `${r.queue}/${r.question_id}=${r.answer}`)).to.deep.equal([
      'sales/csat=5',
      'sales/nps=10',
      'sales/resolved=1',
      'sales/csat=4',
      'sales/nps=7',
      'sales/resolved=0',
      'support/csat=2',
      'support/nps=3',
      'support/resolved=1',
      'support/csat=5',
    ]);
    expect(rows[0]).to.include({
      survey_id: 'post_call',
      questions_total: 3,
      language: 'en',
      agent: 'PJSIP/agent1',
    });
    expect(rows[0].conversation_id).to.equal(rows[0].call_id);

    const csat = await db.knex('survey_csat_daily').orderBy('queue');
    expect(
      csat.map((r) => [r.queue, Number(r.responses), Number(r.csat_pct), Number(r.mean_score)]),
    ).to.deep.equal([
      ['sales', 2, 100, 4.5],
      ['support', 2, 50, 3.5],
    ]);
    const nps = await db.knex('survey_nps_daily').orderBy('queue');
    expect(
      nps.map((r) => [r.queue, Number(r.promoters), Number(r.passives), Number(r.detractors), Number(r.nps)]),
    ).to.deep.equal([
      ['sales', 1, 1, 0, 50],
      ['support', 0, 0, 1, -100],
    ]);
    const completion = await db.knex('survey_completion').orderBy('started_at');
    expect(completion.map((r) => [Number(r.answered), r.completed])).to.deep.equal([
      [3, true],
      [3, true],
      [3, true],
      [1, false],
    ]);

    // The same facts again (a retry after a crash) add nothing.
    const before = rows.length;
    for (const r of rows)
      pipeline.sink.emit({
        kind: 'survey_response',
        id: r.id,
        at: new Date(r.occurred_at).toISOString(),
        data: Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'id' && k !== 'occurred_at')),
      });
    await new Promise((r) => setTimeout(r, 1000));
    expect(Number((await db.knex('survey_responses').count({ n: '*' }))[0]!.n)).to.equal(before);
  });
});
