import { loadConfigOrExit } from '../config/index.js';
import { createLogger } from '../log/index.js';
import { createMetrics } from '../metrics/index.js';
import { startEngine } from './engine.js';

const config = loadConfigOrExit();
const logger = createLogger({ level: config.LOG_LEVEL, service: 'engine' });
const metrics = createMetrics({ defaults: true });

// One call's bug must never take down the others: log and keep serving.
process.on('unhandledRejection', (reason) => {
  logger.error('unhandled rejection', { error: reason instanceof Error ? reason.message : String(reason) });
});

const engine = await startEngine(config, logger, metrics);
engine.ari.catch((err: Error) => {
  // Wrong credentials and the like: retrying cannot help, so say why and stop.
  logger.error(`cannot use Asterisk: ${err.message}`);
  process.exit(78);
});
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    engine.close().then(
      () => process.exit(0),
      (err: Error) => {
        logger.error('stop failed', { error: err.message });
        process.exit(1);
      },
    );
  });
}
