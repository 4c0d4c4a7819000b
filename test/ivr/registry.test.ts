import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { FlowRegistry } from '../../src/ivr/registry.js';
import { soundCatalogFrom } from '../../src/ivr/sounds.js';
import { MemoryFlowVersionStore, PgFlowVersionStore, type FlowVersionStore } from '../../src/ivr/store.js';
import { sounds } from '../../src/simulator/sounds.js';
import { capturingLogger } from '../helpers/ari.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

export const simSounds = soundCatalogFrom(
  [...sounds.values()].map((s) => ({
    id: s.id,
    formats: s.languages.map((language) => ({ language, format: 'gsm' })),
  })),
);
const { logger, lines } = capturingLogger();

async function folder(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'flows-'));
  await cp('flows', dir, { recursive: true });
  return dir;
}

function registry(store: FlowVersionStore, dir: string): FlowRegistry {
  return new FlowRegistry({ store, dir, logger, sounds: async () => simSounds });
}

describe('ivr: flow registry (files, versions, refusals, snapshots)', () => {
  let dir: string;
  beforeEach(async () => (dir = await folder()));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('loads the sample folder: flows, DID map with default, queues', async () => {
    const r = registry(new MemoryFlowVersionStore(), dir);
    const report = await r.load();
    expect(report.refused).to.deep.equal([]);
    expect(report.accepted.map((a) => a.flowId).sort()).to.deep.equal(['billing', 'intl', 'main', 'service']);
    expect(r.flowForDid('+982188776655')).to.equal('intl');
    expect(r.surveys().map((s) => s.id)).to.deep.equal(['post_call']);
    expect(
      r
        .snapshot()
        .survey?.('post_call')
        ?.questions.map((q) => q.type),
    ).to.deep.equal(['csat', 'nps', 'yes_no']);
    expect(r.flowForDid('+842838220000')).to.equal('main');
    expect(r.flowForDid('+19999')).to.equal('main');
    expect(r.routing?.queues.sales).to.deep.equal(['PJSIP/agent1', 'PJSIP/agent2']);
    expect(r.snapshot().get('main')?.version).to.equal(1);
  });

  it('an unchanged file is not a new version; a changed one is, and old calls keep their snapshot', async () => {
    const r = registry(new MemoryFlowVersionStore(), dir);
    await r.load();
    const before = r.snapshot();
    expect((await r.load()).unchanged.sort()).to.deep.equal(['billing', 'intl', 'main', 'service']);
    const file = path.join(dir, 'main.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('vipPriority: 90', 'vipPriority: 95'));
    const report = await r.load();
    expect(report.accepted).to.deep.equal([{ flowId: 'main', version: 2, source: file }]);
    expect(r.snapshot().get('main')?.version).to.equal(2);
    expect(before.get('main')?.version).to.equal(1);
  });

  it('a bad file is refused with its path and reason; the previous version keeps serving', async () => {
    const r = registry(new MemoryFlowVersionStore(), dir);
    await r.load();
    const file = path.join(dir, 'service.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text
        .replace("'1': sales,", "'1': salez,")
        .replace('queue: support', 'queue: marketing')
        .replace('survey: post_call', 'survey: exit_poll')
        .replace('prompt: [sound:queue-periodic-announce', 'prompt: [sound:no-such-prompt'),
    );
    const report = await r.load();
    expect(report.refused).to.have.length(1);
    expect(report.refused[0]!.source).to.equal(file);
    expect(report.refused[0]!.issues).to.deep.include.members([
      { path: 'nodes.purpose_menu.options.1', message: 'no node "salez"' },
      { path: 'nodes.queue_support.queue', message: 'no queue "marketing"' },
      { path: 'nodes.busy.prompt.0', message: 'no sound "no-such-prompt"' },
      { path: 'nodes.survey.survey', message: 'no survey "exit_poll"' },
    ]);
    expect(r.snapshot().get('service')?.version).to.equal(1);
    const logged = lines.filter((l) => l.includes('IVR flow refused') && l.includes(file));
    expect(logged.join('')).to.include('nodes.survey.survey');
    expect(logged.join('')).to.include('nodes.purpose_menu.options.1');
  });

  it('refuses YAML that does not parse, a file whose id is not its name, and a DID to an unknown flow', async () => {
    const r = registry(new MemoryFlowVersionStore(), dir);
    await r.load();
    await writeFile(path.join(dir, 'broken.yaml'), 'id: broken\nnodes: [unclosed\n');
    await writeFile(
      path.join(dir, 'other.json'),
      JSON.stringify({ id: 'main', start: 'x', nodes: { x: { type: 'hangup' } } }),
    );
    const routing = path.join(dir, 'routing.yaml');
    await writeFile(
      routing,
      (await readFile(routing, 'utf8')).replace("'+442071234567': intl", "'+442071234567': nope"),
    );
    const report = await r.load();
    const bySource = Object.fromEntries(report.refused.map((x) => [path.basename(x.source), x.issues]));
    expect(bySource['broken.yaml']![0]!.path).to.equal('');
    expect(bySource['other.json']).to.deep.equal([
      { path: 'id', message: '"main" is not the file name "other"' },
    ]);
    expect(bySource['routing.yaml']).to.deep.equal([
      { path: 'dids.+442071234567', message: 'no flow "nope"' },
    ]);
    expect(r.flowForDid('+442071234567')).to.equal('intl');
  });

  it('a flow calling a refused sub-flow is refused too', async () => {
    await writeFile(
      path.join(dir, 'billing.yaml'),
      'id: billing\nstart: nowhere\nnodes: { a: { type: hangup } }\n',
    );
    const r = registry(new MemoryFlowVersionStore(), dir);
    const report = await r.load();
    // service calls billing, main and intl call service: all refused; then the routing file names
    // flows that do not exist, so it is refused as well.
    expect(report.refused.map((x) => path.basename(x.source)).sort()).to.deep.equal([
      'billing.yaml',
      'intl.yaml',
      'main.yaml',
      'routing.yaml',
      'service.yaml',
    ]);
    expect(report.refused.find((x) => x.source.endsWith('service.yaml'))!.issues).to.deep.equal([
      { path: 'nodes.billing_account.flow', message: 'no flow "billing"' },
    ]);
    expect(report.refused.find((x) => x.source.endsWith('main.yaml'))!.issues).to.deep.equal([
      { path: 'nodes.service.flow', message: 'no flow "service"' },
    ]);
  });

  it('surveys: a bad survey file is refused with its paths (the loaded one keeps serving); a flow naming a missing survey is refused', async () => {
    const r = registry(new MemoryFlowVersionStore(), dir);
    await r.load();
    const file = path.join(dir, 'surveys', 'post_call.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text
        .replace('type: nps', 'type: stars')
        .replace('timeoutPrompt: sound:please-try-again', 'timeoutPrompt: sound:nope'),
    );
    await writeFile(path.join(dir, 'surveys', 'exit.yaml'), 'id: exit_poll\nquestions: []\n');
    const report = await r.load();
    const bySource = Object.fromEntries(report.refused.map((x) => [path.basename(x.source), x.issues]));
    expect(bySource['post_call.yaml']!.map((i) => i.path)).to.deep.equal(['questions.1.type']);
    expect(bySource['exit.yaml']!.map((i) => i.path)).to.deep.equal(['questions']);
    expect(r.snapshot().survey?.('post_call')?.questions[1]!.type).to.equal('nps');

    await writeFile(file, text.replace('timeoutPrompt: sound:please-try-again', 'timeoutPrompt: sound:nope'));
    const sounds = await r.load();
    expect(sounds.refused.find((x) => x.source === file)!.issues).to.deep.equal([
      { path: 'timeoutPrompt.0', message: 'no sound "nope"' },
    ]);

    await rm(path.join(dir, 'surveys'), { recursive: true });
    const fresh = registry(new MemoryFlowVersionStore(), dir);
    const without = await fresh.load();
    expect(without.refused.find((x) => x.source.endsWith('service.yaml'))!.issues).to.deep.equal([
      { path: 'nodes.survey.survey', message: 'no survey "post_call"' },
    ]);
  });

  describe('in Postgres (ivr_flow_versions)', () => {
    let db: TestDatabase;
    before(async () => (db = await createTestDatabase()));
    after(async () => db?.drop());

    it('keeps every version with who and when; a restarted registry serves the newest', async () => {
      const store = new PgFlowVersionStore(db.knex);
      const r = registry(store, dir);
      await r.load();
      const main = r.flow('main')!;
      const changed = { ...main.document, description: 'changed over the API' };
      const v2 = await r.put(changed, { changedBy: 'ops (abc)', comment: 'new greeting' });
      expect(v2.version).to.equal(2);
      let error: unknown;
      await r.put({ ...changed, start: 'gone' }, { changedBy: 'ops (abc)' }).catch((e) => (error = e));
      expect((error as { issues: unknown }).issues).to.deep.equal([
        { path: 'start', message: 'no node "gone"' },
      ]);
      const versions = await r.versions('main');
      expect(versions.map((v) => [v.version, v.source, v.changedBy, v.comment])).to.deep.equal([
        [2, 'api', 'ops (abc)', 'new greeting'],
        [1, 'file', `file:${path.join(dir, 'main.yaml')}`, null],
      ]);
      const again = registry(new PgFlowVersionStore(db.knex), dir);
      const report = await again.load();
      // The file did not change since version 1, so the API's version 2 stays active.
      expect(report.unchanged.sort()).to.deep.equal(['billing', 'intl', 'main', 'service']);
      expect(again.snapshot().get('main')?.version).to.equal(2);
      expect(again.snapshot().get('main')?.document.description).to.equal('changed over the API');
    });
  });
});
