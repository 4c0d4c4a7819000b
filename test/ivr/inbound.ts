import type { Knex } from 'knex';
import type { Fact, FactSink } from '../../src/facts/fact.js';
import { PgFollowUps } from '../../src/followups/store.js';
import type { FlowRegistryOptions } from '../../src/ivr/registry.js';
import { PgVoicemailStore } from '../../src/voicemail/store.js';
import type { IvrHarness } from './harness.js';

/** A facts sink that keeps what it was given (the records pipeline has its own end-to-end test). */
export function memoryFacts(): FactSink & { facts: Fact[] } {
  const facts: Fact[] = [];
  return { facts, emit: (f) => void facts.push(f) };
}

/** The voicemail and follow-up stores on a test database, and the registry options the engine passes. */
export function inboundServices(db: Knex) {
  const voicemail = new PgVoicemailStore(db);
  const followUps = new PgFollowUps(db);
  const registry: Partial<FlowRegistryOptions> = {
    boxes: async () => new Set(await voicemail.boxIds()),
    syncBoxes: async (boxes) => {
      for (const [boxId, b] of Object.entries(boxes))
        await voicemail.putBox({
          boxId,
          name: b.name,
          language: b.language,
          greeting: b.greeting ?? null,
          ownerType: b.owner.type,
          ownerId: b.owner.id,
          maxMessageSeconds: b.maxMessageSeconds,
        });
    },
  };
  return { voicemail, followUps, registry };
}

/** Wires the stores into a harness's services (recordings from its ARI connection). */
export function useInbound(x: IvrHarness, db: Knex, facts: FactSink) {
  const s = inboundServices(db);
  x.services.voicemail = s.voicemail;
  x.services.followUps = s.followUps;
  x.services.recordings = x.h.ari.stored;
  x.services.facts = facts;
  return s;
}
