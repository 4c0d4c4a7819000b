import { z } from 'zod';
import { ValidationError } from '../../api/errors.js';
import type { RouteRegistry } from '../../api/registry.js';
import { erlangA, type ErlangAResult } from './erlang-a.js';
import { erlangC, type ErlangCResult } from './erlang-c.js';
import { MaxAgents, MaxTrafficErlangs, WfmInputError } from './errors.js';
import type { Offered } from './model.js';
import { DefaultThresholdSeconds, requiredAgents, type StaffingTargets } from './staffing.js';

const Readers = ['supervisor', 'analyst', 'admin'] as const;
/** Enough intervals for a month of 15-minute forecasts. */
const MaxIntervals = 31 * 96;

const aht = z.number().positive().max(86_400).describe('Mean handle time (talk + hold + wrap-up), seconds');
const threshold = z
  .number()
  .min(0)
  .max(86_400)
  .default(DefaultThresholdSeconds)
  .describe('Service-level threshold T, seconds ("answered within T")');
const patience = z
  .number()
  .positive()
  .max(1e9)
  .describe('Mean time a caller waits before hanging up, seconds (exponential); must be > 0');
const load = {
  calls: z.number().min(0).optional().describe('Calls offered per interval (give this or traffic_erlangs)'),
  interval_minutes: z
    .number()
    .positive()
    .max(1440)
    .default(60)
    .describe('Length of the interval `calls` is counted over'),
  traffic_erlangs: z.number().min(0).max(MaxTrafficErlangs).optional().describe('Offered load, Erlangs'),
  aht_seconds: aht,
};
const agents = z.number().int().min(1).max(MaxAgents).describe(`Agents on the phones (at most ${MaxAgents})`);

type Load = {
  calls?: number | undefined;
  interval_minutes: number;
  traffic_erlangs?: number | undefined;
  aht_seconds: number;
};
function oneLoad(v: Load, ctx: z.RefinementCtx) {
  if ((v.calls === undefined) === (v.traffic_erlangs === undefined))
    ctx.addIssue({
      code: 'custom',
      path: ['calls'],
      message: 'give exactly one of calls or traffic_erlangs',
    });
}
const offeredOf = (v: Load): Offered =>
  v.traffic_erlangs !== undefined
    ? { arrivalRate: v.traffic_erlangs / v.aht_seconds, ahtSeconds: v.aht_seconds }
    : { arrivalRate: v.calls! / (v.interval_minutes * 60), ahtSeconds: v.aht_seconds };

/** Calculator errors become 400s naming the body field. */
function calc<T>(prefix: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof WfmInputError)
      throw new ValidationError([
        { path: `${prefix}.${err.path}`, message: err.message.slice(err.path.length + 2) },
      ]);
    throw err;
  }
}

const common = {
  traffic_erlangs: z.number(),
  calls_per_hour: z.number(),
  aht_seconds: z.number(),
  agents: z.number().int(),
  threshold_seconds: z.number(),
  p_wait: z.number().describe('Probability a caller waits at all (every agent busy on arrival)'),
  asa_seconds: z.number().describe('Mean wait of answered callers, zero waits included'),
  occupancy: z.number().describe('Answered load ÷ agents'),
  mean_queue_length: z.number(),
};
const erlangCOut = z.object({
  model: z.literal('erlang_c'),
  ...common,
  service_level: z.number().describe('Answered within T ÷ offered (every Erlang C caller is answered)'),
  mean_delay_of_delayed_seconds: z.number(),
});
const slOut = z
  .object({
    offered: z.number().describe('Answered within T ÷ offered: abandons count against it'),
    answered: z.number().describe("Answered within T ÷ answered (app_queue's servicelevelperf, SL)"),
    short_abandons_excluded: z.number().describe('Answered within T ÷ (offered − abandoned within T)'),
    short_abandons_met: z.number().describe("(Answered + abandoned within T) ÷ offered (app_queue's SL2)"),
  })
  .describe('Service level within T, in the four definitions in use');
const erlangAOut = z.object({
  model: z.literal('erlang_a'),
  ...common,
  patience_seconds: z.number(),
  p_abandon: z.number().describe('Fraction of offered callers who hang up before an agent answers'),
  p_answered: z.number(),
  answered_within_t: z.number().describe('Fraction of offered callers answered within T'),
  abandoned_within_t: z.number().describe('Fraction of offered callers who hang up within T'),
  service_level: slOut,
  mean_abandon_wait_seconds: z.number(),
  mean_wait_seconds: z.number().describe('Mean time in queue over every offered caller'),
});

const base = (r: ErlangCResult | ErlangAResult, o: Offered) => ({
  traffic_erlangs: r.trafficErlangs,
  calls_per_hour: o.arrivalRate * 3600,
  aht_seconds: o.ahtSeconds,
  agents: r.agents,
  threshold_seconds: r.thresholdSeconds,
  p_wait: r.pWait,
  asa_seconds: r.asaSeconds,
  occupancy: r.occupancy,
  mean_queue_length: r.meanQueueLength,
});
const cOut = (r: ErlangCResult, o: Offered): z.input<typeof erlangCOut> => ({
  model: 'erlang_c',
  ...base(r, o),
  service_level: r.serviceLevel,
  mean_delay_of_delayed_seconds: r.meanDelayOfDelayedSeconds,
});
const aOut = (r: ErlangAResult, o: Offered): z.input<typeof erlangAOut> => ({
  model: 'erlang_a',
  ...base(r, o),
  patience_seconds: r.patienceSeconds,
  p_abandon: r.pAbandon,
  p_answered: r.pAnswered,
  answered_within_t: r.answeredWithinT,
  abandoned_within_t: r.abandonedWithinT,
  service_level: {
    offered: r.slOffered,
    answered: r.slAnswered,
    short_abandons_excluded: r.slShortAbandonsExcluded,
    short_abandons_met: r.slShortAbandonsMet,
  },
  mean_abandon_wait_seconds: r.meanAbandonWaitSeconds,
  mean_wait_seconds: r.meanWaitSeconds,
});

const targets = z
  .object({
    service_level: z
      .object({
        level: z.number().gt(0).lt(1).describe('0.8 for 80%'),
        threshold_seconds: threshold,
        basis: z
          .enum(['offered', 'answered', 'short_abandons_excluded', 'short_abandons_met'])
          .default('offered')
          .describe('Which service-level definition the level is stated in (Erlang A; Erlang C has one)'),
      })
      .optional(),
    asa_seconds: z.number().positive().optional().describe('Mean wait of answered callers at most this'),
    abandon_rate: z.number().gt(0).lt(1).optional().describe('Erlang A only: at most this fraction hang up'),
    max_occupancy: z.number().gt(0).max(1).optional().describe('Occupancy at most this (0.85)'),
  })
  .refine((t) => Object.values(t).some((v) => v !== undefined), { message: 'give at least one target' });

const staffingBody = z
  .object({
    model: z.enum(['erlang_c', 'erlang_a']),
    patience_seconds: patience.optional().describe('Required for erlang_a'),
    aht_seconds: aht,
    interval_minutes: load.interval_minutes,
    calls: load.calls,
    traffic_erlangs: load.traffic_erlangs,
    intervals: z
      .array(
        z.object({
          start: z.string().max(40).optional().describe('A label, usually the interval start (ISO 8601)'),
          calls: z.number().min(0),
          aht_seconds: aht.optional().describe('This interval’s AHT when it differs'),
        }),
      )
      .min(1)
      .max(MaxIntervals)
      .optional()
      .describe('A forecast: calls per interval of interval_minutes (give this, calls or traffic_erlangs)'),
    targets,
    shrinkage: z
      .number()
      .min(0)
      .max(0.9)
      .default(0)
      .describe('Share of paid time off the phones (breaks, training); scheduled = agents ÷ (1 − shrinkage)'),
  })
  .superRefine((v, ctx) => {
    const given = [v.calls, v.traffic_erlangs, v.intervals].filter((x) => x !== undefined).length;
    if (given !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['calls'],
        message: 'give exactly one of calls, traffic_erlangs or intervals',
      });
    if (v.model === 'erlang_a' && v.patience_seconds === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['patience_seconds'],
        message: 'erlang_a needs the callers’ mean patience',
      });
    if (v.model === 'erlang_c' && v.targets.abandon_rate !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['targets', 'abandon_rate'],
        message: 'needs the erlang_a model (Erlang C callers never hang up)',
      });
  });

const staffingItem = z.object({
  start: z.string().nullable(),
  calls: z.number().nullable(),
  traffic_erlangs: z.number(),
  agents: z.number().int().describe('Fewest agents on the phones meeting every target'),
  scheduled_agents: z.number().int().describe('Agents to schedule once shrinkage is added'),
  binding: z
    .array(z.enum(['service_level', 'asa', 'abandon_rate', 'max_occupancy']))
    .describe('Targets the agent count before this one misses'),
  measures: z.union([erlangCOut, erlangAOut]),
});

/** /api/v1/wfm: staffing calculators. Pure computation: supervisors, analysts and admins. */
export function registerWfmRoutes() {
  return (registry: RouteRegistry): void => {
    registry.add({
      method: 'post',
      path: '/api/v1/wfm/erlang-c',
      operationId: 'wfmErlangC',
      summary:
        'Erlang C (callers never hang up): wait probability, ASA, service level and occupancy for an agent count',
      tags: ['wfm'],
      access: Readers,
      body: z.object({ ...load, agents, threshold_seconds: threshold }).superRefine(oneLoad),
      response: erlangCOut,
      handler: ({ body }) => {
        const o = offeredOf(body);
        return cOut(
          calc('body', () =>
            erlangC({ ...o, agents: body.agents, thresholdSeconds: body.threshold_seconds }),
          ),
          o,
        );
      },
    });

    registry.add({
      method: 'post',
      path: '/api/v1/wfm/erlang-a',
      operationId: 'wfmErlangA',
      summary:
        'Erlang A (M/M/n+M, callers hang up after an exponential patience): abandon rate, service level, ASA',
      tags: ['wfm'],
      access: Readers,
      body: z
        .object({ ...load, agents, threshold_seconds: threshold, patience_seconds: patience })
        .superRefine(oneLoad),
      response: erlangAOut,
      handler: ({ body }) => {
        const o = offeredOf(body);
        const r = calc('body', () =>
          erlangA({
            ...o,
            agents: body.agents,
            thresholdSeconds: body.threshold_seconds,
            patienceSeconds: body.patience_seconds,
          }),
        );
        return aOut(r, o);
      },
    });

    registry.add({
      method: 'post',
      path: '/api/v1/wfm/staffing',
      operationId: 'wfmStaffing',
      summary:
        'Agents required to meet service-level, ASA, abandon and occupancy targets, per forecast interval',
      tags: ['wfm'],
      access: Readers,
      body: staffingBody,
      response: z.object({ model: z.enum(['erlang_c', 'erlang_a']), items: z.array(staffingItem) }),
      handler: ({ body }) => {
        const t: StaffingTargets = {
          ...(body.targets.service_level
            ? {
                serviceLevel: {
                  level: body.targets.service_level.level,
                  thresholdSeconds: body.targets.service_level.threshold_seconds,
                  basis: body.targets.service_level.basis,
                },
              }
            : {}),
          ...(body.targets.asa_seconds !== undefined ? { asaSeconds: body.targets.asa_seconds } : {}),
          ...(body.targets.abandon_rate !== undefined ? { abandonRate: body.targets.abandon_rate } : {}),
          ...(body.targets.max_occupancy !== undefined ? { maxOccupancy: body.targets.max_occupancy } : {}),
        };
        const model =
          body.model === 'erlang_a'
            ? { model: 'erlang_a' as const, patienceSeconds: body.patience_seconds! }
            : { model: 'erlang_c' as const };
        const rows = body.intervals
          ? body.intervals.map((i, k) => ({
              prefix: `body.intervals.${k}`,
              start: i.start ?? null,
              calls: i.calls,
              offered: {
                arrivalRate: i.calls / (body.interval_minutes * 60),
                ahtSeconds: i.aht_seconds ?? body.aht_seconds,
              },
            }))
          : [{ prefix: 'body', start: null, calls: body.calls ?? null, offered: offeredOf(body) }];
        const items = rows.map((row) => {
          const s = calc(row.prefix, () => requiredAgents(row.offered, model, t));
          return {
            start: row.start,
            calls: row.calls,
            traffic_erlangs: row.offered.arrivalRate * row.offered.ahtSeconds,
            agents: s.agents,
            scheduled_agents: Math.ceil(s.agents / (1 - body.shrinkage) - 1e-9),
            binding: s.binding,
            measures: s.at.model === 'erlang_c' ? cOut(s.at, row.offered) : aOut(s.at, row.offered),
          };
        });
        return { model: body.model, items };
      },
    });
  };
}
