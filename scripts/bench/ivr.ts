/**
 * npm run bench:ivr — 500 callers at once in the sample IVR (flows/) on the real clock, the
 * simulator in its own process (its CPU is not ours). Measures the interpreter's node-to-node
 * latency without prompt time: for every visit, the time between the previous node's end and this
 * node's start, plus the whole time of nodes that wait on nobody (language, classify, hours,
 * lookup). Final line: JSON with concurrent, nodeLatencyP99Ms, errors.
 *
 *   BENCH_CALLERS=500 BENCH_RAMP_MS=10000 npm run bench:ivr
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import winston from 'winston';
import { AriConnection } from '../../src/ari/index.js';
import { LocalAgentPool } from '../../src/ivr/agents.js';
import type { CallOutcome } from '../../src/ivr/interpreter.js';
import { IvrInterpreter } from '../../src/ivr/interpreter.js';
import { FlowRegistry } from '../../src/ivr/registry.js';
import { soundCatalogFrom, type AriSoundEntry } from '../../src/ivr/sounds.js';
import { MemoryFlowVersionStore } from '../../src/ivr/store.js';
import { createLogger } from '../../src/log/index.js';
import { SimControlClient } from '../../src/simulator/control-client.js';

const Callers = Number(process.env.BENCH_CALLERS ?? 500);
const RampMs = Number(process.env.BENCH_RAMP_MS ?? 10_000);
const User = 'bench';
const Password = 'bench-pw';
/** Nodes that wait on no caller, prompt or agent: their whole time is interpreter latency. */
const Instant = new Set(['language', 'classify', 'hours', 'lookup']);
/** A Monday 10:00 in Saigon, so every run takes the open-hours branch. */
const OfficeOpen = new Date('2026-11-23T03:00:00Z');

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

const percentile = (xs: number[], p: number) => {
  if (!xs.length) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round = (n: number) => Math.round(n * 1000) / 1000;

// The simulator as its own process.
const simPort = await freePort();
const sim = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts'], {
  env: { ...process.env, SIM_PORT: String(simPort), ARI_USER: User, ARI_PASSWORD: Password },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const simUrl = `http://127.0.0.1:${simPort}`;
const control = new SimControlClient(simUrl, User, Password);
for (let i = 0; ; i++) {
  try {
    await control.state();
    break;
  } catch {
    if (i > 200) throw new Error('simulator did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
}

// A CRM that answers in a few ms, for the billing sub-flow's data dip.
const crm = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"tier":"gold"}'));
});
// The sample flow's CRM address; when the port is taken, billing callers take the fallback branch.
await new Promise<void>((r) => {
  crm.once('error', () => r());
  crm.listen(8090, '127.0.0.1', () => r());
});

const errorLines: string[] = [];
const logger = createLogger({
  level: 'warn',
  transports: [
    new winston.transports.Stream({
      stream: new (await import('node:stream')).Writable({
        write(chunk, _e, done) {
          const line = String(chunk);
          if (line.includes('"level":"error"')) errorLines.push(line);
          done();
        },
      }),
    }),
  ],
});
const ari = await AriConnection.connect({
  url: simUrl,
  user: User,
  password: Password,
  app: 'tongdai',
  logger,
});
const sounds = soundCatalogFrom(await ari.rest.call<AriSoundEntry[]>('sounds', 'list'));
const agents = new LocalAgentPool();
const registry = new FlowRegistry({
  store: new MemoryFlowVersionStore(),
  dir: 'flows',
  logger,
  sounds: async () => sounds,
  onRouting: (r) => agents.setQueues(r.queues),
});
const report = await registry.load();
if (report.refused.length) throw new Error(`sample flows refused: ${JSON.stringify(report.refused)}`);
for (let a = 1; a <= 7; a++)
  await control.setEndpoint(`PJSIP/agent${a}`, {
    behaviour: 'answer',
    answerAfterMs: 500,
    hangupAfterMs: 1500,
  });

const latency: number[] = [];
const overhead: number[] = [];
const byType = new Map<string, number[]>();
let visits = 0;
let surveyAnswers = 0;
let errorVisits = 0;
let live = 0;
let maxLive = 0;
const outcomes: CallOutcome[] = [];
const interpreter = new IvrInterpreter({
  defaultLanguage: 'vi',
  services: {
    telephony: ari,
    agents,
    customers: { findByPhone: async () => undefined },
    callbacks: { request: async () => undefined },
    followUps: { open: async (r) => ({ id: r.callId, created: true }) },
    facts: { emit: () => void surveyAnswers++ },
    fetch: globalThis.fetch,
    now: () => OfficeOpen,
  },
  observer: {
    nodeVisited(v) {
      visits++;
      if (v.branch === 'error') errorVisits++;
      overhead.push(v.gapMs);
      const sample = v.gapMs + (Instant.has(v.type) ? v.ms : 0);
      latency.push(sample);
      if (!byType.has(v.type)) byType.set(v.type, []);
      byType.get(v.type)!.push(sample);
    },
    annotate: () => undefined,
  },
});
ari.onCall(async (call) => {
  live++;
  maxLive = Math.max(maxLive, live);
  try {
    outcomes.push(await interpreter.run(call, registry.snapshot(), registry.flowForDid(call.args[1])!));
  } finally {
    live--;
  }
});

const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const started = Date.now();
let accepted = 0;
// Each caller: a language (type-ahead over the greeting), a purpose, and for billing an account.
await Promise.all(
  Array.from({ length: Callers }, async (_, i) => {
    await new Promise((r) => setTimeout(r, (i * RampMs) / Callers));
    const purpose = String((i % 4) + 1);
    const r = await control.placeCall({
      from: `+8490${String(1_000_000 + i).slice(1)}`,
      to: '+842838220000',
      script: [
        { atMs: 300, dtmf: String((i % 3) + 1) },
        { atMs: 7000, dtmf: purpose },
        ...(purpose === '3' ? [{ atMs: 9000, dtmf: '1234567#' }] : []),
        // Survey keys typed ahead (CSAT 5, NPS 10, resolved): taken when the agent has hung up.
        { atMs: 9500, dtmf: '5101' },
      ],
      hangupAfterMs: 60_000,
    });
    if (r.accepted) accepted++;
  }),
);
const deadline = Date.now() + 120_000;
while (outcomes.length < accepted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
lag.disable();
const seconds = (Date.now() - started) / 1000;

await new Promise((r) => setTimeout(r, 500));
const stats = ari.stats();
const state = await control.state();
const leaked =
  stats.calls +
  stats.bridges +
  stats.playbacks +
  stats.pendingWaits +
  state.channels.count +
  state.bridges.count;
const failed = outcomes.filter((o) => o.status === 'failed').length;
const errors =
  failed + errorVisits + errorLines.length + (Callers - accepted) + (accepted - outcomes.length) + leaked;

const result = {
  bench: 'ivr',
  callers: Callers,
  concurrent: maxLive,
  completed: outcomes.filter((o) => o.status === 'completed').length,
  hungup: outcomes.filter((o) => o.status === 'hungup').length,
  failed,
  nodeVisits: visits,
  surveyAnswers,
  nodeLatencyP50Ms: round(percentile(latency, 50)),
  nodeLatencyP99Ms: round(percentile(latency, 99)),
  nodeLatencyMaxMs: round(Math.max(0, ...latency)),
  interpreterOverheadP99Ms: round(percentile(overhead, 99)),
  nodeLatencyP99MsByType: Object.fromEntries([...byType].map(([t, xs]) => [t, round(percentile(xs, 99))])),
  eventLoopLagP99Ms: round(lag.percentile(99) / 1e6),
  leaked,
  errors,
  seconds: round(seconds),
};
if (errorLines.length) process.stderr.write(errorLines.slice(0, 5).join(''));
for (const o of outcomes.filter((x) => x.status !== 'completed').slice(0, 5))
  process.stderr.write(`not completed: ${JSON.stringify(o)}\n`);
if (leaked)
  process.stderr.write(
    `leaked: ${JSON.stringify({ stats, channels: state.channels.count, bridges: state.bridges.count })}\n`,
  );
await ari.close();
crm.close();
sim.kill('SIGTERM');
console.log(JSON.stringify(result));
process.exit(errors ? 1 : 0);
