import type { Telephony } from '../../ari/index.js';
import type { RouteModule } from '../../api/index.js';
import type { FactSink } from '../../facts/fact.js';
import type { Logger } from '../../log/index.js';
import type { ConversationHooks, Conversations } from '../port.js';
import { registerSupervisorRoutes } from './routes.js';
import { SupervisorService } from './service.js';

export { SupervisorService, DefaultSupervisorRingSeconds, type SupervisionView } from './service.js';
export { supervisorEventKind, SupervisionModes, type SupervisionMode } from './facts.js';
export { supervisorEndpoint } from './routes.js';

export interface SupervisorFeature {
  service: SupervisorService;
  hooks: ConversationHooks;
  routes: RouteModule;
}

/** Listen/whisper/barge: the ACD calls `hooks` (sessions end with the conversation), the API mounts `routes`. */
export function createSupervisor(o: {
  telephony: () => Telephony | undefined;
  conversations: Conversations;
  facts: FactSink;
  logger: Logger;
  ringSeconds?: number;
}): SupervisorFeature {
  const service = new SupervisorService(o);
  return {
    service,
    hooks: { ended: (c) => service.ended(c) },
    routes: registerSupervisorRoutes({ service, conversations: o.conversations }),
  };
}
