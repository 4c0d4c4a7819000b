import { mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Core, EmitScope } from './core.js';
import { ariError } from './errors.js';
import type { SimPlayback, SimRecording } from './model.js';
import { playbackJson, recordingJson } from './model.js';
import type { Args, HandlerTable, Reply } from './rest-types.js';
import { created, noContent, ok } from './rest-types.js';
import { sayDigitsDuration, sayNumberDuration, soundDuration } from './sounds.js';
import { uriEncodeHttp } from './uri.js';
import { appendWav, makeWav } from './wav.js';

export const KnownFormats = [
  'wav',
  'WAV',
  'wav16',
  'gsm',
  'ulaw',
  'alaw',
  'sln',
  'sln16',
  'g722',
  'g729',
  'ogg',
  'opus',
  'mp3',
  'wav49',
  'h264',
];
export const BeepMs = 300;
/** PLAYBACK_DEFAULT_SKIPMS: forward/reverse step when the request gives none (or 0). */
export const DefaultSkipMs = 3000;

interface Target {
  uri: string;
  queue: string[];
  scope: EmitScope;
  language: string;
}

/** Media controller for channels and bridges: queued playbacks and live recordings. */
export class Media {
  constructor(private readonly core: Core) {
    core.onHangup.push((c) => {
      this.abortAll(c.playbackQueue);
      for (const name of [...c.recordings]) {
        const r = core.liveRecordings.get(name);
        if (r) this.stopRecording(r, 'done');
      }
    });
    core.onDtmf.push((c, digit) => {
      for (const name of [...c.recordings]) {
        const r = core.liveRecordings.get(name);
        if (r && r.state === 'recording' && (r.terminateOn === 'any' || r.terminateOn === digit))
          this.stopRecording(r, 'done');
      }
    });
  }

  target(uri: string): Target | undefined {
    const [kind, id = ''] = [uri.slice(0, uri.indexOf(':')), uri.slice(uri.indexOf(':') + 1)];
    if (kind === 'channel') {
      const c = this.core.channels.get(id);
      return c && { uri, queue: c.playbackQueue, scope: { channels: [c] }, language: c.language };
    }
    if (kind === 'bridge') {
      const b = this.core.bridges.get(id);
      return b && { uri, queue: b.playbackQueue, scope: { bridge: b }, language: 'en' };
    }
    return undefined;
  }

  mediaDuration(uri: string, lang: string): number | undefined {
    const i = uri.indexOf(':');
    const scheme = uri.slice(0, i);
    const rest = uri.slice(i + 1);
    switch (scheme) {
      case 'sound':
        return soundDuration(rest, lang);
      case 'recording': {
        const r = this.core.stored.get(rest);
        return r ? r.durationMs : undefined;
      }
      case 'digits':
        return sayDigitsDuration(rest);
      case 'characters':
        return rest.length * 400;
      case 'number':
        return Number.isFinite(Number(rest)) ? sayNumberDuration(rest) : undefined;
      case 'tone':
        return rest ? Number.POSITIVE_INFINITY : undefined;
      default:
        return undefined;
    }
  }

  play(
    targetUri: string,
    media: string[],
    lang: string | undefined,
    playbackId: string | undefined,
    offsetms = 0,
    skipms = 0,
  ): Reply {
    const t = this.target(targetUri)!;
    const id = playbackId ?? crypto.randomUUID();
    // stasis_app_control_play_uri(): an empty media URI or a duplicate id fails the request.
    if (this.core.playbacks.has(id) || media.some((m) => !m))
      throw ariError(500, 'Failed to queue media for playback');
    const p: SimPlayback = {
      id,
      media,
      index: 0,
      targetUri,
      language: lang || t.language,
      state: 'queued',
      playedMs: Math.max(0, offsetms),
      startedAt: 0,
      currentDurationMs: 0,
      skipMs: skipms || DefaultSkipMs,
      controllable: false,
    };
    this.core.playbacks.set(id, p);
    t.queue.push(id);
    const body = playbackJson(p);
    if (t.queue.length === 1) this.core.after(undefined, 0, () => this.startNext(t));
    return created(`/playbacks/${id}`, body);
  }

  /** The play/playWithId parameter checks channels and bridges share, then play(). */
  playRequest(targetUri: string, a: Args): Reply {
    const media = (a.media ?? []) as string[];
    if (!media.length) throw ariError(400, 'media must be specified');
    if (Number(a.skipms ?? 3000) < 0) throw ariError(400, 'skipms cannot be negative');
    if (Number(a.offsetms ?? 0) < 0) throw ariError(400, 'offsetms cannot be negative');
    return this.play(
      targetUri,
      media,
      a.lang as string | undefined,
      a.playbackId as string | undefined,
      Number(a.offsetms ?? 0),
      Number(a.skipms ?? 0),
    );
  }

  private scopeOf(p: SimPlayback): EmitScope {
    return this.target(p.targetUri)?.scope ?? {};
  }

  private startNext(t: Target): void {
    const id = t.queue[0];
    const p = id ? this.core.playbacks.get(id) : undefined;
    if (!p || p.state !== 'queued') return;
    this.beginMedia(p);
  }

  /** One turn of play_on_channel()'s loop: playback_first_update(), then play the current media. */
  private beginMedia(p: SimPlayback): void {
    if (p.canceled) {
      // A playback stopped while queued reports itself when its turn comes (CANCELED reads "done").
      p.state = 'done';
      this.core.emit('PlaybackFinished', { playback: playbackJson(p) }, this.scopeOf(p));
      this.remove(p);
      return;
    }
    p.state = 'playing';
    this.core.emit('PlaybackStarted', { playback: playbackJson(p) }, this.scopeOf(p));
    const uri = p.media[p.index]!;
    const scheme = uri.slice(0, uri.indexOf(':'));
    p.controllable = scheme === 'sound' || scheme === 'recording' || scheme === 'tone';
    const dur = this.mediaDuration(uri, p.language);
    if (dur === undefined) {
      if (scheme === 'sound') {
        // ast_control_streamfile_lang() fails on a missing file: a final update, state failed.
        this.finalUpdate(p, false, false);
        return;
      }
      // An unknown scheme, a missing recording or a bad number is skipped without a final update.
      p.playedMs = 0;
      if (p.index + 1 < p.media.length) {
        p.index++;
        this.beginMedia(p);
      } else this.remove(p);
      return;
    }
    p.currentDurationMs = dur;
    p.startedAt = this.core.clock.now();
    this.schedule(p);
  }

  private schedule(p: SimPlayback): void {
    p.timer?.cancel();
    p.timer = undefined;
    if (!Number.isFinite(p.currentDurationMs)) return;
    p.timer = this.core.after(undefined, Math.max(0, p.currentDurationMs - p.playedMs), () => {
      p.timer = undefined;
      this.finalUpdate(p, true, false);
    });
  }

  /**
   * playback_final_update(): after each media, "continuing" (PlaybackContinuing, still naming the
   * media that ended) or, for the last one, a hang-up or a stop, PlaybackFinished "done"/"failed".
   */
  private finalUpdate(p: SimPlayback, ok: boolean, hangup: boolean): void {
    p.timer?.cancel();
    p.timer = undefined;
    const last = p.index === p.media.length - 1;
    if (p.stopped) p.state = 'done';
    else if (ok) p.state = last || hangup ? 'done' : 'continuing';
    else p.state = last || hangup ? 'failed' : 'continuing';
    this.core.emit(
      p.state === 'continuing' ? 'PlaybackContinuing' : 'PlaybackFinished',
      { playback: playbackJson(p) },
      this.scopeOf(p),
    );
    if (p.state === 'continuing') {
      p.index++;
      p.playedMs = 0;
      this.beginMedia(p);
    } else this.remove(p);
  }

  /** remove_from_playbacks(): the playback is gone; the next one queued on the target starts. */
  private remove(p: SimPlayback): void {
    p.timer?.cancel();
    p.timer = undefined;
    this.core.playbacks.delete(p.id);
    const t = this.target(p.targetUri);
    if (!t) return;
    const i = t.queue.indexOf(p.id);
    if (i < 0) return;
    t.queue.splice(i, 1);
    if (i === 0 && t.queue.length) this.core.after(undefined, 0, () => this.startNext(t));
  }

  /**
   * The target went away (hang-up, bridge destroyed): the media being played ends failed (the
   * stream is cut), playbacks still queued are dropped without an event.
   */
  abortAll(queue: string[]): void {
    const [head, ...rest] = queue.map((id) => this.core.playbacks.get(id));
    for (const p of rest) if (p) this.core.playbacks.delete(p.id);
    queue.splice(1);
    if (!head) {
      queue.length = 0;
      return;
    }
    if (head.state === 'queued') this.remove(head);
    else this.finalUpdate(head, false, true);
  }

  private elapsed(p: SimPlayback): number {
    return p.state === 'playing' ? p.playedMs + (this.core.clock.now() - p.startedAt) : p.playedMs;
  }

  /** stasis_app_playback_operation() with res_stasis_playback.c's table of valid operations. */
  operate(p: SimPlayback, op: string): void {
    const notPlaying = (): never => {
      throw ariError(409, `Can only ${op} while media is playing`);
    };
    const controllable = (): void => {
      if (!p.controllable) throw ariError(500, `Could not ${op} playback`);
    };
    if (op === 'stop') {
      if (p.state === 'queued') {
        p.canceled = true;
        return;
      }
      controllable();
      p.stopped = true;
      this.finalUpdate(p, false, false);
      return;
    }
    if (p.canceled || p.state === 'queued') {
      if (op === 'restart' && !p.canceled) return;
      notPlaying();
    }
    const now = this.core.clock.now();
    if (p.state === 'paused') {
      if (op === 'pause') return;
      if (op !== 'unpause') notPlaying();
      controllable();
      p.state = 'playing';
      p.startedAt = now;
      this.schedule(p);
      return;
    }
    if (op === 'unpause') return;
    controllable();
    if (op === 'pause') {
      p.playedMs = this.elapsed(p);
      p.state = 'paused';
      p.timer?.cancel();
      p.timer = undefined;
      return;
    }
    const pos = this.elapsed(p);
    if (op === 'restart') p.playedMs = 0;
    else if (op === 'forward') p.playedMs = Math.min(p.currentDurationMs, pos + p.skipMs);
    else if (op === 'reverse') p.playedMs = Math.max(0, pos - p.skipMs);
    p.startedAt = now;
    this.schedule(p);
  }

  // ---- recordings --------------------------------------------------------------------------
  filePath(name: string, format: string): string {
    return join(this.core.dataDir, `${name}.${format}`);
  }

  record(targetUri: string, a: Args, recordings: Set<string>): Reply {
    const name = a.name as string | undefined;
    const format = a.format as string | undefined;
    const terminateOn = (a.terminateOn as string | undefined) ?? 'none';
    const ifExists = (a.ifExists as string | undefined) ?? 'fail';
    if (!['none', 'any', '*', '#'].includes(terminateOn)) throw ariError(400, 'terminateOn invalid');
    if (!['fail', 'overwrite', 'append'].includes(ifExists)) throw ariError(400, 'ifExists invalid');
    if (!format || !KnownFormats.includes(format))
      throw ariError(422, 'specified format is unknown on this system');
    // stasis_app_control_record(): EINVAL (no name) is a 500; ast_safe_mkdir() refusing a directory
    // outside the recordings folder is EPERM, "Recording name invalid".
    if (!name || Number(a.maxDurationSeconds ?? 0) < 0 || Number(a.maxSilenceSeconds ?? 0) < 0)
      throw ariError(500, 'Error parsing request');
    if (name.includes('/') && name.split('/').slice(0, -1).includes('..'))
      throw ariError(400, 'Recording name invalid');
    if ((ifExists === 'fail' && this.core.stored.has(name)) || this.core.liveRecordings.has(name))
      throw ariError(409, `Recording '${name}' already exists and can not be overwritten`);
    const r: SimRecording = {
      name,
      format,
      targetUri,
      state: 'queued',
      startedAt: 0,
      pausedMs: 0,
      muted: false,
      maxDurationSeconds: Number(a.maxDurationSeconds ?? 0),
      maxSilenceSeconds: Number(a.maxSilenceSeconds ?? 0),
      terminateOn,
      ifExists,
      timers: new Set(),
    };
    this.core.liveRecordings.set(name, r);
    recordings.add(name);
    const body = recordingJson(r);
    // record_file() runs on the channel's control thread: a channel in a bridge fails at once, an
    // unanswered one is answered (ast_auto_answer), then RecordingStarted; the beep comes after it.
    this.core.after(r.timers, 0, () => {
      const c = targetUri.startsWith('channel:') ? this.core.channels.get(targetUri.slice(8)) : undefined;
      if (c?.bridgeId) {
        r.cause = 'Cannot record channel while in bridge';
        this.stopRecording(r, 'failed');
        return;
      }
      if (c && c.state !== 'Up') this.core.setState(c, 'Up');
      r.state = 'recording';
      const beep = a.beep ? BeepMs : 0;
      r.startedAt = this.core.clock.now() + beep;
      this.core.emit(
        'RecordingStarted',
        { recording: recordingJson(r) },
        this.target(targetUri)?.scope ?? {},
      );
      this.scheduleMaxDuration(r);
    });
    return created(`/recordings/live/${uriEncodeHttp(name)}`, body);
  }

  /**
   * recordings.json: "Paused time is not included in the accounting for maxDurationSeconds" — the
   * limit runs on recorded time only, so pausing holds it and unpausing re-arms it for what is left.
   */
  private scheduleMaxDuration(r: SimRecording): void {
    r.maxTimer?.cancel();
    if (r.maxTimer) r.timers.delete(r.maxTimer);
    r.maxTimer = undefined;
    if (r.maxDurationSeconds <= 0 || r.state !== 'recording') return;
    const beepLeft = Math.max(0, r.startedAt - this.core.clock.now());
    const left = Math.max(0, r.maxDurationSeconds * 1000 - this.recordedMs(r)) + beepLeft;
    // Reaching the limit means exactly the limit was written (a timer may fire a hair early).
    r.maxTimer = this.core.after(r.timers, left, () =>
      this.stopRecording(r, 'done', r.maxDurationSeconds * 1000),
    );
  }

  recordedMs(r: SimRecording): number {
    if (r.state === 'queued') return 0;
    const now = this.core.clock.now();
    const paused = r.pausedMs + (r.state === 'paused' && r.pausedAt !== undefined ? now - r.pausedAt : 0);
    return Math.max(0, now - r.startedAt - paused);
  }

  stopRecording(r: SimRecording, state: 'done' | 'canceled' | 'failed', atLeastMs = 0): void {
    for (const t of r.timers) t.cancel();
    r.timers.clear();
    const ms = Math.max(this.recordedMs(r), atLeastMs);
    const t = this.target(r.targetUri);
    this.core.liveRecordings.delete(r.name);
    this.detach(r);
    // record_file() marks the recording COMPLETE whenever ast_play_and_record_full() returns, so a
    // canceled one also reports "done" (its file deleted). The duration is whole seconds of audio
    // written (ast_tellstream() / 8000).
    r.state = state === 'canceled' ? 'done' : state;
    if (state !== 'failed') r.durationS = Math.floor(ms / 1000);
    if (state === 'done') this.store(r, ms);
    this.core.emit(
      state === 'failed' ? 'RecordingFailed' : 'RecordingFinished',
      { recording: recordingJson(r) },
      t?.scope ?? {},
    );
  }

  private detach(r: SimRecording): void {
    const [kind, id = ''] = [r.targetUri.split(':')[0], r.targetUri.slice(r.targetUri.indexOf(':') + 1)];
    if (kind === 'channel') this.core.channels.get(id)?.recordings.delete(r.name);
    else this.core.bridges.get(id)?.recordings.delete(r.name);
  }

  private store(r: SimRecording, ms: number): void {
    const file = this.filePath(r.name, r.format);
    const prev = this.core.stored.get(r.name);
    let wav = makeWav(ms, 0);
    let total = ms;
    if (prev && r.ifExists === 'append' && prev.file && existsSync(prev.file)) {
      wav = appendWav(readFileSync(prev.file), wav);
      total += prev.durationMs;
    }
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, wav);
    } catch {
      /* a read-only data dir still leaves the recording listed */
    }
    this.core.stored.set(r.name, { name: r.name, format: r.format, durationMs: total, file });
  }

  recordingHandlers(): HandlerTable {
    const core = this.core;
    const live = (name: string): SimRecording => {
      const r = core.liveRecordings.get(name);
      if (!r) throw ariError(404, 'Recording not found');
      return r;
    };
    /** pause/unpause/mute/unmute: 409 unless the recording is running (recording or paused). */
    const inSession = (name: string): SimRecording => {
      const r = live(name);
      if (r.state !== 'recording' && r.state !== 'paused') throw ariError(409, 'Recording not in session');
      return r;
    };
    const stored = (name: string) => {
      const s = core.stored.get(name);
      if (!s) throw ariError(404, 'Recording not found');
      return s;
    };
    return {
      'recordings.listStored': () =>
        ok([...core.stored.values()].map((s) => ({ name: s.name, format: s.format }))),
      'recordings.getStored': (a) => {
        const s = stored(a.recordingName as string);
        return ok({ name: s.name, format: s.format });
      },
      'recordings.deleteStored': (a) => {
        const s = stored(a.recordingName as string);
        core.stored.delete(s.name);
        if (s.file) rmSync(s.file, { force: true });
        return noContent();
      },
      'recordings.getStoredFile': (a) => {
        const s = stored(a.recordingName as string);
        let raw: Buffer;
        try {
          raw = s.file ? readFileSync(s.file) : makeWav(s.durationMs);
        } catch {
          throw ariError(403, 'The recording file could not be opened');
        }
        return {
          status: 200,
          raw,
          contentType: s.format.toLowerCase().startsWith('wav') ? 'audio/wav' : 'application/octet-stream',
        };
      },
      'recordings.copyStored': (a) => {
        const s = stored(a.recordingName as string);
        const dest = a.destinationRecordingName as string | undefined;
        if (!dest) throw ariError(400, 'Invalid destination recording name');
        if (core.stored.has(dest))
          throw ariError(409, 'A recording with the same name already exists on the system');
        const file = this.filePath(dest, s.format);
        try {
          mkdirSync(dirname(file), { recursive: true });
          if (s.file) copyFileSync(s.file, file);
        } catch {
          /* listed even if the copy failed */
        }
        core.stored.set(dest, { ...s, name: dest, file });
        return ok({ name: dest, format: s.format });
      },
      'recordings.getLive': (a) => {
        const r = live(a.recordingName as string);
        return ok(recordingJson(r));
      },
      'recordings.cancel': (a) => {
        const r = live(a.recordingName as string);
        this.stopRecording(r, 'canceled');
        return noContent();
      },
      'recordings.stop': (a) => {
        this.stopRecording(live(a.recordingName as string), 'done');
        return noContent();
      },
      'recordings.pause': (a) => {
        const r = inSession(a.recordingName as string);
        if (r.state === 'recording') {
          r.state = 'paused';
          r.pausedAt = core.clock.now();
          this.scheduleMaxDuration(r);
        }
        return noContent();
      },
      'recordings.unpause': (a) => {
        const r = inSession(a.recordingName as string);
        if (r.state === 'paused') {
          r.pausedMs += core.clock.now() - (r.pausedAt ?? core.clock.now());
          r.pausedAt = undefined;
          r.state = 'recording';
          this.scheduleMaxDuration(r);
        }
        return noContent();
      },
      'recordings.mute': (a) => {
        const r = inSession(a.recordingName as string);
        r.muted = true;
        return noContent();
      },
      'recordings.unmute': (a) => {
        const r = inSession(a.recordingName as string);
        r.muted = false;
        return noContent();
      },
    };
  }

  playbackHandlers(): HandlerTable {
    const core = this.core;
    const get = (id: string): SimPlayback => {
      const p = core.playbacks.get(id);
      if (!p) throw ariError(404, 'Playback not found');
      return p;
    };
    return {
      'playbacks.get': (a) => ok(playbackJson(get(a.playbackId as string))),
      'playbacks.stop': (a) => {
        this.operate(get(a.playbackId as string), 'stop');
        return noContent();
      },
      'playbacks.control': (a) => {
        const op = a.operation as string | undefined;
        if (!op) throw ariError(400, 'Missing operation');
        if (!['restart', 'pause', 'unpause', 'reverse', 'forward'].includes(op))
          throw ariError(400, `Invalid operation ${op}`);
        this.operate(get(a.playbackId as string), op);
        return noContent();
      },
    };
  }

  channelHandlers(): HandlerTable {
    const core = this.core;
    const play = (a: Args): Reply => {
      const c = core.control(a.channelId as string);
      if (c.state === 'Down' || c.state === 'Rsrved' || c.state === 'Ringing')
        throw ariError(412, 'Channel in invalid state');
      return this.playRequest(`channel:${c.id}`, a);
    };
    return {
      'channels.play': play,
      'channels.playWithId': play,
      'channels.record': (a) => {
        if (Number(a.maxDurationSeconds ?? 0) < 0)
          throw ariError(400, 'max_duration_seconds cannot be negative');
        if (Number(a.maxSilenceSeconds ?? 0) < 0)
          throw ariError(400, 'max_silence_seconds cannot be negative');
        const c = core.control(a.channelId as string);
        return this.record(`channel:${c.id}`, a, c.recordings);
      },
    };
  }
}
