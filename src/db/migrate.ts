import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Knex } from 'knex';

/** The repository's migrations/ folder. */
export const DefaultMigrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));

const MigrationFile = /^(\d{8,}_[a-z0-9_]+)\.(ts|js|mjs)$/;

/**
 * Loads migrations with `import()` so ESM TypeScript files run under tsx. knex's own loader guesses
 * between require() and import() from the extension and trips on `.ts` in an ESM package; owning
 * the loader removes the guess. Names are recorded without the extension, so the same migration
 * compiled to `.js` later is still recognised as applied.
 */
export class DirectoryMigrationSource implements Knex.MigrationSource<string> {
  constructor(private readonly dir: string = DefaultMigrationsDir) {}

  async getMigrations(): Promise<string[]> {
    const files = (await readdir(this.dir)).filter((f) => MigrationFile.test(f) && !f.endsWith('.d.ts'));
    const byName = new Map<string, string>();
    for (const file of files.sort()) {
      const name = this.getMigrationName(file);
      if (byName.has(name)) throw new Error(`migration ${name} exists twice (${byName.get(name)}, ${file})`);
      byName.set(name, file);
    }
    return [...byName.values()];
  }

  getMigrationName(file: string): string {
    return file.replace(/\.(ts|js|mjs)$/, '');
  }

  async getMigration(file: string): Promise<Knex.Migration> {
    const mod = (await import(pathToFileURL(join(this.dir, file)).href)) as Partial<Knex.Migration>;
    if (typeof mod.up !== 'function') throw new Error(`migration ${file} exports no up()`);
    return { up: mod.up, down: mod.down };
  }
}

function migratorConfig(dir?: string): Knex.MigratorConfig {
  return { migrationSource: new DirectoryMigrationSource(dir) };
}

/** Applies every pending migration; returns the batch number and the names applied. */
export async function migrateLatest(knex: Knex, dir?: string): Promise<{ batch: number; applied: string[] }> {
  const [batch, applied] = (await knex.migrate.latest(migratorConfig(dir))) as [number, string[]];
  return { batch, applied };
}

/** Rolls back the last batch (or every batch with `all`); returns the names rolled back. */
export async function migrateDown(knex: Knex, options: { all?: boolean; dir?: string } = {}) {
  const [batch, rolledBack] = (await knex.migrate.rollback(
    migratorConfig(options.dir),
    options.all ?? false,
  )) as [number, string[]];
  return { batch, rolledBack };
}

/** Applied and pending migration names, for `npm run migrate -- status`. */
export async function migrationStatus(knex: Knex, dir?: string) {
  const [completed, pending] = (await knex.migrate.list(migratorConfig(dir))) as [
    Array<{ name: string }>,
    Array<string>,
  ];
  const source = new DirectoryMigrationSource(dir);
  return { applied: completed.map((m) => m.name), pending: pending.map((p) => source.getMigrationName(p)) };
}
