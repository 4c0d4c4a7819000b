import type { IvrContext } from '../context.js';
import type { NodeOf } from '../schema.js';
import { NodeBase, Stopped } from './base.js';

/** Repeats of the prompt one menu visit allows, so a stuck key cannot hold a line forever. */
export const MaxMenuRepeats = 5;

/**
 * A DTMF menu: prompt (barge-in, so callers who know the menu need not wait), one key, then an
 * option, the repeat key, or a retry after the invalid/timeout prompt; retries exhausted leave by
 * noMatch (last try invalid) or noInput (last try silent).
 */
export class MenuNode extends NodeBase<NodeOf<'menu'>> {
  async exec(ctx: IvrContext): Promise<string> {
    const n = this.node;
    let tries = 0;
    let repeats = 0;
    for (;;) {
      await this.play(ctx, n.prompt, { bargeIn: true });
      if (this.killed) return Stopped;
      const r = await ctx.call.collectDigits({
        maxDigits: 1,
        firstDigitTimeoutMs: n.firstDigitTimeoutMs,
        interDigitTimeoutMs: n.firstDigitTimeoutMs,
        signal: this.signal,
      });
      if (r.status === 'cancelled') return Stopped;
      const key = r.digits;
      if (key && n.options[key]) {
        ctx.note({ key, tries: tries + 1 });
        return key;
      }
      if (key && key === n.repeatKey && repeats < MaxMenuRepeats) {
        repeats++;
        continue;
      }
      const miss = key ? 'noMatch' : 'noInput';
      if (tries >= n.retries) {
        ctx.note({ key: key || null, tries: tries + 1 });
        return miss;
      }
      tries++;
      const again = key ? n.invalidPrompt : n.timeoutPrompt;
      if (again) await this.play(ctx, again);
    }
  }
}

/** Digits into a variable: length, terminator and pattern checked, with retries like a menu. */
export class CollectNode extends NodeBase<NodeOf<'collect'>> {
  async exec(ctx: IvrContext): Promise<string> {
    const n = this.node;
    const pattern = n.pattern ? new RegExp(n.pattern) : undefined;
    if (n.mask) ctx.maskDigits(true);
    try {
      for (let tries = 0; ; tries++) {
        if (n.prompt) await this.play(ctx, n.prompt, { bargeIn: true });
        if (this.killed) return Stopped;
        const r = await ctx.call.collectDigits({
          maxDigits: n.maxLength,
          firstDigitTimeoutMs: n.firstDigitTimeoutMs,
          interDigitTimeoutMs: n.interDigitTimeoutMs,
          ...(n.terminator ? { terminators: n.terminator } : {}),
          signal: this.signal,
        });
        if (r.status === 'cancelled') return Stopped;
        const digits = r.digits;
        const valid = digits.length >= n.minLength && (!pattern || pattern.test(digits));
        if (digits && valid) {
          ctx.vars.set(n.variable, digits);
          ctx.note({ length: digits.length, tries: tries + 1 });
          return 'next';
        }
        if (tries >= n.retries) {
          ctx.note({ tries: tries + 1 });
          return digits ? 'noMatch' : 'noInput';
        }
        if (digits && n.invalidPrompt) await this.play(ctx, n.invalidPrompt);
      }
    } finally {
      if (n.mask) ctx.maskDigits(false);
    }
  }
}
