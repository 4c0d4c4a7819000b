import type { OverflowDestination, QueueService } from '../../acd/port.js';
import { AriAllocationFailedError, OriginateFailedError, type Bridge, type Call } from '../../ari/index.js';
import type { IvrContext, NodeTask } from '../context.js';
import { callbackNode, voicemailNode, type NodeOf } from '../schema.js';
import { NodeBase, Stopped } from './base.js';
import { CallbackNode } from './data.js';
import { VoicemailNode } from './voicemail.js';

/** Queue-to-queue overflows one visit follows before giving up (a loop in the ACD's config). */
export const MaxOverflowHops = 3;

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
      ctx.vars.set('agent', endpoint);
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
 * A queue the ACD (services.queues) has: the caller enters it and the ACD rings, bridges and
 * announces; its outcome picks the branch — answered → next (after the conversation), an overflow
 * it chose → handled here (voicemail box, callback request, another flow or queue) then "overflow",
 * anything else → noAnswer. A queue only routing.yaml lists (or no ACD): ring its agent endpoints in
 * order, skipping the ones already on a call through this engine, and bridge the first that answers.
 */
export class QueueNode extends RouteNode<NodeOf<'queue'>> {
  private child: NodeTask | undefined;

  override kill(): void {
    super.kill();
    this.child?.kill();
  }

  async exec(ctx: IvrContext): Promise<string> {
    const { queue } = this.node;
    // The higher of the node's priority and the one the call earned (classify, VIP lookup).
    const earned = ctx.vars.get('priority');
    const given = [this.node.priority, earned ? Number(earned) : undefined].filter((p) => p !== undefined);
    const priority = given.length ? Math.max(...given) : undefined;
    ctx.annotate({ queue, ...(priority !== undefined ? { priority } : {}) });
    ctx.note({ queue, priority: priority ?? null });
    ctx.vars.set('queue', queue);
    // The ACD serves the queues it has; a queue only routing.yaml lists still rings its endpoints
    // (a site moves its queues to the ACD one at a time).
    const acd = ctx.services.queues;
    if (acd?.has(queue)) return this.viaAcd(ctx, acd, queue, priority ?? 0);
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

  private async viaAcd(ctx: IvrContext, acd: QueueService, first: string, priority: number): Promise<string> {
    let queue = first;
    for (let hop = 0; ; hop++) {
      if (this.killed) return Stopped;
      const outcome = await acd.enter(ctx.call, {
        queue,
        priority,
        ...(this.node.skills ? { skills: this.node.skills } : {}),
        purpose: ctx.vars.get('purpose') ?? null,
        customerPhone: ctx.call.channel.caller?.number || null,
        language: ctx.language,
      });
      if (this.killed || ctx.call.ended) return Stopped;
      switch (outcome.result) {
        case 'answered':
          ctx.vars.set('agent', outcome.agent);
          ctx.vars.set('conversation', outcome.conversationId);
          ctx.annotate({ agent: outcome.agent });
          ctx.note({ agent: outcome.agent, conversation: outcome.conversationId });
          return 'next';
        case 'callback':
          // The ACD keeps the caller's place and calls back itself: nothing more to open here.
          ctx.annotate({ disposition: 'callback_requested' });
          ctx.note({ result: 'callback', callbackId: outcome.callbackId });
          return 'overflow';
        case 'overflow':
          if (outcome.destination.type === 'queue' && hop < MaxOverflowHops) {
            ctx.note({ overflowedFrom: queue });
            queue = outcome.destination.queue;
            ctx.vars.set('queue', queue);
            ctx.annotate({ queue });
            continue;
          }
          return this.overflow(ctx, outcome.destination);
        default:
          ctx.note({ result: outcome.result });
          return outcome.result === 'hangup' ? Stopped : 'noAnswer';
      }
    }
  }

  /** Where the ACD sent a caller it could not serve; the node then leaves by "overflow". */
  private async overflow(ctx: IvrContext, to: OverflowDestination): Promise<string> {
    ctx.note({ overflow: to });
    let branch: string;
    if (to.type === 'voicemail')
      branch = await this.runChild(
        ctx,
        new VoicemailNode(voicemailNode.parse({ type: 'voicemail', box: to.box })),
      );
    else if (to.type === 'callback')
      branch = await this.runChild(ctx, new CallbackNode(callbackNode.parse({ type: 'callback' })));
    else if (to.type === 'flow') {
      await ctx.runFlow(to.flow);
      branch = 'next';
    } else {
      ctx.call.log.warn('queue overflow loop; giving up', { queue: to.queue, hops: MaxOverflowHops });
      return 'noAnswer';
    }
    return branch === Stopped || this.killed ? Stopped : 'overflow';
  }

  private async runChild(ctx: IvrContext, task: NodeTask): Promise<string> {
    this.child = task;
    try {
      return await task.exec(ctx);
    } finally {
      task.kill();
      this.child = undefined;
    }
  }
}
