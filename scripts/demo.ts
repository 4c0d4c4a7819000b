/**
 * The demo behind `bash scripts/demo.sh`: the simulator, the engine (IVR on the sample flows in
 * flows/) and the records worker as three processes, demo callers from Vietnam, Iran, the UK and the
 * US walking the flows (keys, time-outs, a voicemail, a survey), then what happened — from the
 * engine's metrics and from Postgres: calls rows, IVR counts per node and branch, voicemails,
 * follow-ups and survey answers. With ARI_URL set it runs the engine and worker against that
 * Asterisk instead, until Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import knexFactory from 'knex';
import { parse as parseYaml } from 'yaml';
import { ApiKeyStore } from '../src/auth/store.js';
import { loadConfigOrExit } from '../src/config/index.js';
import { hoursState } from '../src/ivr/hours.js';
import { flowDocument } from '../src/ivr/schema.js';
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
  start('engine', 'src/engine/main.ts', { FLOWS_DIR: process.env.FLOWS_DIR || 'flows' });
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
  FLOWS_DIR: 'flows',
});
start('worker', 'src/worker/main.ts', { WORKER_HTTP_PORT: String(workerPort) });
await waitHealthy(`http://127.0.0.1:${httpPort}/health`);
say('engine healthy (ARI, Redis, Postgres)');

const db = knexFactory({ client: 'pg', connection: config.DATABASE_URL });
// A supervisor key of the demo's own: it waits for the IVR to serve and reads the API afterwards.
const keys = new ApiKeyStore(db);
const { key, record: demoKey } = await keys.create({
  name: `demo-supervisor-${Date.now()}`,
  role: 'supervisor',
});
const api = async <T>(path: string): Promise<T> => {
  const res = await fetch(`http://127.0.0.1:${httpPort}${path}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};
const ivrDeadline = Date.now() + 60_000;
let flowsServing: string[] = [];
while (Date.now() < ivrDeadline) {
  flowsServing = (
    await api<{ items: Array<{ flow_id: string; version: number }> }>('/api/v1/ivr/flows').catch(() => ({
      items: [],
    }))
  ).items.map((f) => `${f.flow_id}@${f.version}`);
  if (flowsServing.length) break;
  await sleep(250);
}
say(`IVR serving ${flowsServing.join(', ') || 'nothing (see data/demo/engine.log)'}`);

const sim = new SimControlClient(ariUrl, config.ARI_USER, config.ARI_PASSWORD);
// Agent phones: sales and support answer after a second and hang up after a short talk (so callers
// reach the survey); the complaints desk is busy, so those callers get the call-back/voicemail menu.
for (const a of ['PJSIP/agent1', 'PJSIP/agent2', 'PJSIP/agent3', 'PJSIP/agent4', 'PJSIP/agent5'])
  await sim.setEndpoint(a, { behaviour: 'answer', answerAfterMs: 1000, hangupAfterMs: 2500 });
for (const a of ['PJSIP/agent6', 'PJSIP/agent7']) await sim.setEndpoint(a, { behaviour: 'busy' });

// The Vietnamese line keeps Saigon office hours: callers to it either reach an agent (open) or leave
// a message for reception (closed), depending on when the demo runs.
const main = flowDocument.parse(parseYaml(readFileSync('flows/main.yaml', 'utf8')));
const officeHours = main.nodes.office_hours!;
const saigon = officeHours.type === 'hours' ? hoursState(officeHours, new Date()) : 'open';
say(`Saigon office hours now: ${saigon}`);

/**
 * Keys are typed ahead: every menu and the survey take them from the caller's buffer in order
 * (prompts are barge-in), so a script is the caller's whole intent. `*` skips a voicemail greeting,
 * `#` ends the message a few seconds later. Survey keys: CSAT, NPS (1 then 0 = 10, or a digit and #),
 * resolved (1 yes, 2 no).
 */
type Caller = {
  from: string;
  to: string;
  language: string;
  note: string;
  script?: Array<{ atMs: number; dtmf: string }>;
  hangupAfterMs?: number;
};
const callers: Caller[] = [
  saigon === 'open'
    ? {
        from: '+84901234567',
        to: '+842838220000',
        language: 'vi',
        note: 'Hồ Chí Minh City: Tiếng Việt, support, then the survey (CSAT 5, NPS 9, resolved)',
        script: [{ atMs: 300, dtmf: '12' + '59#1' }],
      }
    : {
        from: '+84901234567',
        to: '+842838220000',
        language: 'vi',
        note: 'Hồ Chí Minh City after hours: leaves a voicemail for reception',
        script: [
          { atMs: 300, dtmf: '1' + '2*' },
          { atMs: 5500, dtmf: '#' },
        ],
      },
  {
    from: '+84912345678',
    to: '+842438250000',
    language: 'vi',
    note: 'Hà Nội: hangs up during the greeting',
    hangupAfterMs: 700,
  },
  {
    from: '+989121234567',
    to: '+982188776655',
    language: 'fa',
    note: 'Tehran: فارسی, sales, survey (CSAT 5, NPS 10, resolved)',
    script: [{ atMs: 300, dtmf: '21' + '5101' }],
  },
  {
    from: '+989351112233',
    to: '+982188776655',
    language: 'fa',
    note: 'Mashhad: an invalid key, then فارسی, complaints; desk busy → asks for a call back',
    script: [{ atMs: 300, dtmf: '9' + '2' + '4' + '1' }],
  },
  {
    from: '+447700900123',
    to: '+442071234567',
    language: 'en',
    note: 'London: English, support, survey (CSAT 4, NPS 7, not resolved)',
    script: [{ atMs: 300, dtmf: '12' + '47#2' }],
  },
  {
    from: '+447700900456',
    to: '+442071234567',
    language: 'en',
    note: 'Manchester: complaints; desk busy → leaves a voicemail for support',
    script: [
      { atMs: 300, dtmf: '14' + '2*' },
      { atMs: 6000, dtmf: '#' },
    ],
  },
  {
    from: '+14155550123',
    to: '+14155550100',
    language: 'en',
    note: 'San Francisco: presses nothing — every menu times out',
  },
];
const runStart = new Date(Date.now() - 1000);
for (const c of callers) {
  const { note: _note, ...call } = c;
  await sim.placeCall({ ...call, hangupAfterMs: call.hangupAfterMs ?? 90_000 });
}
say(`placed ${callers.length} calls; waiting for them to end and land in Postgres`);

const numbers = callers.map((c) => c.from);
let rows: Array<Record<string, any>> = [];
const deadline = Date.now() + 120_000;
while (Date.now() < deadline) {
  rows = await db('calls')
    .where('started_at', '>=', runStart)
    .where('direction', 'inbound')
    .whereIn('from_number', numbers)
    .orderBy('started_at');
  if (rows.length >= callers.length) break;
  await sleep(500);
}
const callIds = rows.map((r) => r.call_id as string);
const events = await db('call_events')
  .whereIn('call_id', callIds)
  .groupBy('call_id')
  .select('call_id')
  .count({ n: '*' });
const eventCount = new Map(
  (events as Array<{ call_id: string; n: string | number }>).map((e) => [e.call_id, Number(e.n)]),
);

say(`${rows.length} of ${callers.length} calls recorded:`);
console.log('  from            lang  disposition         talk s  queue       events  who');
for (const r of rows) {
  const who = callers.find((c) => c.from === r.from_number)?.note ?? '';
  console.log(
    `  ${String(r.from_number).padEnd(15)} ${String(r.language ?? '').padEnd(5)} ${String(r.disposition).padEnd(18)} ${String(Number(r.talk_seconds).toFixed(1)).padStart(6)}  ${String(r.queue ?? '-').padEnd(10)}  ${String(eventCount.get(r.call_id) ?? 0).padStart(6)}  ${who}`,
  );
}

const stats = await db
  .select('*')
  .from(db.raw('ivr_node_stats_between(?, ?)', [runStart, new Date(Date.now() + 60_000)]))
  .orderBy(['flow_id', 'node_id']);
say('IVR per node and branch this run (ivr_node_stats_between):');
console.log('  flow      node                    type       in  hang-ups  exits by branch');
for (const s of stats)
  console.log(
    `  ${String(s.flow_id).padEnd(9)} ${String(s.node_id).padEnd(23)} ${String(s.node_type).padEnd(9)} ${String(s.entries).padStart(3)}  ${String(s.hangups).padStart(8)}  ${Object.entries(
      s.exits_by_branch as Record<string, number>,
    )
      .map(([b, n]) => `${b}=${n}`)
      .join(' ')}`,
  );

const voicemails = await db('voicemails').whereIn('call_id', callIds).orderBy('created_at');
say(`${voicemails.length} voicemail(s):`);
for (const v of voicemails)
  console.log(
    `  box ${String(v.box_id).padEnd(10)} from ${String(v.caller_number).padEnd(15)} ${Number(v.duration_seconds).toFixed(0)} s  ${v.recording_name}`,
  );
const followUps = await db('follow_ups').whereIn('call_id', callIds).orderBy('created_at');
say(`${followUps.length} follow-up(s) opened:`);
for (const f of followUps)
  console.log(
    `  ${String(f.type).padEnd(9)} ${String(f.customer_phone).padEnd(15)} ${f.status}, due ${new Date(f.due_at).toISOString()}`,
  );
// Survey answers travel the facts pipeline (engine outbox → BullMQ → worker): give them a moment.
let answers: Array<Record<string, any>> = [];
const surveyDeadline = Date.now() + 15_000;
while (Date.now() < surveyDeadline) {
  answers = await db('survey_responses')
    .whereIn('call_id', callIds)
    .orderBy(['occurred_at', 'question_index']);
  // Three questions for each caller who reaches the survey (the Saigon one only when open).
  if (answers.length >= (saigon === 'open' ? 9 : 6)) break;
  await sleep(500);
}
say(`${answers.length} survey answer(s) (survey_responses):`);
for (const a of answers)
  console.log(
    `  ${String(a.queue ?? '-').padEnd(8)} ${String(a.agent ?? '-').padEnd(13)} ${String(a.question_id).padEnd(9)} ${a.answer}`,
  );
const csat = await db('survey_csat_daily').where('day', '>=', runStart.toISOString().slice(0, 10));
for (const c of csat)
  console.log(
    `  CSAT ${new Date(c.day).toISOString().slice(0, 10)} queue ${c.queue ?? '-'} agent ${c.agent ?? '-'}: ${c.csat_pct}% satisfied, mean ${c.mean_score} (${c.responses} answers, all days' calls)`,
  );

// The same through the API a supervisor's screen uses.
const boxes = await api<{ items: Array<{ box_id: string; messages: number; unheard: number }> }>(
  '/api/v1/voicemail/boxes',
);
say(
  `GET /api/v1/voicemail/boxes: ${boxes.items.map((b) => `${b.box_id} ${b.unheard} unheard of ${b.messages}`).join('; ')}`,
);
const open = await api<{ items: Array<{ type: string; overdue: boolean }> }>(
  '/api/v1/follow-ups?status=open',
);
say(
  `GET /api/v1/follow-ups?status=open: ${open.items.length} open (${open.items.filter((f) => f.overdue).length} overdue)`,
);

const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
const handled = metrics
  .split('\n')
  .filter((l) => l.startsWith('tongdai_ari_events_total{'))
  .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
say(
  `the engine handled ${handled} ARI events; logs in data/demo/, API on http://127.0.0.1:${httpPort} while running`,
);
await keys.revoke(demoKey.id);
await db.destroy();
await stop(rows.length === callers.length ? 0 : 1);
