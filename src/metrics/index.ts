import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The engine's Prometheus metrics. One registry per process (tests make their own), passed to the
 * features that record into it and to the HTTP API that serves it at /metrics.
 */
export interface EngineMetrics {
  registry: Registry;
  activeCalls: Gauge;
  ariReconnects: Counter;
  ariEvents: Counter<'type'>;
  ariBadEvents: Counter<'reason'>;
  ariRestLatency: Histogram<'operation' | 'outcome'>;
  ariResyncs: Counter<'action'>;
  /** Items in the engine's outbox files not yet confirmed in Postgres (records, facts). */
  outboxPending: Gauge<'outbox'>;
}

export function createMetrics(options: { defaults?: boolean } = {}): EngineMetrics {
  const registry = new Registry();
  if (options.defaults) collectDefaultMetrics({ register: registry, prefix: 'tongdai_' });
  return {
    registry,
    activeCalls: new Gauge({
      name: 'tongdai_active_calls',
      help: 'Calls currently in the Stasis application',
      registers: [registry],
    }),
    ariReconnects: new Counter({
      name: 'tongdai_ari_reconnects_total',
      help: 'Times the ARI events WebSocket was re-established after a drop',
      registers: [registry],
    }),
    ariEvents: new Counter({
      name: 'tongdai_ari_events_total',
      help: 'ARI events received, by type (rate() of this is events/s)',
      labelNames: ['type'],
      registers: [registry],
    }),
    ariBadEvents: new Counter({
      name: 'tongdai_ari_bad_events_total',
      help: 'ARI WebSocket messages that could not be used (malformed JSON, no type, unknown type)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    ariRestLatency: new Histogram({
      name: 'tongdai_ari_rest_seconds',
      help: 'Latency of ARI REST requests',
      labelNames: ['operation', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    ariResyncs: new Counter({
      name: 'tongdai_ari_resync_total',
      help: 'Channels and bridges handled by re-sync after a reconnect, by action (kept, adopted, hungup, dropped)',
      labelNames: ['action'],
      registers: [registry],
    }),
    outboxPending: new Gauge({
      name: 'tongdai_outbox_pending',
      help: 'Items kept in the engine outbox until Postgres holds them (a growing value: Redis or the worker is down)',
      labelNames: ['outbox'],
      registers: [registry],
    }),
  };
}
