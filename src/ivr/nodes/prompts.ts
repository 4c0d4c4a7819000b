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

export class ClassifyNode extends NodeBase<NodeOf<'classify'>> {
  exec(ctx: IvrContext): string | Promise<string> {
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
    // Only a complaint waits on a write; other classifications stay synchronous.
    const followUps = ctx.services.followUps;
    if (!purpose || !FollowUpPurposes.has(purpose) || !followUps) return 'next';
    return this.openFollowUp(ctx);
  }

  private async openFollowUp(ctx: IvrContext): Promise<string> {
    const opened = await this.whileAlive(
      ctx.services.followUps!.open({
        type: 'complaint',
        callId: ctx.call.callId,
        customerPhone: ctx.call.channel.caller?.number || null,
      }),
    );
    if (opened) ctx.note({ followUp: opened.id });
    return this.killed && !opened ? Stopped : 'next';
  }
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
