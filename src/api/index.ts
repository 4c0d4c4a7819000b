export {
  createApp,
  createApi,
  listen,
  DefaultJsonBodyLimit,
  type ApiDeps,
  type Api,
  type RouteModule,
} from './app.js';
export {
  postgresCheck,
  redisCheck,
  runCheck,
  DefaultCheckTimeoutMs,
  type HealthCheck,
  type CheckResult,
} from './health.js';
export { RouteRegistry, type RouteSpec, type RouteContext } from './registry.js';
export * from './errors.js';
