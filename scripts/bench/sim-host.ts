/**
 * The simulator as a separate process for benchmarks, so its CPU is not counted as the engine's.
 * Driven over IPC: { id, cmd, ... } in, { id, result | error } out. It also generates the load, so
 * placing calls costs the measured process nothing either.
 */
import { startSimulator } from '../../src/simulator/index.js';

interface LoadCommand {
  app: string;
  count: number;
  /** Calls started per second (0 = all at once). */
  ratePerSec: number;
  /** Digits each caller presses, one every `dtmfEveryMs` after StasisStart. */
  digits?: number;
  dtmfEveryMs?: number;
  hangupAfterMs?: number;
}

const sim = await startSimulator({
  port: Number(process.env.SIM_PORT ?? 0),
  user: 'bench',
  password: 'bench-pw',
});

async function load(c: LoadCommand): Promise<{ placed: number; accepted: number }> {
  let accepted = 0;
  const started = Date.now();
  for (let i = 0; i < c.count; i++) {
    if (c.ratePerSec > 0) {
      const due = started + (i * 1000) / c.ratePerSec;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    const script = Array.from({ length: c.digits ?? 0 }, (_, k) => ({
      atMs: (k + 1) * (c.dtmfEveryMs ?? 100),
      dtmf: String(k % 10),
    }));
    const r = await sim.control.placeCall({
      from: `+8490${String(1_000_000 + i).slice(1)}`,
      to: '+842838220000',
      app: c.app,
      script,
      ...(c.hangupAfterMs ? { hangupAfterMs: c.hangupAfterMs } : {}),
    });
    if (r.accepted) accepted++;
  }
  return { placed: c.count, accepted };
}

async function idle(timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await sim.control.state()).channels.count === 0) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

process.on('message', (msg: { id: number; cmd: string; [k: string]: unknown }) => {
  const run = async (): Promise<unknown> => {
    switch (msg.cmd) {
      case 'load':
        return load(msg as unknown as LoadCommand);
      case 'idle':
        return idle(Number(msg.timeoutMs ?? 60_000));
      case 'state':
        return sim.control.state();
      case 'outage': {
        // Asterisk goes away for `ms`: event sockets drop and new connections are refused.
        await sim.control.refuseConnections(Number(msg.ms));
        await sim.control.dropWebSockets();
        return { backAt: Date.now() + Number(msg.ms) };
      }
      case 'cpu':
        return process.cpuUsage();
      case 'close':
        await sim.close();
        setTimeout(() => process.exit(0), 10);
        return true;
      default:
        throw new Error(`unknown command ${msg.cmd}`);
    }
  };
  run().then(
    (result) => process.send!({ id: msg.id, result }),
    (err: Error) => process.send!({ id: msg.id, error: err.message }),
  );
});
process.send!({ ready: sim.url });
