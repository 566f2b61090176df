/**
 * Runs the migrations at start. On PostgreSQL, Kysely's Migrator holds an advisory lock, so several
 * service instances starting together migrate once.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as directory from './migrations/0001-directory.ts';
import * as access from './migrations/0002-access.ts';
import * as calls from './migrations/0003-calls.ts';
import * as recordings from './migrations/0004-recordings.ts';
import * as crm from './migrations/0005-crm.ts';
import * as pbxGaps from './migrations/0006-pbx-gaps.ts';
import * as crmOutboxUpdate from './migrations/0007-crm-outbox-update.ts';
import * as lookupCovering from './migrations/0008-lookup-covering.ts';
import * as pbxConnections from './migrations/0009-pbx-connections.ts';
import * as metricsTokens from './migrations/0010-metrics-tokens.ts';
import * as userLanguages from './migrations/0011-user-languages.ts';
import * as searchIndexes from './migrations/0012-search-indexes.ts';
import * as missedItems from './migrations/0013-missed-items.ts';
import * as reportColumns from './migrations/0014-report-columns.ts';
import * as missedCrm from './migrations/0015-missed-crm.ts';
import * as reportRollup from './migrations/0016-report-rollup.ts';

// A static list, not a folder scan: the set of migrations is part of the code, and works from tsx or a build.
const MIGRATIONS: Record<string, Migration> = {
  '0001-directory': directory,
  '0002-access': access,
  '0003-calls': calls,
  '0004-recordings': recordings,
  '0005-crm': crm,
  '0006-pbx-gaps': pbxGaps,
  '0007-crm-outbox-update': crmOutboxUpdate,
  '0008-lookup-covering': lookupCovering,
  '0009-pbx-connections': pbxConnections,
  '0010-metrics-tokens': metricsTokens,
  '0011-user-languages': userLanguages,
  '0012-search-indexes': searchIndexes,
  '0013-missed-items': missedItems,
  '0014-report-columns': reportColumns,
  '0015-missed-crm': missedCrm,
  '0016-report-rollup': reportRollup,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<string[]> {
  // With a schema, Kysely's own bookkeeping tables live in it too; otherwise another schema's
  // tables found on the search path would be taken for ours.
  // Unordered: migrations of separate features may land in any order; each is independent of the others'.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true, ...(schema ? { migrationTableSchema: schema } : {}) });
  // Kysely finds its bookkeeping tables through the dialect's introspector, which on PostgreSQL reads
  // only the schemas we live in (dialects/postgres-introspector.ts): another schema dropped meanwhile is no concern.
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration "${failed}" failed: ${(error as Error).message}. The database was left at the last good migration; fix the cause and restart.`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
