import { z } from 'zod';
import { OwnerTypes } from '../voicemail/types.js';
import { flowId } from './schema.js';

/** A voicemail box declared with the flows; created or updated in voicemail_boxes on load. */
export const routingBox = z.object({
  name: z.string().min(1).max(200),
  language: z
    .string()
    .regex(/^[a-z]{2}(_[A-Z]{2})?$/, 'a language code such as en, vi or fa')
    .default('en'),
  greeting: z
    .string()
    .regex(/^(sound|recording):[^,]+$/, 'a sound: or recording: URI')
    .optional(),
  owner: z.object({ type: z.enum(OwnerTypes), id: z.string().min(1).max(200) }),
  maxMessageSeconds: z.number().int().min(5).max(3600).default(120),
});

/**
 * flows/routing.yaml: which flow answers which DID (and the default for the rest), and — until the
 * ACD owns queues — the agent endpoints each queue rings, in order.
 */
export const routingDocument = z.object({
  default: flowId.describe('Flow for DIDs not listed'),
  dids: z
    .record(z.string().regex(/^\+?[0-9]{2,20}$/, 'a DID: digits, optionally with a leading +'), flowId)
    .default({}),
  queues: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'a queue name'),
      z.array(z.string().regex(/^[A-Za-z]+\/[^\s,]+$/, 'a dial string such as PJSIP/agent1')).min(1),
    )
    .default({}),
  voicemailBoxes: z
    .record(z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'a voicemail box id'), routingBox)
    .default({})
    .describe('Boxes voicemail nodes record into (also editable with PUT /api/v1/voicemail/boxes/{id})'),
});

export type Routing = z.output<typeof routingDocument>;
