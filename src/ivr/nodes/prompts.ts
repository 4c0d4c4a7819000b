import type { IvrContext } from '../context.js';
import type { NodeOf } from '../schema.js';
import { NodeBase, Stopped } from './base.js';

export class PlayNode extends NodeBase<NodeOf<'play'>> {
  async exec(ctx: IvrContext): Promise<string> {
    const r = await this.play(ctx, this.node.media, { bargeIn: this.node.bargeIn, lang: this.node.language });
    if (r.status === 'cancelled' && !r.digit) return Stopped;
    return 'next';
  }
}

export class LanguageNode extends NodeBase<NodeOf<'language'>> {
  exec(ctx: IvrContext): string {
    ctx.language = this.node.language;
    ctx.vars.set('language', this.node.language);
    ctx.note({ language: this.node.language });
    return 'next';
  }
}

/** Purposes that open a follow-up as soon as a call is classified with them. */
export const FollowUpPurposes = new Set(['complaint']);
/** Waits before retrying a follow-up write that failed (the write is idempotent). */
export const FollowUpRetryMs = [1000, 5000, 30_000];

export class ClassifyNode extends NodeBase<NodeOf<'classify'>> {
  exec(ctx: IvrContext): string {
    // Priority only rises during a call: a VIP found earlier keeps the higher one.
    const earned = ctx.vars.get('priority');
    const priority =
      this.node.priority !== undefined && earned !== undefined
        ? Math.max(this.node.priority, Number(earned))
        : (this.node.priority ?? undefined);
    const { purpose } = this.node;
    if (purpose) ctx.vars.set('purpose', purpose);
    if (priority !== undefined) ctx.vars.set('priority', String(priority));
    ctx.annotate({ ...(purpose ? { purpose } : {}), ...(priority !== undefined ? { priority } : {}) });
    ctx.note({ purpose: purpose ?? null, priority: priority ?? null });
    if (purpose && FollowUpPurposes.has(purpose)) openComplaint(ctx);
    return 'next';
  }
}

/**
 * The complaint's follow-up is written beside the call, not awaited: classify stays synchronous (an
 * await would queue this call behind every other call's work), and the caller hanging up does not
 * stop the write. It is idempotent per (type, call), so a failed write is retried, then logged.
 */
function openComplaint(ctx: IvrContext): void {
  const followUps = ctx.services.followUps;
  if (!followUps) return;
  const { call } = ctx;
  const request = {
    type: 'complaint' as const,
    callId: call.callId,
    customerPhone: call.channel.caller?.number || null,
  };
  const attempt = (n: number): void => {
    followUps.open(request).then(
      () => undefined,
      (err: Error) => {
        const wait = FollowUpRetryMs[n];
        if (wait === undefined) {
          call.log.error('complaint follow-up not opened', { error: err.message, attempts: n + 1 });
          return;
        }
        call.log.warn('complaint follow-up not opened yet; retrying', { error: err.message, inMs: wait });
        setTimeout(() => attempt(n + 1), wait).unref();
      },
    );
  };
  attempt(0);
}

export class SubflowNode extends NodeBase<NodeOf<'subflow'>> {
  async exec(ctx: IvrContext): Promise<string> {
    await ctx.runFlow(this.node.flow);
    return 'next';
  }
}

/** The branch a hang-up node reports: the flow ended the call, the caller did not leave. */
export const HangupNodeBranch = 'end';

export class HangupNode extends NodeBase<NodeOf<'hangup'>> {
  async exec(ctx: IvrContext): Promise<string> {
    if (this.node.prompt) await this.play(ctx, this.node.prompt);
    if (this.killed) return Stopped;
    ctx.finish();
    await ctx.call.hangup('normal');
    return HangupNodeBranch;
  }
}
