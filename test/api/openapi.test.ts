import { expect } from 'chai';
import { z } from 'zod';
import { createApiKeySchema } from '../../src/auth/routes.js';
import { startApi, type ApiHarness } from './harness.js';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, any>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
};

describe('api: /openapi.json and /metrics', () => {
  let h: ApiHarness;
  let doc: Doc;
  before(async () => {
    h = await startApi();
    const res = await h.request('/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/json/);
    doc = (await res.json()) as Doc;
  });
  after(async () => h?.close());

  it('is OpenAPI 3.1 and lists every registered route, and nothing else', () => {
    expect(doc.openapi).to.equal('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    const registered = h.api.registry.routes.map((r) => `${r.method} ${r.path}`);
    expect(documented).to.have.members(registered);
    expect(registered).to.include.members([
      'get /health',
      'get /metrics',
      'get /openapi.json',
      'get /api/v1/whoami',
      'get /api/v1/apikeys',
      'post /api/v1/apikeys',
      'delete /api/v1/apikeys/{id}',
    ]);
  });

  it('request bodies are the very schemas that validate them', () => {
    const op = doc.paths['/api/v1/apikeys']!.post;
    const { $schema: _s, ...expected } = z.toJSONSchema(createApiKeySchema, { io: 'input' }) as Record<
      string,
      unknown
    >;
    expect(op.requestBody.content['application/json'].schema).to.deep.equal(expected);
    expect(op.requestBody.required).to.equal(true);
    expect(op.requestBody.content['application/json'].schema.properties.role.enum).to.deep.equal([
      'admin',
      'supervisor',
      'agent',
      'analyst',
    ]);
  });

  it('every route declares its schemas, parameters, roles and error responses', () => {
    for (const route of h.api.registry.routes) {
      const op = doc.paths[route.path]![route.method];
      expect(op.operationId, route.path).to.equal(route.operationId);
      const success = op.responses[String(route.status ?? 200)];
      expect(success, `${route.method} ${route.path}`).to.have.property('content');
      if (route.access === 'public') {
        expect(op.security).to.deep.equal([]);
      } else {
        expect(op.security).to.deep.equal([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
        expect(op.responses['401'].content['application/json'].schema).to.deep.equal({
          $ref: '#/components/schemas/Error',
        });
      }
      if (route.body || route.params || route.query) expect(op.responses).to.have.property('400');
    }
    const del = doc.paths['/api/v1/apikeys/{id}']!.delete;
    expect(del.parameters).to.deep.include.members([
      {
        name: 'id',
        in: 'path',
        required: true,
        description: 'Key id (uuid) or prefix',
        schema: del.parameters[0].schema,
      },
    ]);
    expect(del['x-roles']).to.deep.equal(['admin']);
    const list = doc.paths['/api/v1/apikeys']!.get;
    expect(list.parameters[0]).to.include({ name: 'include_revoked', in: 'query', required: false });
    expect(
      list.responses['200'].content['application/json'].schema.properties.items.items.required,
    ).to.include('prefix');
    expect(
      doc.paths['/health']!.get.responses['503'].content['application/json'].schema.properties,
    ).to.have.keys('status', 'checks');
    expect(doc.components.schemas).to.have.property('Error');
    expect(doc.components.securitySchemes).to.have.keys('bearerAuth', 'apiKeyHeader');
  });

  it('/metrics serves the engine registry as Prometheus text, with HTTP latency by route template', async () => {
    h.metrics.activeCalls.set(3);
    await h.request('/api/v1/whoami', { key: h.keys.agent });
    const res = await h.request('/metrics');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/plain/);
    const text = await res.text();
    expect(text).to.match(/^# HELP tongdai_active_calls /m);
    expect(text).to.match(/^tongdai_active_calls 3$/m);
    expect(text).to.match(
      /^tongdai_http_request_seconds_count\{method="GET",route="\/api\/v1\/whoami",status="200"\} 1$/m,
    );
  });
});

describe('api: METRICS_ENABLED=false', () => {
  let h: ApiHarness;
  before(async () => (h = await startApi({ env: { METRICS_ENABLED: 'false' } })));
  after(async () => h?.close());

  it('does not serve or document /metrics', async () => {
    expect((await h.request('/metrics')).status).to.equal(404);
    const doc = (await (await h.request('/openapi.json')).json()) as Doc;
    expect(doc.paths).to.not.have.property('/metrics');
  });
});
