import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The records worker's Prometheus metrics (served at /metrics on WORKER_HTTP_PORT). */
export interface RecordsMetrics {
  registry: Registry;
  records: Counter<'outcome'>;
  events: Counter;
  batchSeconds: Histogram;
  batchSize: Histogram;
  retries: Counter;
  writerUp: Gauge;
}

export function createRecordsMetrics(options: { defaults?: boolean } = {}): RecordsMetrics {
  const registry = new Registry();
  if (options.defaults) collectDefaultMetrics({ register: registry, prefix: 'tongdai_worker_' });
  return {
    registry,
    records: new Counter({
      name: 'tongdai_records_total',
      help: 'Call records handled, by outcome (inserted, duplicate, dead_letter)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    events: new Counter({
      name: 'tongdai_record_events_total',
      help: 'call_events rows inserted',
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'tongdai_records_batch_seconds',
      help: 'Time to commit one batch of call records',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'tongdai_records_batch_size',
      help: 'Call records per committed batch',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2000, 5000],
      registers: [registry],
    }),
    retries: new Counter({
      name: 'tongdai_records_write_retries_total',
      help: 'Batches retried because Postgres could not take them (down, restarting, deadlock)',
      registers: [registry],
    }),
    writerUp: new Gauge({
      name: 'tongdai_records_writer_up',
      help: '1 while the last batch was committed, 0 while the writer is backing off',
      registers: [registry],
    }),
  };
}
