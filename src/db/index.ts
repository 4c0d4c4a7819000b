export {
  createKnex,
  ensureDatabase,
  dropDatabase,
  splitDatabaseUrl,
  type Knex,
  type KnexOptions,
} from './connection.js';
export {
  DirectoryMigrationSource,
  DefaultMigrationsDir,
  migrateLatest,
  migrateDown,
  migrationStatus,
} from './migrate.js';
