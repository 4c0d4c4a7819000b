/**
 * npm run bench:ari [-- --calls 2000 --ramp 400 --digits 150 --cpu-calls 1000 --outages 0.2,0.5,1,2,4,8,15,30]
 *
 * Through our ARI boundary, against the simulator in its own process:
 *  1. throughput: N concurrent calls each pressing a key every 100 ms → events/s handled, p99
 *     latency from the event's Asterisk timestamp to our handler, event-loop lag p99;
 *  2. CPU per call of the minimal flow (answer, play, hang up) on our boundary, beside the same flow
 *     written plainly on ari-client, same simulator, same run;
 *  3. reconnect: outages of growing length; time from "Asterisk answers again" to events flowing
 *     (back in service) and to re-synced.
 * Prints progress lines, then one JSON line.
 */
import { fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import ari from 'ari-client';
import { AriConnection, type Call } from '../../src/ari/index.js';
import { welcomeFlow } from '../../src/engine/welcome-flow.js';
import { silentLogger } from '../../src/log/index.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const calls = Number(arg('calls', '2000'));
const cpuCalls = Number(arg('cpu-calls', '1000'));
const digitsPerCall = Number(arg('digits', '150'));
/** Calls placed per second while ramping up (the simulator also has to answer them). */
const ramp = Number(arg('ramp', '400'));
const outages = arg('outages', '0.2,0.5,1,2,4,8,15,30')
  .split(',')
  .filter(Boolean)
  .map((s) => Number(s) * 1000);
const Sound = 'sound:beep';
const say = (s: string) => process.stderr.write(`[bench:ari] ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

// --- the simulator in a child process -------------------------------------------------------------
const child = fork(fileURLToPath(new URL('./sim-host.ts', import.meta.url)), [], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
});
let nextId = 1;
const waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
const url = await new Promise<string>((resolve) => {
  child.on('message', (m: any) => {
    if (m.ready) return resolve(m.ready);
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error) w?.reject(new Error(m.error));
    else w?.resolve(m.result);
  });
});
const sim = <T = any>(cmd: string, args: Record<string, unknown> = {}): Promise<T> =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    child.send({ id, cmd, ...args });
  });

const logger = silentLogger();
const conn = await AriConnection.connect({
  url,
  user: 'bench',
  password: 'bench-pw',
  app: 'tongdai',
  logger,
  reconnectMinMs: 100,
  reconnectMaxMs: 5000,
});
let errors = 0;
const errorKinds: Record<string, number> = {};

// --- 1. throughput -------------------------------------------------------------------------------
say(`throughput: ${calls} concurrent calls, ${digitsPerCall} keys each, one every 100 ms`);
conn.onCall(async (call: Call) => {
  try {
    await call.answer();
    for (;;) {
      const r = await call.collectDigits({
        maxDigits: 1000,
        firstDigitTimeoutMs: 5000,
        interDigitTimeoutMs: 5000,
      });
      if (r.status !== 'finished') break;
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? (err as Error).message;
    if (code !== 'CALL_HUNG_UP') {
      errors++;
      errorKinds[code] = (errorKinds[code] ?? 0) + 1;
    }
  } finally {
    await call.hangup().catch(() => undefined);
  }
});
const latencies: number[] = []; // our socket → our handler (what the boundary adds)
const endToEnd: number[] = []; // the event's Asterisk timestamp → our handler (includes the simulator's own queueing)
let counted = 0;
let measuring = false;
conn.on('event', (e, receivedAt) => {
  if (!measuring) return;
  counted++;
  latencies.push(performance.now() - receivedAt);
  endToEnd.push(Date.now() - Date.parse(e.timestamp));
});
// Node records the whole interval between samples, so a 1 ms sampler's values include that 1 ms.
const LagResolutionMs = 1;
const lag = monitorEventLoopDelay({ resolution: LagResolutionMs });
const lagP99 = () => Math.max(0, lag.percentile(99) / 1e6 - LagResolutionMs);
const loadDone = sim('load', {
  app: 'tongdai',
  count: calls,
  ratePerSec: ramp,
  digits: digitsPerCall,
  dtmfEveryMs: 100,
});
// Measure the steady middle: every call placed and pressing keys.
const rampMs = (calls / ramp) * 1000;
await sleep(rampMs + 1500);
measuring = true;
lag.enable();
const t0 = performance.now();
await sleep(Math.max(3000, digitsPerCall * 100 - rampMs - 3000));
const seconds = (performance.now() - t0) / 1000;
measuring = false;
lag.disable();
const eventsPerSec = Math.round(counted / seconds);
const placed = await loadDone;
const drained = await sim<boolean>('idle', { timeoutMs: 120_000 });
const left = conn.stats();
say(
  `throughput: ${eventsPerSec} events/s, p99 ${pct(latencies, 99).toFixed(2)} ms (end to end ${pct(endToEnd, 99)} ms), loop lag p99 ${lagP99().toFixed(2)} ms, accepted ${placed.accepted}/${placed.placed}, drained ${drained}, errors ${errors} ${JSON.stringify(errorKinds)}`,
);

// --- 2. CPU per call: our boundary vs plain ari-client --------------------------------------------
conn.onCall(welcomeFlow({ welcomeSound: Sound, language: 'en' }));
const plain = await ari.connect(url, 'bench', 'bench-pw');
plain.on('StasisStart', (_event: unknown, channel: any) => {
  channel
    .answer()
    .then(() => {
      const playback = plain.Playback();
      playback.once('PlaybackFinished', () => channel.hangup().catch(() => undefined));
      return channel.play({ media: Sound }, playback);
    })
    .catch(() => undefined);
});
await plain.start('baseline');

async function cpuPerCall(app: string): Promise<number> {
  const before = process.cpuUsage();
  await sim('load', { app, count: cpuCalls, ratePerSec: 250 });
  const ok = await sim<boolean>('idle', { timeoutMs: 120_000 });
  const used = process.cpuUsage(before);
  if (!ok) errors++;
  return (used.user + used.system) / 1000 / cpuCalls;
}
const ours: number[] = [];
const base: number[] = [];
for (let round = 0; round < 3; round++) {
  base.push(await cpuPerCall('baseline'));
  ours.push(await cpuPerCall('tongdai'));
}
const cpuMsPerCall = pct(ours, 50);
const baselineCpuMsPerCall = pct(base, 50);
say(
  `cpu: ours ${ours.map((x) => x.toFixed(3)).join('/')} ms/call, plain ari-client ${base.map((x) => x.toFixed(3)).join('/')} ms/call`,
);
plain.stop();

// --- 3. reconnect after outages ------------------------------------------------------------------
const backInService: number[] = [];
const resynced: number[] = [];
for (const ms of outages) {
  const done = new Promise<number>((resolve) =>
    conn.once('resynced', (s) => resolve(Date.now() - s.resyncMs)),
  );
  const { backAt } = await sim<{ backAt: number }>('outage', { ms });
  const flowingAt = await done;
  const resyncAt = Date.now();
  backInService.push(Math.max(0, flowingAt - backAt));
  resynced.push(Math.max(0, resyncAt - backAt));
  say(
    `outage ${ms} ms: events flowing ${flowingAt - backAt} ms after Asterisk answered, re-synced after ${resyncAt - backAt} ms`,
  );
  await sleep(200);
}

await conn.close();
await sim('close');
const result = {
  calls,
  eventsPerSec,
  p99Ms: Number(pct(latencies, 99).toFixed(3)),
  p50Ms: Number(pct(latencies, 50).toFixed(3)),
  endToEndP99Ms: pct(endToEnd, 99),
  loopLagP99Ms: Number(lagP99().toFixed(2)),
  cpuMsPerCall: Number(cpuMsPerCall.toFixed(3)),
  baselineCpuMsPerCall: Number(baselineCpuMsPerCall.toFixed(3)),
  cpuRatio: Number((cpuMsPerCall / baselineCpuMsPerCall).toFixed(3)),
  cpuCalls,
  reconnect: {
    outagesMs: outages,
    backInServiceMs: backInService,
    backInServiceP95Ms: pct(backInService, 95),
    resyncedP95Ms: pct(resynced, 95),
  },
  accepted: placed.accepted,
  drained,
  leftover: left,
  errors,
  errorKinds,
};
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0);
