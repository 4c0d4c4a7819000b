import { AriAllocationFailedError, OriginateFailedError, type Bridge, type Call } from '../../ari/index.js';
import type { IvrContext } from '../context.js';
import type { NodeOf } from '../schema.js';
import { NodeBase, Stopped } from './base.js';

type Outcome = 'next' | 'noAnswer' | typeof Stopped;

/** Resolves when the signal aborts; dispose() detaches so a finished race leaves no listener. */
function untilAborted(signal: AbortSignal): { promise: Promise<void>; dispose(): void } {
  let onAbort = () => {};
  const promise = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/** Routing nodes: ring one endpoint, bridge the caller with it, and wait until one side leaves. */
abstract class RouteNode<N extends NodeOf<'queue'> | NodeOf<'endpoint'>> extends NodeBase<N> {
  protected async ring(ctx: IvrContext, endpoint: string): Promise<Outcome> {
    const hold = new AbortController();
    const stopHold = () => hold.abort();
    this.signal.addEventListener('abort', stopHold, { once: true });
    const holdMedia = this.node.type === 'queue' ? this.node.holdMedia : undefined;
    const holding = holdMedia
      ? ctx.call.play(holdMedia, { lang: ctx.language, signal: hold.signal }).catch(() => undefined)
      : undefined;
    let agent: Call;
    try {
      agent = await ctx.services.telephony.originate({
        endpoint,
        timeoutSeconds: this.node.ringTimeoutSeconds,
        parentCallId: ctx.call.callId,
        ...(ctx.call.channel.caller?.number ? { callerId: ctx.call.channel.caller.number } : {}),
        signal: this.signal,
      });
    } catch (err) {
      if (this.killed || ctx.call.ended) return Stopped;
      if (err instanceof OriginateFailedError || err instanceof AriAllocationFailedError) {
        ctx.call.log.info('agent endpoint did not answer', { endpoint, reason: err.message });
        return 'noAnswer';
      }
      throw err;
    } finally {
      stopHold();
      this.signal.removeEventListener('abort', stopHold);
      await holding;
    }
    return this.converse(ctx, agent, endpoint);
  }

  private async converse(ctx: IvrContext, agent: Call, endpoint: string): Promise<Outcome> {
    let bridge: Bridge | undefined;
    const killed = untilAborted(this.signal);
    try {
      if (this.killed) return Stopped;
      bridge = await ctx.services.telephony.createBridge({ type: 'mixing', name: `ivr-${ctx.call.callId}` });
      await bridge.addChannel(ctx.call);
      await bridge.addChannel(agent);
      ctx.annotate({ agent: endpoint });
      ctx.note({ agent: endpoint });
      await Promise.race([ctx.call.whenEnded(), agent.whenEnded(), killed.promise]);
      return ctx.call.ended || this.killed ? Stopped : 'next';
    } finally {
      killed.dispose();
      await bridge
        ?.destroy()
        .catch((e: Error) => ctx.call.log.warn('bridge not destroyed', { error: e.message }));
      await agent.hangup().catch(() => undefined);
    }
  }
}

export class EndpointNode extends RouteNode<NodeOf<'endpoint'>> {
  async exec(ctx: IvrContext): Promise<string> {
    const { endpoint } = this.node;
    if (!ctx.services.agents.claim(endpoint)) {
      ctx.note({ busy: endpoint });
      return 'noAnswer';
    }
    try {
      return await this.ring(ctx, endpoint);
    } finally {
      ctx.services.agents.release(endpoint);
    }
  }
}

/**
 * Until the ACD exists: ring the queue's agent endpoints in order, skipping the ones already on a
 * call through this engine, and bridge the first that answers. Priority is stored on the call so
 * the ACD, when it lands, finds it there.
 */
export class QueueNode extends RouteNode<NodeOf<'queue'>> {
  async exec(ctx: IvrContext): Promise<string> {
    const { queue } = this.node;
    // The higher of the node's priority and the one the call earned (classify, VIP lookup).
    const earned = ctx.vars.get('priority');
    const given = [this.node.priority, earned ? Number(earned) : undefined].filter((p) => p !== undefined);
    const priority = given.length ? Math.max(...given) : undefined;
    ctx.annotate({ queue, ...(priority !== undefined ? { priority } : {}) });
    ctx.note({ queue, priority: priority ?? null });
    for (const endpoint of ctx.services.agents.endpointsOf(queue) ?? []) {
      if (this.killed) return Stopped;
      if (!ctx.services.agents.claim(endpoint)) continue;
      let outcome: Outcome;
      try {
        outcome = await this.ring(ctx, endpoint);
      } finally {
        ctx.services.agents.release(endpoint);
      }
      if (outcome !== 'noAnswer') return outcome;
    }
    return 'noAnswer';
  }
}
