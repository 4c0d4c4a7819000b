export * from './fact.js';
export { FactKinds } from './kinds/index.js';
export { FactsQueueName, factsJobId, type FactsJob } from './queue.js';
export { FactWriter, columnsOf, type FactsStoreResult } from './writer.js';
export {
  startFactsPipeline,
  factsConfirm,
  type FactsPipeline,
  type FactsPipelineOptions,
} from './pipeline.js';
export { startFactsConsumer, type FactsConsumer, type FactsConsumerOptions } from './consumer.js';
