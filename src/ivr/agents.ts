import type { AgentPool } from './context.js';

/**
 * Agent endpoints per queue, busy while one of this engine's calls rings or talks to them. It is
 * process memory on purpose: it stands in until the ACD keeps agent state in Redis for every engine.
 */
export class LocalAgentPool implements AgentPool {
  private readonly busy = new Set<string>();
  private queues: ReadonlyMap<string, readonly string[]>;

  constructor(queues: Record<string, readonly string[]> = {}) {
    this.queues = new Map(Object.entries(queues));
  }

  /** A reloaded routing file: endpoints busy now stay busy until their calls release them. */
  setQueues(queues: Record<string, readonly string[]>): void {
    this.queues = new Map(Object.entries(queues));
  }

  get queueNames(): ReadonlySet<string> {
    return new Set(this.queues.keys());
  }

  endpointsOf(queue: string): readonly string[] | undefined {
    return this.queues.get(queue);
  }

  claim(endpoint: string): boolean {
    if (this.busy.has(endpoint)) return false;
    this.busy.add(endpoint);
    return true;
  }

  release(endpoint: string): void {
    this.busy.delete(endpoint);
  }

  /** Endpoints in use now (leak checks, health). */
  get inUse(): number {
    return this.busy.size;
  }
}
