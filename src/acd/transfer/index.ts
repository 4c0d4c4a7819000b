import type { RouteModule } from '../../api/index.js';
import type { ConversationHooks } from '../port.js';
import { type AgentOf, agentByKeyName } from '../recording/access.js';
import { registerTransferRoutes } from './routes.js';
import { TransferService, type TransferServiceOptions } from './service.js';

export {
  TransferService,
  DefaultTransferRingSeconds,
  DefaultNumberEndpoint,
  DefaultTransferFailedSound,
  type TransferView,
  type TransferServiceOptions,
} from './service.js';
export * from './model.js';

export interface TransferFeature {
  service: TransferService;
  hooks: ConversationHooks;
  routes: RouteModule;
}

/** Transfers: the ACD calls `hooks` and implements `host.handOff`; the API mounts `routes`. */
export function createTransfers(o: TransferServiceOptions & { agentOf?: AgentOf }): TransferFeature {
  const service = new TransferService(o);
  return {
    service,
    hooks: { ended: (c) => service.ended(c) },
    routes: registerTransferRoutes({
      service,
      conversations: o.conversations,
      agentOf: o.agentOf ?? agentByKeyName,
    }),
  };
}
