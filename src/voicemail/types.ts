/** Voicemail as the IVR and the API see it; Postgres behind (store.ts), audio in Asterisk. */

export const OwnerTypes = ['queue', 'agent', 'team'] as const;
export type OwnerType = (typeof OwnerTypes)[number];

export interface VoicemailBox {
  boxId: string;
  name: string;
  language: string;
  /** Played before the beep; null: the standard "leave your message after the tone". */
  greeting: string | null;
  ownerType: OwnerType;
  ownerId: string;
  maxMessageSeconds: number;
}

export interface NewVoicemail {
  boxId: string;
  callId: string;
  callerNumber: string | null;
  recordingName: string;
  durationSeconds: number;
  language: string | null;
}

export interface Voicemail extends NewVoicemail {
  id: string;
  createdAt: string;
  heardAt: string | null;
  heardBy: string | null;
}

/** What the voicemail node needs: the box, and a place for the message. */
export interface VoicemailStore {
  box(boxId: string): Promise<VoicemailBox | undefined>;
  /** Saves the message; the same call and box again returns the stored one (created false). */
  save(message: NewVoicemail): Promise<{ id: string; created: boolean }>;
}

/** Messages shorter than this (seconds) are hang-ups before speaking: no message. */
export const DefaultMinMessageSeconds = 1;
/** Silence that ends a message (seconds). */
export const DefaultMaxSilenceSeconds = 5;
/** Where a message's audio is stored in Asterisk: one folder per box. */
export const recordingNameFor = (boxId: string, callId: string) => `voicemail/${boxId}/${callId}`;
