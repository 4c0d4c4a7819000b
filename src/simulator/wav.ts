/** 8 kHz 16-bit mono PCM WAV, the shape Asterisk writes for format=wav. */
export const WavRate = 8000;

export function makeWav(durationMs: number, toneHz = 0): Buffer {
  const samples = Math.max(0, Math.round((durationMs / 1000) * WavRate));
  const data = samples * 2;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(WavRate, 24);
  buf.writeUInt32LE(WavRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(data, 40);
  if (toneHz > 0) {
    for (let i = 0; i < samples; i++) {
      buf.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * toneHz * i) / WavRate)), 44 + i * 2);
    }
  }
  return buf;
}

export function wavDurationMs(buf: Buffer): number {
  if (buf.length < 44 || buf.toString('ascii', 0, 4) !== 'RIFF') return 0;
  return (buf.readUInt32LE(40) / 2 / buf.readUInt32LE(24)) * 1000;
}

/** Appends PCM data of `extra` to an existing WAV (ifExists=append). */
export function appendWav(existing: Buffer, extra: Buffer): Buffer {
  const out = Buffer.concat([existing, extra.subarray(44)]);
  const data = out.length - 44;
  out.writeUInt32LE(36 + data, 4);
  out.writeUInt32LE(data, 40);
  return out;
}
