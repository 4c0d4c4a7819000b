import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bridges } from './bridges.js';
import { channelHandlers } from './channels.js';
import type { Clock } from './clock.js';
import { RealClock, VirtualClock } from './clock.js';
import { ControlMethods, SimControl } from './control.js';
import { Core } from './core.js';
import { ariError } from './errors.js';
import { Media } from './media.js';
import { miscHandlers } from './misc.js';
import { Router } from './router.js';
import { SimServer } from './server.js';

export { SimControl, ControlMethods } from './control.js';
export type {
  SimControlApi,
  SimState,
  EndpointSettings,
  PlaceCallOptions,
  OutboundProfile,
  InjectedResponse,
  RecordedRequest,
} from './control.js';
export { SimControlClient } from './control-client.js';
export type { Clock } from './clock.js';
export { makeWav, wavDurationMs } from './wav.js';

export interface SimLogger {
  info(msg: string, meta?: Record<string, unknown>): void;
  warn(msg: string, meta?: Record<string, unknown>): void;
}

export interface SimulatorOptions {
  /** 0 = ephemeral port. Default 8088. */
  port?: number;
  host?: string;
  user?: string;
  password?: string;
  clock?: 'real' | 'virtual';
  /** Where recordings are written. Default: a fresh folder under the OS temp dir. */
  dataDir?: string;
  /** Stasis app the sample dialplan hands DIDs and dialer calls to. Default 'tongdai'. */
  defaultApp?: string;
  logger?: SimLogger;
}

export interface Simulator {
  url: string;
  port: number;
  control: SimControl;
  clock: Clock;
  /** Internal state, for tests that need to look deeper than control.state(). */
  core: Core;
  close(): Promise<void>;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  const clock: Clock = opts.clock === 'virtual' ? new VirtualClock() : new RealClock();
  const dataDir = opts.dataDir ?? join(tmpdir(), `tongdai-sim-${process.pid}-${Date.now().toString(36)}`);
  const core = new Core(clock, dataDir);
  if (opts.defaultApp) core.defaultApp = opts.defaultApp;
  const media = new Media(core);
  const bridges = new Bridges(core, media);
  const router = new Router({
    ...channelHandlers(core),
    ...media.channelHandlers(),
    ...media.playbackHandlers(),
    ...media.recordingHandlers(),
    ...bridges.handlers(),
    ...miscHandlers(core),
  });
  const holder: { control?: SimControl } = {};
  const rpc = async (method: string, args: unknown[]): Promise<unknown> => {
    if (!(ControlMethods as string[]).includes(method))
      throw ariError(404, `Unknown control method ${method}`);
    const fn = (holder.control as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!;
    return fn.apply(holder.control, args);
  };
  const server = new SimServer(core, router, opts.user ?? 'tongdai', opts.password ?? 'tongdai', host, rpc);
  const control = new SimControl(core, server, clock);
  holder.control = control;
  await server.listen(opts.port ?? 8088);
  const url = `http://${host}:${server.port}`;
  opts.logger?.info('ARI simulator listening', { url, clock: clock.kind, dataDir });
  return {
    url,
    port: server.port,
    control,
    clock,
    core,
    close: async () => {
      clock.dispose();
      await server.close();
    },
  };
}
