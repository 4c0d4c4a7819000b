import ari from 'ari-client';
import type { EngineMetrics } from '../metrics/index.js';
import { AriTimeoutError, AriUnauthorizedError, classifyAriError } from './errors.js';

export const DefaultRestTimeoutMs = 5000;

/** The REST side of ARI as ari-client builds it from the server's api-docs. */
type Operation = (params?: object) => PromiseLike<unknown>;
type ClientSurface = Record<string, Record<string, Operation> | undefined>;

export interface AriRest {
  /** Calls `resource.operation(params)`; rejects with a classified AriError. */
  call<T = unknown>(resource: string, operation: string, params?: object): Promise<T>;
  /** Event types the server's events api-doc declares. */
  readonly eventTypes: ReadonlySet<string>;
}

export interface AriRestOptions {
  url: string;
  user: string;
  password: string;
  timeoutMs?: number;
  metrics?: EngineMetrics;
}

/** Loads the api-docs through ari-client; rejects when Asterisk does not answer or refuses us. */
export async function loadAriRest(options: AriRestOptions): Promise<AriRest> {
  await checkCredentials(options);
  const client = (await quietly(() =>
    ari.connect(options.url, options.user, options.password),
  )) as unknown as ClientSurface & {
    _swagger?: { apis?: { events?: { models?: Record<string, unknown> } } };
  };
  const eventTypes = new Set(Object.keys(client._swagger?.apis?.events?.models ?? {}));
  const timeoutMs = options.timeoutMs ?? DefaultRestTimeoutMs;
  const latency = options.metrics?.ariRestLatency;

  return {
    eventTypes,
    call<T>(resource: string, operation: string, params?: object): Promise<T> {
      const name = `${resource}.${operation}`;
      const fn = client[resource]?.[operation];
      if (!fn) return Promise.reject(classifyAriError(new Error(`unknown ARI operation ${name}`), name));
      const started = performance.now();
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          latency?.observe({ operation: name, outcome: 'timeout' }, (performance.now() - started) / 1000);
          reject(new AriTimeoutError('ARI_TIMEOUT', `${name}: no answer within ${timeoutMs} ms`, name));
        }, timeoutMs);
        Promise.resolve(fn(params ?? {})).then(
          (value) => {
            clearTimeout(timer);
            latency?.observe({ operation: name, outcome: 'ok' }, (performance.now() - started) / 1000);
            resolve(value as T);
          },
          (err: unknown) => {
            clearTimeout(timer);
            const classified = classifyAriError(err, name);
            latency?.observe(
              { operation: name, outcome: classified.code },
              (performance.now() - started) / 1000,
            );
            reject(classified);
          },
        );
      });
    },
  };
}

/**
 * swagger-client prints a "deprecated version of Swagger" array to stdout whenever it loads ARI's
 * Swagger 1.1 docs (real Asterisk's too); our stdout carries JSON log lines only, so mute it there.
 */
async function quietly<T>(load: () => PromiseLike<T>): Promise<T> {
  const original = console.log;
  console.log = (...args: unknown[]) => {
    if (!String(args[0]).includes('deprecated version of Swagger')) original(...args);
  };
  try {
    return await load();
  } finally {
    console.log = original;
  }
}

/**
 * ari-client reports a 401 on the api-docs as an opaque swagger failure; ask once ourselves so wrong
 * credentials stop the engine with a clear error instead of being retried forever.
 */
async function checkCredentials(options: AriRestOptions): Promise<void> {
  const auth = Buffer.from(`${options.user}:${options.password}`).toString('base64');
  const res = await fetch(new URL('/ari/api-docs/resources.json', options.url), {
    headers: { Authorization: `Basic ${auth}` },
    signal: AbortSignal.timeout(options.timeoutMs ?? DefaultRestTimeoutMs),
  });
  await res.body?.cancel();
  if (res.status === 401 || res.status === 403) {
    throw new AriUnauthorizedError(
      'ARI_UNAUTHORIZED',
      `Asterisk refused the ARI credentials of user "${options.user}" (HTTP ${res.status}): check ARI_USER/ARI_PASSWORD and ari.conf`,
    );
  }
}
