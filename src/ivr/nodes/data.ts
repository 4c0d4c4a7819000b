import type { IvrContext } from '../context.js';
import { hoursState } from '../hours.js';
import type { NodeOf } from '../schema.js';
import { NodeBase, Stopped } from './base.js';

export class HoursNode extends NodeBase<NodeOf<'hours'>> {
  exec(ctx: IvrContext): string {
    return hoursState(this.node, ctx.services.now());
  }
}

/** Known callers by number: name, tags and language into variables; a VIP's call gets priority. */
export class LookupNode extends NodeBase<NodeOf<'lookup'>> {
  async exec(ctx: IvrContext): Promise<string> {
    const phone = ctx.call.channel.caller?.number;
    const directory = ctx.services.customers;
    if (!phone || !directory) return 'notFound';
    const customer = await this.whileAlive(directory.findByPhone(phone));
    if (this.killed) return Stopped;
    if (!customer) return 'notFound';
    ctx.vars.set('customer.name', customer.name);
    ctx.vars.set('customer.tags', customer.tags.join(','));
    ctx.vars.set('customer.vip', String(customer.vip));
    if (customer.language) ctx.vars.set('customer.language', customer.language);
    ctx.note({ vip: customer.vip, tags: customer.tags });
    if (!customer.vip) return 'found';
    ctx.vars.set('priority', String(this.node.vipPriority));
    ctx.annotate({ priority: this.node.vipPriority });
    return 'vip';
  }
}

/**
 * A data dip: GET/POST the CRM with the caller's number, flat JSON fields into variables. Anything
 * but a timely 2xx JSON object takes the fallback branch, logged, so a slow CRM never holds callers.
 */
export class HttpNode extends NodeBase<NodeOf<'http'>> {
  async exec(ctx: IvrContext): Promise<string> {
    const n = this.node;
    const caller = ctx.call.channel.caller?.number ?? '';
    const did = ctx.call.args[1] ?? '';
    const url = n.url
      .replaceAll('{caller}', encodeURIComponent(caller))
      .replaceAll('{did}', encodeURIComponent(did))
      .replaceAll('{callId}', ctx.call.callId);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), n.timeoutMs);
    const onKill = () => timeout.abort();
    this.signal.addEventListener('abort', onKill, { once: true });
    const started = performance.now();
    try {
      const res = await ctx.services.fetch(url, {
        method: n.method,
        signal: timeout.signal,
        headers: {
          accept: 'application/json',
          ...(n.method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
        ...(n.method === 'POST'
          ? {
              body: JSON.stringify({
                callId: ctx.call.callId,
                caller,
                did,
                vars: Object.fromEntries(ctx.vars),
              }),
            }
          : {}),
      });
      if (!res.ok) {
        await res.body?.cancel();
        return this.fallback(ctx, `HTTP ${res.status}`);
      }
      const body: unknown = await res.json();
      if (!body || typeof body !== 'object' || Array.isArray(body))
        return this.fallback(ctx, 'not a JSON object');
      for (const [k, v] of Object.entries(body))
        if (v === null || ['string', 'number', 'boolean'].includes(typeof v))
          ctx.vars.set(`${n.variable}.${k}`, String(v ?? ''));
      ctx.note({ status: res.status, ms: Math.round(performance.now() - started) });
      return 'next';
    } catch (err) {
      if (this.killed) return Stopped;
      const reason = timeout.signal.aborted ? `no answer within ${n.timeoutMs} ms` : (err as Error).message;
      return this.fallback(ctx, reason);
    } finally {
      clearTimeout(timer);
      this.signal.removeEventListener('abort', onKill);
    }
  }

  private fallback(ctx: IvrContext, reason: string): string {
    ctx.call.log.warn('IVR data dip failed, taking fallback', {
      flow: ctx.flow.id,
      node: ctx.nodeId,
      host: new URL(this.node.url).host,
      reason,
    });
    ctx.note({ fallbackReason: reason });
    return 'fallback';
  }
}

/** Records that the caller wants a call back, thanks them, and goes on (by default: hangs up). */
export class CallbackNode extends NodeBase<NodeOf<'callback'>> {
  async exec(ctx: IvrContext): Promise<string> {
    const phone = ctx.call.channel.caller?.number;
    if (phone && ctx.services.callbacks) {
      const priority = ctx.vars.get('priority');
      await ctx.services.callbacks.request({
        callId: ctx.call.callId,
        phone,
        did: ctx.call.args[1] ?? null,
        flowId: ctx.flow.id,
        nodeId: ctx.nodeId,
        language: ctx.language,
        purpose: ctx.vars.get('purpose') ?? null,
        priority: priority ? Number(priority) : null,
      });
      await ctx.services.followUps?.open({ type: 'callback', callId: ctx.call.callId, customerPhone: phone });
      ctx.annotate({ disposition: 'callback_requested' });
    } else {
      ctx.call.log.warn('callback request not stored: no caller number or no store', { node: ctx.nodeId });
    }
    await this.play(ctx, this.node.prompt);
    return 'next';
  }
}
