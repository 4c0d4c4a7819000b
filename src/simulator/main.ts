import { startSimulator } from './index.js';

// Stand-alone simulator: `npm run sim`. Environment: SIM_PORT, SIM_HOST, ARI_USER, ARI_PASSWORD,
// SIM_CLOCK=real|virtual, SIM_DATA_DIR, SIM_DEFAULT_APP.
const log = (level: string) => (msg: string, meta?: Record<string, unknown>) =>
  process.stdout.write(JSON.stringify({ level, msg, ...meta, time: new Date().toISOString() }) + '\n');

const clock = process.env.SIM_CLOCK === 'virtual' ? 'virtual' : 'real';
const sim = await startSimulator({
  port: Number(process.env.SIM_PORT ?? 8088),
  host: process.env.SIM_HOST ?? '127.0.0.1',
  user: process.env.ARI_USER ?? 'tongdai',
  password: process.env.ARI_PASSWORD ?? 'tongdai',
  clock,
  ...(process.env.SIM_DATA_DIR ? { dataDir: process.env.SIM_DATA_DIR } : {}),
  ...(process.env.SIM_DEFAULT_APP ? { defaultApp: process.env.SIM_DEFAULT_APP } : {}),
  logger: { info: log('info'), warn: log('warn') },
});

const stop = async (): Promise<void> => {
  await sim.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
