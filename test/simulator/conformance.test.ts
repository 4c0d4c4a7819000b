import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Simulator } from '../../src/simulator/index.js';
import { apiDeclaration, eventTypes, operations } from '../../src/simulator/spec/swagger.js';
import { resourceSpecs } from '../../src/simulator/spec/table.js';
import { ari, start } from './helpers.js';

// The official declarations are read at run time from ../shared, never copied into the project.
const DocsDir = join(process.cwd(), '..', 'shared', 'ari-api-docs');

interface DocParam {
  name: string;
  paramType: string;
  dataType: string;
  required?: boolean;
  allowMultiple?: boolean;
  defaultValue?: unknown;
  allowableValues?: unknown;
}
interface DocOp {
  httpMethod: string;
  nickname: string;
  responseClass: string;
  parameters?: DocParam[];
  errorResponses?: { code: number; reason: string }[];
}
interface DocProp {
  type: string;
  required?: boolean;
  allowableValues?: { values?: string[] };
}
interface Doc {
  swaggerVersion: string;
  resourcePath: string;
  apis: { path: string; operations: DocOp[] }[];
  models: Record<
    string,
    { properties: Record<string, DocProp>; subTypes?: string[]; discriminator?: string }
  >;
}

const docs = new Map<string, Doc>();
if (existsSync(DocsDir)) {
  for (const f of readdirSync(DocsDir).filter((x) => x.endsWith('.json'))) {
    docs.set(f.replace('.json', ''), JSON.parse(readFileSync(join(DocsDir, f), 'utf8')) as Doc);
  }
}

(docs.size ? describe : describe.skip)('simulator conformance with Asterisk 22 api-docs', () => {
  let sim: Simulator;
  before(async () => {
    sim = await start();
  });
  after(() => sim.close());

  it('declares exactly the resources Asterisk declares', () => {
    expect(resourceSpecs.map((r) => r.name).sort()).to.deep.equal([...docs.keys()].sort());
  });

  it('every declared operation matches the official declaration', () => {
    let checked = 0;
    for (const op of operations) {
      const doc = docs.get(op.resource)!;
      const api = doc.apis.find((a) => a.path === op.path);
      expect(api, `${op.resource} ${op.path}`).to.not.equal(undefined);
      const d = api!.operations.find((o) => o.httpMethod === op.httpMethod);
      const where = `${op.httpMethod} ${op.path}`;
      expect(d, where).to.not.equal(undefined);
      expect(op.nickname, where).to.equal(d!.nickname);
      expect(op.responseClass, where).to.equal(d!.responseClass);
      const params = d!.parameters ?? [];
      expect(
        op.parameters.map((p) => p.name),
        where,
      ).to.deep.equal(params.map((p) => p.name));
      params.forEach((p, i) => {
        const mine = op.parameters[i]!;
        const w = `${where} ${p.name}`;
        expect(mine.paramType, w).to.equal(p.paramType);
        expect(mine.dataType, w).to.equal(p.dataType);
        expect(mine.required, w).to.equal(!!p.required);
        expect(mine.allowMultiple, w).to.equal(!!p.allowMultiple);
        expect(mine.defaultValue, w).to.deep.equal(p.defaultValue);
        expect(mine.allowableValues, w).to.deep.equal(p.allowableValues);
      });
      const errs = (d!.errorResponses ?? []).map((e) => `${e.code} ${e.reason}`).sort();
      expect(op.errorResponses.map((e) => `${e.code} ${e.reason}`).sort(), where).to.deep.equal(errs);
      checked++;
    }
    expect(checked).to.be.greaterThan(100);
  });

  it('models have the official fields, types and required flags', () => {
    for (const r of resourceSpecs) {
      const doc = docs.get(r.name)!;
      expect(Object.keys(r.models).sort(), r.name).to.deep.equal(Object.keys(doc.models).sort());
      const decl = apiDeclaration(r.name, 'localhost:8088') as { models: Doc['models'] };
      for (const [name, m] of Object.entries(doc.models)) {
        const mine = decl.models[name]!;
        expect(Object.keys(mine.properties).sort(), name).to.deep.equal(Object.keys(m.properties).sort());
        for (const [prop, p] of Object.entries(m.properties)) {
          const q = mine.properties[prop]!;
          expect(q.type, `${name}.${prop}`).to.equal(p.type);
          expect(!!q.required, `${name}.${prop}`).to.equal(!!p.required);
          expect(q.allowableValues?.values, `${name}.${prop}`).to.deep.equal(p.allowableValues?.values);
        }
        if (m.subTypes)
          expect([...(mine.subTypes ?? [])].sort(), `${name} subTypes`).to.deep.equal([...m.subTypes].sort());
        expect(mine.discriminator).to.equal(m.discriminator);
      }
    }
  });

  it('knows every event type of events.json', () => {
    const official = docs.get('events')!.models.Event!.subTypes!;
    expect([...eventTypes()].sort()).to.deep.equal([...official].sort());
  });

  it('serves resources.json and each declaration like Asterisk (swagger 1.1, credentials required)', async () => {
    const listing = await ari(sim, 'GET', '/api-docs/resources.json');
    expect(listing.status).to.equal(200);
    expect(listing.body.swaggerVersion).to.equal('1.1');
    expect(listing.body.basePath).to.equal(`${sim.url}/ari`);
    expect(listing.body.apis.map((a: { path: string }) => a.path)).to.include('/api-docs/channels.{format}');
    for (const name of docs.keys()) {
      const res = await ari(sim, 'GET', `/api-docs/${name}.json`);
      expect(res.status, name).to.equal(200);
      expect(res.body.resourcePath).to.equal(docs.get(name)!.resourcePath);
      expect(res.body.swaggerVersion).to.equal(docs.get(name)!.swaggerVersion);
      expect(res.body.basePath).to.equal(`${sim.url}/ari`);
    }
    const anon = await ari(sim, 'GET', '/api-docs/resources.json', {}, undefined, null);
    expect(anon.status).to.equal(401);
    expect(anon.body).to.deep.equal({ message: 'Authentication required' });
  });
});
