import { Writable } from 'node:stream';
import winston from 'winston';
import { AriConnection, type AriConnectionOptions } from '../../src/ari/index.js';
import { createLogger, type Logger } from '../../src/log/index.js';
import { createMetrics } from '../../src/metrics/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';

export const SimUser = 'tongdai';
export const SimPassword = 's3cret-ari-pw';

/** AriConnection.stats() of an engine with nothing in flight: every handle, wait and listener released. */
export const IdleStats = Object.freeze({
  calls: 0,
  expected: 0,
  bridges: 0,
  playbacks: 0,
  recordings: 0,
  pendingWaits: 0,
});

/** A logger whose JSON lines a test can read back (and scan for secrets). */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return {
    logger: createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream })] }),
    lines,
  };
}

export interface AriHarness {
  sim: Simulator;
  ari: AriConnection;
  lines: string[];
  connectAnother(overrides?: Partial<AriConnectionOptions>): Promise<AriConnection>;
  close(): Promise<void>;
}

/** A simulator on an ephemeral port and a connection to it, as the engine makes one. */
export async function startAriHarness(overrides: Partial<AriConnectionOptions> = {}): Promise<AriHarness> {
  const sim = await startSimulator({ port: 0, user: SimUser, password: SimPassword });
  const { logger, lines } = capturingLogger();
  const extra: AriConnection[] = [];
  const options = (o: Partial<AriConnectionOptions>): AriConnectionOptions => ({
    url: sim.url,
    user: SimUser,
    password: SimPassword,
    app: 'tongdai',
    logger,
    metrics: createMetrics(),
    restTimeoutMs: 2000,
    reconnectMinMs: 50,
    reconnectMaxMs: 1000,
    ...overrides,
    ...o,
  });
  const ari = await AriConnection.connect(options({}));
  return {
    sim,
    ari,
    lines,
    async connectAnother(o = {}) {
      const c = await AriConnection.connect(options(o));
      extra.push(c);
      return c;
    },
    async close() {
      for (const c of extra) await c.close();
      await ari.close();
      await sim.close();
    },
  };
}

/** Polls until `check` holds (no timing asserts: a bound only, generous for noisy machines). */
export async function eventually<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
