import { createHash } from 'node:crypto';

const Uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The call id of a channel: the channel id itself when we chose it (originate, snoop: uuids), else a
 * name-based uuid of Asterisk's id and creation time. Deterministic, so the record of a call has the
 * same natural key however many times (and by whichever engine process) it is built.
 */
export function callIdFor(channel: { id: string; creationtime?: string }): string {
  if (Uuid.test(channel.id)) return channel.id.toLowerCase();
  return nameUuid(`${channel.id}|${channel.creationtime ?? ''}`);
}

/** A name-based UUID (version 5 layout, SHA-1): the same name always gives the same id. */
export function nameUuid(name: string): string {
  const hash = createHash('sha1').update(name).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50; // version 5 (name-based, SHA-1)
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Asterisk's "2026-11-23T12:00:00.123+0000" as ISO 8601 UTC ("2026-11-23T12:00:00.123Z"). */
export function isoTimestamp(asteriskTime: string | undefined, fallback = Date.now()): string {
  const ms = asteriskTime ? Date.parse(asteriskTime) : NaN;
  return new Date(Number.isFinite(ms) ? ms : fallback).toISOString();
}
