/**
 * The demo behind `bash scripts/demo.sh`: the simulator, the engine and the records worker as three
 * processes, demo callers from Vietnam, Iran, the UK and the US, then what happened — from the
 * engine's metrics and from Postgres (calls rows and the daily view). With ARI_URL set it runs the
 * engine and worker against that Asterisk instead, until Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import net from 'node:net';
import knexFactory from 'knex';
import { loadConfigOrExit } from '../src/config/index.js';
import { SimControlClient } from '../src/simulator/control-client.js';

const say = (s: string) => process.stdout.write(`[demo] ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const children: ChildProcess[] = [];

function start(name: string, script: string, env: Record<string, string>): ChildProcess {
  mkdirSync('data/demo', { recursive: true });
  const log = openSync(`data/demo/${name}.log`, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} stopped unexpectedly (${signal ?? code}); see data/demo/${name}.log`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
async function stop(code: number): Promise<never> {
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  await sleep(500);
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

/** A free port on 127.0.0.1, preferring `wanted`. */
function freePort(wanted: number): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => {
      const any = net.createServer();
      any.listen(0, '127.0.0.1', () => {
        const port = (any.address() as net.AddressInfo).port;
        any.close(() => resolve(port));
      });
    });
    server.listen(wanted, '127.0.0.1', () => server.close(() => resolve(wanted)));
  });
}

async function waitHealthy(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${url} did not become healthy; see data/demo/*.log`);
}

const config = loadConfigOrExit();

if (process.env.ARI_URL) {
  say(`running the engine and worker against ${config.ARI_URL} (app ${config.ARI_APP}); Ctrl-C stops`);
  start('engine', 'src/engine/main.ts', {});
  start('worker', 'src/worker/main.ts', {});
  await waitHealthy(`http://${config.HTTP_HOST}:${config.HTTP_PORT}/health`, 24 * 3600_000);
  say(`engine healthy: http://${config.HTTP_HOST}:${config.HTTP_PORT}/health, logs in data/demo/`);
  await new Promise(() => undefined);
}

const simPort = await freePort(8088);
const httpPort = await freePort(config.HTTP_PORT);
const workerPort = await freePort(
  config.WORKER_HTTP_PORT === httpPort ? httpPort + 1 : config.WORKER_HTTP_PORT,
);
const ariUrl = `http://127.0.0.1:${simPort}`;
const shared = { ARI_USER: config.ARI_USER, ARI_PASSWORD: config.ARI_PASSWORD };
say(`starting the ARI simulator on ${ariUrl}, the engine (API on :${httpPort}) and the records worker`);
start('simulator', 'src/simulator/main.ts', {
  ...shared,
  SIM_PORT: String(simPort),
  SIM_DEFAULT_APP: config.ARI_APP,
});
await waitHealthy(`${ariUrl}/ari/asterisk/ping?api_key=${config.ARI_USER}:${config.ARI_PASSWORD}`).catch(
  () => undefined,
);
start('engine', 'src/engine/main.ts', {
  ...shared,
  ARI_URL: ariUrl,
  HTTP_PORT: String(httpPort),
  WELCOME_SOUND: 'sound:hello-world',
});
start('worker', 'src/worker/main.ts', { WORKER_HTTP_PORT: String(workerPort) });
await waitHealthy(`http://127.0.0.1:${httpPort}/health`);
say('engine healthy (ARI, Redis, Postgres)');

const sim = new SimControlClient(ariUrl, config.ARI_USER, config.ARI_PASSWORD);
const callers = [
  {
    from: '+84901234567',
    to: '+842838220000',
    language: 'vi',
    note: 'Hồ Chí Minh City caller, listens to the end',
  },
  {
    from: '+84912345678',
    to: '+842838220000',
    language: 'vi',
    note: 'Hà Nội caller, hangs up during the greeting',
    hangupAfterMs: 700,
  },
  { from: '+989121234567', to: '+982188776655', language: 'fa', note: 'Tehran caller, listens to the end' },
  {
    from: '+989351112233',
    to: '+982188776655',
    language: 'fa',
    note: 'Mashhad caller, presses keys',
    script: [
      { atMs: 300, dtmf: '1' },
      { atMs: 600, dtmf: '2' },
    ],
  },
  { from: '+442071234567', to: '+442079460000', language: 'en', note: 'London caller, listens to the end' },
  {
    from: '+14155550123',
    to: '+14155550100',
    language: 'en',
    note: 'San Francisco caller, hangs up at once',
    hangupAfterMs: 150,
  },
];
const runStart = new Date(Date.now() - 1000);
for (const c of callers) {
  const { note: _note, ...call } = c;
  await sim.placeCall(call);
}
say(`placed ${callers.length} calls; waiting for them to end and land in Postgres`);

const db = knexFactory({ client: 'pg', connection: config.DATABASE_URL });
let rows: Array<Record<string, any>> = [];
const deadline = Date.now() + 60_000;
while (Date.now() < deadline) {
  rows = await db('calls')
    .where('started_at', '>=', runStart)
    .whereIn(
      'from_number',
      callers.map((c) => c.from),
    )
    .orderBy('started_at');
  if (rows.length >= callers.length) break;
  await sleep(500);
}
const events = await db('call_events')
  .whereIn(
    'call_id',
    rows.map((r) => r.call_id),
  )
  .groupBy('call_id')
  .select('call_id')
  .count({ n: '*' });
const eventCount = new Map(
  (events as Array<{ call_id: string; n: string | number }>).map((e) => [e.call_id, Number(e.n)]),
);

say(`${rows.length} of ${callers.length} calls recorded:`);
console.log('  from            lang  disposition  talk s  hung up by  cause  events  who');
for (const r of rows) {
  const who = callers.find((c) => c.from === r.from_number)?.note ?? '';
  console.log(
    `  ${String(r.from_number).padEnd(15)} ${String(r.language ?? '').padEnd(5)} ${String(r.disposition).padEnd(12)} ${String(Number(r.talk_seconds).toFixed(1)).padStart(6)}  ${String(r.hangup_by).padEnd(10)}  ${String(r.hangup_cause ?? '').padEnd(5)}  ${String(eventCount.get(r.call_id) ?? 0).padStart(6)}  ${who}`,
  );
}
const today = await db('call_stats_daily').where({ dimension: 'direction' }).orderBy('day', 'desc').limit(3);
say('from the call_stats_daily view (per direction, most recent days):');
for (const d of today) {
  console.log(
    `  ${new Date(d.day).toISOString().slice(0, 10)} ${String(d.dimension_value).padEnd(8)} offered ${d.offered} answered ${d.answered} abandoned ${d.abandoned} avg talk ${d.avg_talk_seconds ?? '-'} s`,
  );
}
const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
const handled = metrics
  .split('\n')
  .filter((l) => l.startsWith('tongdai_ari_events_total{'))
  .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
say(
  `the engine handled ${handled} ARI events; logs in data/demo/, API on http://127.0.0.1:${httpPort} while running`,
);
await db.destroy();
await stop(rows.length === callers.length ? 0 : 1);
