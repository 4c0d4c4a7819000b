import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { configSchema } from '../../src/config/schema.js';
import { RepoRoot, runTs } from '../api/spawn.js';

/** Bad values and what the one-line message must say the variable accepts. */
const BadValues: Array<[string, string, RegExp]> = [
  ['LOG_LEVEL', 'loud', /"error"\|"warn"\|"info"\|"debug"/],
  ['NODE_ENV', 'staging', /"development"\|"production"\|"test"/],
  ['DATABASE_URL', 'mysql://db/tongdai', /postgres:\/\//],
  ['REDIS_URL', 'localhost:6379', /redis:\/\//],
  ['ARI_URL', 'ftp://pbx', /http:\/\/ or https:\/\//],
  ['ARI_APP', 'my app', /letters, digits/],
  ['ARI_ORPHAN_POLICY', 'keep', /"hangup"\|"adopt"/],
  ['METRICS_ENABLED', 'maybe', /must be true or false/],
  ['HTTP_PORT', '70000', /must be a port number from 1 to 65535/],
  ['HTTP_PORT', 'eighty', /must be a port number from 1 to 65535/],
  ['ARI_REST_TIMEOUT_MS', '0', /whole number of milliseconds \(1 or more\)/],
  ['DEFAULT_LANGUAGE', 'english', /language code/],
];

describe('config', () => {
  it('defaults suit the local demo and the result is frozen', () => {
    const config = loadConfig({});
    expect(config).to.include({
      HTTP_PORT: 3000,
      METRICS_ENABLED: true,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/tongdai',
    });
    expect(Object.isFrozen(config)).to.equal(true);
  });

  it('an empty value means unset, so the default applies', () => {
    expect(loadConfig({ HTTP_PORT: '', LOG_LEVEL: '' })).to.include({ HTTP_PORT: 3000, LOG_LEVEL: 'info' });
  });

  for (const [variable, value, accepts] of BadValues) {
    it(`${variable}=${value} is refused on one line naming the variable and what it accepts`, () => {
      let error: unknown;
      try {
        loadConfig({ [variable]: value });
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(ConfigError);
      const e = error as ConfigError;
      expect(e.variables).to.deep.equal([variable]);
      expect(e.message).to.not.include('\n');
      expect(e.message)
        .to.match(new RegExp(`\\b${variable}\\b`))
        .and.match(accepts);
    });
  }

  it('names every bad variable at once', () => {
    const error = (() => {
      try {
        loadConfig({ HTTP_PORT: '0', LOG_LEVEL: 'loud' });
      } catch (err) {
        return err as ConfigError;
      }
    })();
    expect(error?.variables).to.have.members(['HTTP_PORT', 'LOG_LEVEL']);
    expect(error?.message.split('\n')).to.have.length(1);
  });

  describe('entry points stop with exit 78 and one line on stderr', function () {
    this.timeout(60_000); // spawns tsx
    for (const [script, variable, value] of [
      ['src/engine/main.ts', 'LOG_LEVEL', 'chatty'],
      ['scripts/migrate.ts', 'DATABASE_URL', 'mysql://db/tongdai'],
      ['scripts/apikey.ts', 'DATABASE_URL', 'sqlite:tongdai.db'],
    ] as const) {
      it(`${script} with ${variable}=${value}`, async () => {
        const args = script === 'scripts/apikey.ts' ? ['list'] : [];
        const r = await runTs(script, args, { [variable]: value });
        expect(r.code, r.stderr).to.equal(78);
        expect(r.stdout).to.equal('');
        const lines = r.stderr.split('\n').filter(Boolean);
        expect(lines, r.stderr).to.have.length(1);
        expect(lines[0]).to.match(new RegExp(`^tongdai: invalid configuration: ${variable} `));
      });
    }
  });

  describe('.env.example', () => {
    const lines = readFileSync(join(RepoRoot, '.env.example'), 'utf8').split('\n');
    const assignment = /^#?\s*([A-Z][A-Z0-9_]*)=/;
    // The simulator (npm run sim) is a separate program with its own SIM_* variables; the engine
    // never reads them, so they are documented in .env.example but are not in the engine schema.
    const isSimulatorOnly = (name: string) => name.startsWith('SIM_');
    const listed = lines.flatMap((l) => assignment.exec(l)?.[1] ?? []);

    it('lists exactly the engine variables of src/config/schema.ts', () => {
      const engine = listed.filter((n) => !isSimulatorOnly(n));
      expect(engine).to.have.members(Object.keys(configSchema.shape));
      expect(new Set(engine).size, 'listed twice').to.equal(engine.length);
    });

    it('has a comment line right above every variable', () => {
      lines.forEach((line, i) => {
        const name = assignment.exec(line)?.[1];
        if (name) expect(lines[i - 1] ?? '', `comment above ${name}`).to.match(/^#\s*\S/);
      });
    });

    it('its values are themselves a valid configuration', () => {
      const env = Object.fromEntries(
        lines.flatMap((l) => {
          const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(l);
          return m && !isSimulatorOnly(m[1]!) ? [[m[1]!, m[2]!]] : [];
        }),
      );
      expect(() => loadConfig(env)).to.not.throw();
    });
  });
});
