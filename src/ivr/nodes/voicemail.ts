import type { Recording, WaitStatus } from '../../ari/index.js';
import { recordingNameFor } from '../../voicemail/types.js';
import type { IvrContext } from '../context.js';
import type { NodeOf } from '../schema.js';
import { NodeBase, Stopped } from './base.js';

/** The greeting when neither the node nor the box has one. */
export const DefaultGreeting = ['sound:vm-intro'];

/**
 * Takes a message: greeting (a key skips it), beep, then Asterisk records until # , silence, the
 * length limit or the caller hanging up — the usual way to end a message, so the message is saved
 * even after the caller left (the visit then reads "hangup"). Too short or empty: noMessage, and
 * the file is deleted. A saved message opens a voicemail follow-up.
 */
export class VoicemailNode extends NodeBase<NodeOf<'voicemail'>> {
  async exec(ctx: IvrContext): Promise<string> {
    const n = this.node;
    const store = ctx.services.voicemail;
    if (!store) {
      ctx.call.log.error('voicemail node without a voicemail store', { flow: ctx.flow.id, node: ctx.nodeId });
      ctx.note({ reason: 'no voicemail store' });
      return 'noMessage';
    }
    const box = await this.whileAlive(store.box(n.box));
    if (this.killed) return Stopped;
    if (!box) {
      ctx.call.log.error('voicemail box not found', { flow: ctx.flow.id, node: ctx.nodeId, box: n.box });
      ctx.note({ reason: `no box ${n.box}` });
      return 'noMessage';
    }
    const greeting = n.greeting ?? (box.greeting ? [box.greeting] : DefaultGreeting);
    await this.play(ctx, greeting, { bargeIn: true });
    if (this.killed) return Stopped;

    const name = recordingNameFor(box.boxId, ctx.call.callId);
    const maxSeconds = Math.min(n.maxSeconds ?? box.maxMessageSeconds, box.maxMessageSeconds);
    let recording: Recording;
    try {
      recording = await ctx.call.startRecording({
        name,
        format: 'wav',
        beep: n.beep,
        maxDurationSeconds: maxSeconds,
        maxSilenceSeconds: n.maxSilenceSeconds,
        terminateOn: '#',
        ifExists: 'overwrite',
      });
    } catch (err) {
      if (this.killed || ctx.call.ended) return Stopped;
      throw err;
    }
    const started = performance.now();
    // Killed while the caller is still there (never by a hang-up): stop recording, keep what we have.
    const stop = () => {
      if (!ctx.call.ended) void recording.stop().catch(() => undefined);
    };
    this.signal.addEventListener('abort', stop, { once: true });
    let final: { status: WaitStatus; seconds: number } | undefined;
    try {
      const done = await recording.done();
      final = { status: done.status, seconds: done.recording.duration ?? 0 };
    } catch (err) {
      if (!ctx.call.ended) throw err;
      // The call left Stasis before Asterisk's RecordingFinished reached us: if the file exists,
      // its length is the time we recorded (less the beep).
      if (await ctx.services.recordings?.get(name).catch(() => undefined))
        final = {
          status: 'finished',
          seconds: Math.max(0, Math.floor((performance.now() - started - (n.beep ? 300 : 0)) / 1000)),
        };
    } finally {
      this.signal.removeEventListener('abort', stop);
    }

    if (!final || final.status !== 'finished' || final.seconds < Math.max(n.minSeconds, 0.001)) {
      ctx.note({ box: box.boxId, seconds: final?.seconds ?? 0, status: final?.status ?? 'lost' });
      if (final?.status === 'finished')
        await ctx.services.recordings
          ?.delete(name)
          .catch((e: Error) => ctx.call.log.warn('short voicemail not deleted', { name, error: e.message }));
      return ctx.call.ended || this.killed ? Stopped : 'noMessage';
    }

    const caller = ctx.call.channel.caller?.number || null;
    const saved = await store.save({
      boxId: box.boxId,
      callId: ctx.call.callId,
      callerNumber: caller,
      recordingName: name,
      durationSeconds: final.seconds,
      language: ctx.language,
    });
    await ctx.services.followUps?.open({
      type: 'voicemail',
      callId: ctx.call.callId,
      customerPhone: caller,
      sourceRef: saved.id,
    });
    ctx.annotate({ disposition: 'voicemail' });
    ctx.note({ box: box.boxId, seconds: final.seconds, messageId: saved.id });
    ctx.call.log.info('voicemail saved', { box: box.boxId, seconds: final.seconds, messageId: saved.id });
    if (ctx.call.ended || this.killed) return Stopped;
    await this.play(ctx, n.savedPrompt);
    return this.killed ? Stopped : 'next';
  }
}
