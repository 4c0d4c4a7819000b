import { z } from 'zod';
import { flowId } from './schema.js';

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
});

export type Routing = z.output<typeof routingDocument>;
