import type { Request, Response } from 'express';
import type { Acd } from './acd.js';
import type { LiveEvent } from './live.js';
import { AgentStates, type AgentState } from './model.js';

/** Comment line that keeps proxies from closing an idle stream. */
export const StreamHeartbeatMs = 15_000;

/** Queues (waiting, oldest wait, agents per state) and agents as they are now. */
export async function snapshot(acd: Acd) {
  const now = Date.now();
  const agents = await acd.live.agents([...acd.directory.agents.keys()]);
  const queues = [];
  for (const q of acd.directory.queues.values()) {
    const members = await acd.live.memberIds(q.id);
    const counts = Object.fromEntries(AgentStates.map((s) => [s, 0])) as Record<AgentState, number>;
    for (const a of agents) if (members.has(a.id)) counts[a.state]++;
    const head = await acd.live.redis.zrange(acd.live.key('waiting', q.id), '0', '0', 'WITHSCORES');
    const oldest = head[1] ? Number(head[1]) % 1e13 : undefined;
    queues.push({
      id: q.id,
      strategy: q.strategy,
      waiting: await acd.live.waitingCount(q.id),
      // The head is the next caller (priority first), its arrival time is the score's low part.
      nextWaitSeconds: oldest ? Math.max(0, (now - oldest) / 1000) : 0,
      members: members.size,
      agents: counts,
    });
  }
  return {
    at: new Date(now).toISOString(),
    queues,
    agents: agents.map((a) => ({
      id: a.id,
      state: a.state,
      reason: a.state === 'paused' ? a.reason || null : null,
      since: a.since ? new Date(a.since).toISOString() : null,
      queues: a.queues,
    })),
  };
}

/** text/event-stream of the site's agent and queue events (every engine's, through Redis pub/sub). */
export async function openStream(acd: Acd, req: Request, res: Response): Promise<undefined> {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  let seq = 0;
  const send = (event: string, data: unknown) => {
    res.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const onEvent = (e: LiveEvent) => {
    if (e.type === 'queue' && e.event === 'config') send('config', { queue: e.queue || null, at: e.at });
    else send(e.type, e);
  };
  acd.events.on('event', onEvent);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), StreamHeartbeatMs);
  heartbeat.unref();
  const close = () => {
    clearInterval(heartbeat);
    acd.events.off('event', onEvent);
  };
  req.on('close', close);
  res.on('error', close);
  try {
    send('snapshot', await snapshot(acd));
  } catch (err) {
    send('error', { message: (err as Error).message });
  }
  return undefined;
}
