import type { StoredRecordings } from '../../ari/index.js';
import type { RouteModule } from '../../api/index.js';
import type { Knex } from '../../db/index.js';
import type { Logger } from '../../log/index.js';
import type { ConversationHooks, Conversations } from '../port.js';
import { type AgentOf, agentByKeyName } from './access.js';
import type { PolicyLookup } from './policy.js';
import { startRetentionJob } from './retention.js';
import { registerRecordingRoutes } from './routes.js';
import { RecordingService } from './service.js';
import { RecordingStore } from './store.js';

export { RecordingService, DefaultRetentionDays, type LiveRecordingView } from './service.js';
export { RecordingStore } from './store.js';
export * from './policy.js';
export { purgeExpiredRecordings, startRetentionJob } from './retention.js';
export { agentByKeyName, type AgentOf } from './access.js';

export interface RecordingFeatureOptions {
  db: Knex;
  logger: Logger;
  conversations: Conversations;
  /** Policy per queue (queuePolicies(...)) or any lookup (campaigns). */
  policy: PolicyLookup;
  /** Asterisk's stored recordings (AriConnection.stored), once connected. */
  stored: () => StoredRecordings | undefined;
  agentOf?: AgentOf;
  retentionDays?: number;
  defaultLanguage?: string;
  /** How often the purge runs; 0 disables the job (run it through the API instead). */
  purgeIntervalMs?: number;
}

export interface RecordingFeature {
  service: RecordingService;
  hooks: ConversationHooks;
  routes: RouteModule;
  close(): void;
}

/** Recording: the ACD calls `hooks`, the API mounts `routes`, the retention job purges old files. */
export function createRecordingService(o: RecordingFeatureOptions): RecordingFeature {
  const store = new RecordingStore(o.db);
  const service = new RecordingService({
    store,
    conversations: o.conversations,
    policy: o.policy,
    logger: o.logger,
    ...(o.retentionDays !== undefined ? { retentionDays: o.retentionDays } : {}),
    ...(o.defaultLanguage ? { defaultLanguage: o.defaultLanguage } : {}),
  });
  const routes = registerRecordingRoutes({
    store,
    service,
    conversations: o.conversations,
    stored: o.stored,
    agentOf: o.agentOf ?? agentByKeyName,
    logger: o.logger,
  });
  const job =
    o.purgeIntervalMs === 0
      ? undefined
      : startRetentionJob({ store, stored: o.stored, logger: o.logger, intervalMs: o.purgeIntervalMs });
  return {
    service,
    hooks: { connected: (c) => service.connected(c), ended: (c) => service.ended(c) },
    routes,
    close: () => job?.stop(),
  };
}
