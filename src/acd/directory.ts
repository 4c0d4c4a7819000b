import type { LiveState } from './live.js';
import {
  DefaultPauseReasons,
  SystemPauseReasons,
  type AgentConfig,
  type PauseReason,
  type QueueConfig,
} from './model.js';
import type { AcdStore } from './store.js';

/**
 * Queue, agent and pause-reason definitions as this engine knows them. Postgres (when given) is the
 * record, Redis carries the queue configs every engine dispatches by, and this is the in-process
 * cache; a change made through any engine's API is published, and the others reload.
 */
export class Directory {
  readonly queues = new Map<string, QueueConfig>();
  readonly agents = new Map<string, AgentConfig>();
  readonly reasons = new Map<string, PauseReason>();

  constructor(
    private readonly live: LiveState,
    private readonly store?: AcdStore,
  ) {
    for (const r of [...DefaultPauseReasons, ...SystemPauseReasons]) this.reasons.set(r.code, r);
  }

  private loading: Promise<void> = Promise.resolve();

  /** A reload after another engine's change: one at a time, so a slow one never wins over a newer one. */
  reload(): Promise<void> {
    this.loading = this.loading.then(() => this.load({ seedRedis: false })).catch(() => undefined);
    return this.loading;
  }

  /** Loads from Postgres (or Redis alone) and (at start, after a Redis restart) puts every definition in Redis. */
  async load(options: { seedRedis?: boolean } = {}): Promise<void> {
    const seed = options.seedRedis ?? true;
    if (this.store) {
      const [queues, agents, reasons] = await Promise.all([
        this.store.queues(),
        this.store.agents(),
        this.store.reasons(),
      ]);
      this.replace(
        this.queues,
        queues.map((q) => [q.id, q] as const),
      );
      this.replace(
        this.agents,
        agents.map((a) => [a.id, a] as const),
      );
      this.replace(
        this.reasons,
        [...reasons, ...SystemPauseReasons].map((r) => [r.code, r] as const),
      );
      if (seed) {
        for (const q of queues) await this.live.putQueue(q);
        for (const a of agents) await this.live.putAgent(a);
      }
    } else {
      const queues = await this.live.queues();
      if (!seed) this.queues.clear();
      for (const [id, q] of queues) this.queues.set(id, q);
      if (seed) {
        for (const q of this.queues.values()) if (!queues.has(q.id)) await this.live.putQueue(q);
        for (const a of this.agents.values()) await this.live.putAgent(a);
      }
    }
  }

  async putQueue(queue: QueueConfig, by = 'config'): Promise<void> {
    await this.store?.putQueue(queue, by);
    await this.live.putQueue(queue);
    this.queues.set(queue.id, queue);
  }

  async deleteQueue(id: string): Promise<boolean> {
    const cached = this.queues.delete(id);
    const stored = this.store ? await this.store.deleteQueue(id) : cached;
    await this.live.deleteQueue(id);
    return stored;
  }

  async putAgent(agent: AgentConfig): Promise<void> {
    await this.store?.putAgent(agent);
    await this.live.putAgent(agent);
    this.agents.set(agent.id, agent);
  }

  async deleteAgent(id: string): Promise<boolean> {
    const cached = this.agents.delete(id);
    return this.store ? await this.store.deleteAgent(id) : cached;
  }

  async putReason(reason: PauseReason): Promise<void> {
    await this.store?.putReason(reason);
    this.reasons.set(reason.code, reason);
  }

  async deleteReason(code: string): Promise<boolean> {
    const cached = this.reasons.delete(code);
    return this.store ? await this.store.deleteReason(code) : cached;
  }

  agentByPrincipal(principal: string): AgentConfig | undefined {
    for (const a of this.agents.values()) if (a.principal === principal) return a;
    return undefined;
  }

  private replace<K, V>(map: Map<K, V>, entries: ReadonlyArray<readonly [K, V]>): void {
    map.clear();
    for (const [k, v] of entries) map.set(k, v);
  }
}
