/**
 * Static checks of docker/docker-compose.yml and docker/Dockerfile. Docker is not available in
 * CI, so these catch the mistakes that would otherwise surface only on someone's first
 * `docker compose up`: a missing service, wrong start order, Redis that may evict BullMQ jobs,
 * environment names the engine does not read, mounts of files that do not exist.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  RepoRoot,
  asCommand,
  asMap,
  envExampleNames,
  interpolateDefaults,
  parseYamlSubset,
  readRepoFile,
  type Yaml,
} from './config-files.js';

const AppServices = ['migrate', 'engine', 'worker'] as const;
const LongRunning = ['asterisk', 'postgres', 'redis', 'engine', 'worker'] as const;

describe('docker/docker-compose.yml', () => {
  const compose = asMap(parseYamlSubset(readRepoFile('docker', 'docker-compose.yml')), 'compose file');
  const services = asMap(compose.services, 'services');
  const service = (name: string) => asMap(services[name], `service ${name}`);
  const environment = (name: string): Record<string, string> => {
    const env = service(name).environment;
    if (env === undefined || env === null) return {};
    if (Array.isArray(env)) {
      return Object.fromEntries(env.map((e) => String(e).split(/=(.*)/s).slice(0, 2) as [string, string]));
    }
    return Object.fromEntries(
      Object.entries(asMap(env, `${name}.environment`)).map(([k, v]) => [k, String(v ?? '')]),
    );
  };
  const dependsOn = (name: string): Record<string, string> => {
    const deps = service(name).depends_on;
    if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [String(d), 'service_started']));
    if (!deps) return {};
    return Object.fromEntries(
      Object.entries(asMap(deps, `${name}.depends_on`)).map(([dep, spec]) => [
        dep,
        String(asMap(spec, `${name}.depends_on.${dep}`).condition ?? 'service_started'),
      ]),
    );
  };

  it('defines asterisk, postgres, redis, migrate, engine and worker', () => {
    expect(Object.keys(services)).to.include.members([...LongRunning, 'migrate']);
  });

  it('uses Postgres 16, Redis 7 and an Asterisk 20+ image', () => {
    expect(service('postgres').image).to.match(/^postgres:16(\b|$)/);
    expect(service('redis').image).to.match(/^redis:7(\b|$)/);
    const asteriskTag = String(service('asterisk').image).split(':')[1] ?? '';
    expect(Number.parseInt(asteriskTag, 10), `asterisk image tag ${asteriskTag}`).to.be.at.least(20);
  });

  it('runs Redis with AOF (fsync every second) and noeviction', () => {
    const command = asCommand(service('redis').command);
    expect(command).to.match(/--appendonly yes\b/);
    expect(command).to.match(/--appendfsync everysec\b/);
    expect(command).to.match(/--maxmemory-policy noeviction\b/);
  });

  it('runs each app service through its npm script, from the engine image', () => {
    expect(asCommand(service('migrate').command)).to.equal('npm run migrate');
    expect(asCommand(service('engine').command)).to.equal('npm start');
    expect(asCommand(service('worker').command)).to.equal('npm run worker');
    for (const name of AppServices) {
      const build = asMap(service(name).build, `${name}.build`);
      expect(build.context, name).to.equal('..');
      expect(build.dockerfile, name).to.equal('docker/Dockerfile');
    }
    const images = new Set(AppServices.map((name) => service(name).image));
    expect(images.size, 'migrate, engine and worker share one image').to.equal(1);
  });

  it('runs migrate once, after Postgres is healthy', () => {
    expect(service('migrate').restart).to.equal('no');
    expect(dependsOn('migrate')).to.deep.include({ postgres: 'service_healthy' });
  });

  it('starts engine and worker only after migrate succeeded and the stores are healthy', () => {
    for (const name of ['engine', 'worker']) {
      expect(dependsOn(name), name).to.deep.include({
        migrate: 'service_completed_successfully',
        postgres: 'service_healthy',
        redis: 'service_healthy',
      });
    }
    expect(dependsOn('engine')).to.have.property('asterisk');
  });

  it('gives every long-running service a healthcheck', () => {
    for (const name of LongRunning) {
      const check = asMap(service(name).healthcheck, `${name}.healthcheck`);
      expect(asCommand(check.test), name).to.match(/^CMD(-SHELL)? \S/);
    }
    expect(asCommand(asMap(service('engine').healthcheck, 'engine.healthcheck').test)).to.include(
      ':3000/health',
    );
  });

  it('only sets environment variables that .env.example documents', () => {
    const documented = envExampleNames();
    for (const name of AppServices) {
      for (const key of Object.keys(environment(name))) {
        expect(documented.has(key), `${name}: ${key} is not in .env.example`).to.equal(true);
      }
    }
  });

  it('points the engine at the compose services', () => {
    const env = Object.fromEntries(
      Object.entries(environment('engine')).map(([k, v]) => [k, interpolateDefaults(v)]),
    );
    expect(env).to.include({
      ARI_URL: 'http://asterisk:8088',
      DATABASE_URL: 'postgres://postgres:postgres@postgres:5432/tongdai',
      REDIS_URL: 'redis://redis:6379',
      HTTP_HOST: '0.0.0.0',
    });
    for (const name of ['migrate', 'worker']) {
      expect(interpolateDefaults(environment(name).DATABASE_URL ?? ''), name).to.equal(env.DATABASE_URL);
    }
    expect(interpolateDefaults(environment('worker').REDIS_URL ?? '')).to.equal(env.REDIS_URL);
  });

  it('publishes control planes (API, ARI, Postgres, Redis) on the host loopback only', () => {
    const controlPorts = new Set(['3000', '8088', '5432', '6379']);
    for (const [name, spec] of Object.entries(services)) {
      const ports = asMap(spec, name).ports as Yaml[] | undefined;
      for (const port of ports ?? []) {
        const parts = String(port).split(':');
        const target = parts.at(-1)!.split('/')[0]!;
        if (controlPorts.has(target))
          expect(parts[0], `${name} publishes ${String(port)}`).to.equal('127.0.0.1');
      }
    }
  });

  it('mounts Asterisk config files that exist', () => {
    const volumes = (service('asterisk').volumes as Yaml[]).map(String);
    const mounted = volumes.map((v) => v.split(':')[1]);
    expect(mounted).to.include.members([
      '/etc/asterisk/extensions.conf',
      '/etc/asterisk/pjsip.conf',
      '/etc/asterisk/ari.conf',
      '/etc/asterisk/http.conf',
    ]);
    for (const volume of volumes) {
      const source = volume.split(':')[0]!;
      if (source.startsWith('.')) expect(existsSync(join(RepoRoot, 'docker', source)), source).to.equal(true);
    }
  });
});

describe('docker/Dockerfile', () => {
  const dockerfile = readRepoFile('docker', 'Dockerfile');
  const instructions = dockerfile
    .split(/\r?\n/)
    .filter((l) => l.trim() && !l.trim().startsWith('#'))
    .join('\n');

  it('builds on node:20-bookworm-slim with npm ci and npm run build', () => {
    expect(instructions).to.match(/^FROM node:20-bookworm-slim\b/m);
    expect(instructions).to.match(/^RUN npm ci\b/m);
    expect(instructions).to.match(/^RUN npm run build\b/m);
  });

  it('runs as a non-root user through an npm script', () => {
    const users = [...instructions.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1))
      .to.be.a('string')
      .and.not.match(/^(root|0)(:|$)/);
    expect(instructions).to.match(/^CMD \["npm", "start"\]$/m);
  });
});
