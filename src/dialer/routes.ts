import { z } from 'zod';
import type { RouteRegistry } from '../api/registry.js';
import { campaignInputSchema, CampaignStates, e164 } from './campaign.js';
import type { DialerRuntime } from './runtime.js';
import type { DialerService } from './service.js';
import type { CampaignStore } from './store.js';
import type { Knex } from 'knex';
import type { DialerClock } from './ports.js';
import { Profiles } from './rules.js';

const Managers = ['supervisor', 'admin'] as const;
const Readers = ['supervisor', 'analyst', 'admin'] as const;
const Agents = ['agent', 'supervisor', 'admin'] as const;

const idParams = z.object({ id: z.uuid() });
const agentId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, "_", "." or "-"');
const campaignOut = z
  .object({
    id: z.string(),
    state: z.enum(CampaignStates),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .catchall(z.unknown());
const localTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'lead-local YYYY-MM-DDTHH:MM');

export interface DialerRouteDeps {
  db: Knex;
  store: CampaignStore;
  service: DialerService;
  clock: DialerClock;
  /** This engine's runtime, poked so start / pause / stop apply at once (others see it within a tick). */
  runtime?: () => DialerRuntime | undefined;
}

/** /api/v1/campaigns and /api/v1/dialer: campaigns as data, agent actions, compliance registries. */
export function registerDialerRoutes(deps: DialerRouteDeps) {
  const { store, service, db } = deps;
  return (registry: RouteRegistry): void => {
    registry.add({
      method: 'get',
      path: '/api/v1/campaigns',
      operationId: 'listCampaigns',
      summary: 'Outbound campaigns with their settings and state',
      tags: ['dialer'],
      access: Readers,
      response: z.object({ items: z.array(campaignOut) }),
      handler: async () => ({ items: await store.list() }),
    });

    registry.add({
      method: 'post',
      path: '/api/v1/campaigns',
      operationId: 'createCampaign',
      summary:
        'Create a campaign (draft); lists must exist, brand caller IDs be registered where the law asks',
      tags: ['dialer'],
      access: Managers,
      body: campaignInputSchema,
      status: 201,
      response: campaignOut,
      handler: async ({ body, principal }) =>
        store.create(body, principal?.name ?? null, new Date(deps.clock.now())),
    });

    registry.add({
      method: 'get',
      path: '/api/v1/campaigns/{id}',
      operationId: 'getCampaign',
      summary: 'One campaign',
      tags: ['dialer'],
      access: Readers,
      params: idParams,
      response: campaignOut,
      handler: async ({ params }) => store.get(params.id),
    });

    registry.add({
      method: 'put',
      path: '/api/v1/campaigns/{id}',
      operationId: 'putCampaign',
      summary: 'Replace a campaign’s settings (pause it first)',
      tags: ['dialer'],
      access: Managers,
      params: idParams,
      body: campaignInputSchema,
      response: campaignOut,
      handler: async ({ params, body }) => store.update(params.id, body, new Date(deps.clock.now())),
    });

    for (const action of ['start', 'pause', 'stop'] as const)
      registry.add({
        method: 'post',
        path: `/api/v1/campaigns/{id}/${action}`,
        operationId: `${action}Campaign`,
        summary: `${action[0]!.toUpperCase()}${action.slice(1)} the campaign (every engine follows within a second)`,
        tags: ['dialer'],
        access: Managers,
        params: idParams,
        response: campaignOut,
        handler: async ({ params }) => {
          const c = await store.transition(params.id, action, new Date(deps.clock.now()));
          deps.runtime?.()?.poke();
          return c;
        },
      });

    registry.add({
      method: 'get',
      path: '/api/v1/campaigns/{id}/stats',
      operationId: 'getCampaignStats',
      summary: 'Abandon rate over the jurisdiction’s rolling window, contacts, conversion, list penetration',
      tags: ['dialer'],
      access: Readers,
      params: idParams,
      response: z.object({
        campaign_id: z.string(),
        abandon: z.object({
          window_hours: z.number(),
          limit: z.number(),
          live_answers: z.number(),
          abandoned: z.number(),
          rate: z.number(),
          over_limit: z.boolean(),
        }),
        dials: z.number(),
        refusals: z.number(),
        contacts: z.number(),
        sales: z.number(),
        contact_rate: z.number().nullable(),
        conversion_rate: z.number().nullable(),
        lists: z.array(
          z.object({
            list_id: z.string(),
            leads: z.number(),
            dialed: z.number(),
            reached: z.number(),
            penetration: z.number().nullable(),
          }),
        ),
      }),
      handler: async ({ params }) => {
        const c = await store.get(params.id);
        const p = Profiles[c.jurisdiction].abandon;
        const now = deps.clock.now();
        const { rows } = await db.raw('SELECT * FROM dialer_abandon_rate(?, ?, ?, ?)', [
          c.id,
          new Date(now - p.window_hours * 3_600_000),
          new Date(now + 1000),
          p.amd_false_positives_count ? c.amd_false_positive_rate : 0,
        ]);
        const s = await db('campaign_summary').where({ campaign_id: c.id }).first();
        const lists = await db('campaign_list_penetration').where({ campaign_id: c.id });
        const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
        const rate = Number(rows[0].abandon_rate);
        return {
          campaign_id: c.id,
          abandon: {
            window_hours: p.window_hours,
            limit: p.limit,
            live_answers: Number(rows[0].live_answers),
            abandoned: Number(rows[0].abandoned),
            rate,
            over_limit: rate > p.limit,
          },
          dials: Number(s.dials),
          refusals: Number(s.refusals),
          contacts: Number(s.contacts),
          sales: Number(s.sales),
          contact_rate: num(s.contact_rate),
          conversion_rate: num(s.conversion_rate),
          lists: lists.map((l) => ({
            list_id: l.list_id,
            leads: Number(l.leads),
            dialed: Number(l.dialed),
            reached: Number(l.reached),
            penetration: num(l.penetration),
          })),
        };
      },
    });

    registry.add({
      method: 'get',
      path: '/api/v1/campaigns/{id}/attempts',
      operationId: 'listCampaignAttempts',
      summary: 'Recent attempts with every compliance decision (newest first)',
      tags: ['dialer'],
      access: Readers,
      params: idParams,
      query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      response: z.object({ items: z.array(z.record(z.string(), z.unknown())) }),
      handler: async ({ params, query }) => ({
        items: (
          await db('call_attempts')
            .where({ campaign_id: params.id })
            .orderBy('decided_at', 'desc')
            .limit(query.limit)
        ).map((r) => JSON.parse(JSON.stringify(r))),
      }),
    });

    registry.add({
      method: 'post',
      path: '/api/v1/campaigns/{id}/agents',
      operationId: 'loginCampaignAgent',
      summary: 'An agent joins the campaign, ready for calls on their phone',
      tags: ['dialer'],
      access: Agents,
      params: idParams,
      body: z.object({
        agent: agentId,
        endpoint: z.string().regex(/^[A-Za-z]+\/[^\s]+$/, 'a dial string such as PJSIP/agent7'),
      }),
      status: 204,
      handler: async ({ params, body }) => service.login(params.id, body.agent, body.endpoint),
    });

    registry.add({
      method: 'delete',
      path: '/api/v1/dialer/agents/{agent}',
      operationId: 'logoutDialerAgent',
      summary: 'The agent leaves every campaign',
      tags: ['dialer'],
      access: Agents,
      params: z.object({ agent: agentId }),
      status: 204,
      handler: async ({ params }) => service.logout(params.agent),
    });

    registry.add({
      method: 'post',
      path: '/api/v1/campaigns/{id}/preview',
      operationId: 'previewNextLead',
      summary: 'Preview mode: the next lead for this agent (nothing is dialed until accept)',
      tags: ['dialer'],
      access: Agents,
      params: idParams,
      body: z.object({ agent: agentId }),
      alsoResponds: [{ status: 204, description: 'No lead is due' }],
      response: z
        .object({
          attempt_id: z.string(),
          lead: z.record(z.string(), z.unknown()),
          lead_local_time: z.string(),
          caller_id: z.string(),
          attempt_no: z.number(),
        })
        .optional(),
      handler: async ({ params, body, setStatus }) => {
        const next = await service.previewNext(params.id, body.agent);
        if (!next) setStatus(204);
        return next;
      },
    });

    registry.add({
      method: 'post',
      path: '/api/v1/dialer/attempts/{id}/accept',
      operationId: 'acceptPreview',
      summary: 'Dial the previewed lead (rules are judged again now)',
      tags: ['dialer'],
      access: Agents,
      params: idParams,
      body: z.object({ agent: agentId }),
      response: z.object({
        decision: z.enum(['dial', 'refused']),
        refused_by: z.string().optional(),
        reason: z.string().optional(),
      }),
      handler: async ({ params, body }) => service.accept(params.id, body.agent),
    });

    registry.add({
      method: 'post',
      path: '/api/v1/dialer/attempts/{id}/skip',
      operationId: 'skipPreview',
      summary: 'Do not dial the previewed lead now',
      tags: ['dialer'],
      access: Agents,
      params: idParams,
      body: z.object({ agent: agentId }),
      status: 204,
      handler: async ({ params, body }) => service.skip(params.id, body.agent),
    });

    registry.add({
      method: 'post',
      path: '/api/v1/dialer/attempts/{id}/disposition',
      operationId: 'setDisposition',
      summary:
        'Wrap-up: the call’s disposition (flags: final, retry, callback, do-not-call, sale), optional call-back',
      tags: ['dialer'],
      access: Agents,
      params: idParams,
      body: z.object({
        agent: agentId,
        code: z.string().min(1).max(40),
        callback_at: localTime.optional(),
        callback_agent: z.enum(['same', 'any']).default('same'),
        note: z.string().max(1000).optional(),
      }),
      response: z.object({ lead_status: z.string(), callback_id: z.string().optional() }),
      handler: async ({ params, body }) => service.disposition(params.id, body),
    });

    registry.add({
      method: 'get',
      path: '/api/v1/dialer/brand-caller-ids',
      operationId: 'listBrandCallerIds',
      summary: 'Caller IDs registered as a brand name (Vietnam Decree 91/2020)',
      tags: ['dialer'],
      access: Readers,
      response: z.object({ items: z.array(z.record(z.string(), z.unknown())) }),
      handler: async () => ({
        items: (await db('brand_caller_ids').orderBy('number')).map((r) => JSON.parse(JSON.stringify(r))),
      }),
    });

    registry.add({
      method: 'put',
      path: '/api/v1/dialer/brand-caller-ids/{number}',
      operationId: 'putBrandCallerId',
      summary: 'Register (or update) a brand-name caller ID',
      tags: ['dialer'],
      access: ['admin'],
      params: z.object({ number: e164 }),
      body: z
        .object({
          brand: z.string().min(1).max(100),
          carrier: z.string().max(100).optional(),
          registered_on: z.iso.date(),
          expires_on: z.iso.date().optional(),
          active: z.boolean().default(true),
        })
        .refine((b) => !b.expires_on || b.expires_on > b.registered_on, {
          message: 'must be after registered_on',
          path: ['expires_on'],
        }),
      status: 204,
      handler: async ({ params, body }) => {
        await db('brand_caller_ids')
          .insert({ number: params.number, ...body })
          .onConflict('number')
          .merge();
      },
    });
  };
}
