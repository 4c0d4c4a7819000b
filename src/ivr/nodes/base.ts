import type { IvrContext, NodeTask } from '../context.js';
import type { FlowNode } from '../schema.js';

/**
 * A node's task: one AbortController per visit. kill() aborts it (idempotent), which stops the
 * node's playback, digit wait, ringing or HTTP request; the interpreter kills every task when the
 * call ends and again after exec, so nothing a node started outlives it.
 */
export abstract class NodeBase<N extends FlowNode> implements NodeTask {
  private readonly controller = new AbortController();
  constructor(protected readonly node: N) {}

  protected get signal(): AbortSignal {
    return this.controller.signal;
  }
  protected get killed(): boolean {
    return this.controller.signal.aborted;
  }

  kill(): void {
    if (!this.controller.signal.aborted) this.controller.abort();
  }

  abstract exec(ctx: IvrContext): string | Promise<string>;

  /**
   * Waits for work the node cannot cancel (a database read) only while the node lives: killed, it
   * resolves undefined at once, and the late result is dropped.
   */
  protected whileAlive<T>(work: Promise<T>): Promise<T | undefined> {
    if (this.killed) return Promise.resolve(undefined);
    let onAbort = () => {};
    const killed = new Promise<undefined>((resolve) => {
      onAbort = () => resolve(undefined);
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
    return Promise.race([work, killed]).finally(() => this.signal.removeEventListener('abort', onAbort));
  }

  /** Plays in the call language (unless a node overrides it); a missing prompt is logged, not fatal. */
  protected async play(ctx: IvrContext, media: string[], options: { bargeIn?: boolean; lang?: string } = {}) {
    const result = await ctx.call.play(media, {
      lang: options.lang ?? ctx.language,
      bargeIn: options.bargeIn ?? false,
      signal: this.signal,
    });
    if (result.status === 'failed')
      ctx.call.log.warn('IVR prompt could not be played', { flow: ctx.flow.id, node: ctx.nodeId, media });
    return result;
  }
}

/** The branch a node returns when it stopped because it was killed or the call ended. */
export const Stopped = 'stopped';
