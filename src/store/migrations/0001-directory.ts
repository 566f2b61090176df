/** The directory: users with extensions; accounts, contacts and leads; and their phone index. */
import { sql, type Kysely } from 'kysely';

// Migrations see an untyped database: they describe the schema, they do not depend on it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('login', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'agent')`))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('embedded'))
    .addColumn('external_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('extensions')
    .addColumn('extension', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('is_primary', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('extensions_user').on('extensions').column('user_id').execute();

  for (const table of ['accounts', 'contacts', 'leads'] as const) {
    let builder = db.schema.createTable(table).addColumn('id', 'text', (c) => c.primaryKey());
    if (table === 'accounts') builder = builder.addColumn('name', 'text', (c) => c.notNull());
    else {
      builder = builder
        .addColumn('first_name', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('last_name', 'text', (c) => c.notNull().defaultTo(''));
    }
    if (table === 'contacts') builder = builder.addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('set null'));
    if (table === 'leads') builder = builder.addColumn('account_name', 'text').addColumn('status', 'text');
    await builder
      .addColumn('assigned_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('source', 'text', (c) => c.notNull().defaultTo('embedded'))
      .addColumn('external_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('last_activity_at', 'text')
      .execute();
    await db.schema.createIndex(`${table}_source_external`).on(table).columns(['source', 'external_id']).unique().execute();
    await db.schema.createIndex(`${table}_assigned`).on(table).column('assigned_user_id').execute();
  }

  await db.schema
    .createTable('phones')
    .addColumn('record_type', 'text', (c) => c.notNull().check(sql`record_type in ('contact', 'account', 'lead')`))
    .addColumn('record_id', 'text', (c) => c.notNull())
    // Position within the record: a plain composite key needs no engine-specific auto-increment.
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('e164_key', 'text')
    .addColumn('national_key', 'text')
    .addColumn('suffix_key', 'text')
    .addColumn('extension', 'text')
    .addPrimaryKeyConstraint('phones_pk', ['record_type', 'record_id', 'position'])
    .execute();
  await db.schema.createIndex('phones_e164').on('phones').column('e164_key').execute();
  await db.schema.createIndex('phones_national').on('phones').column('national_key').execute();
  await db.schema.createIndex('phones_suffix').on('phones').column('suffix_key').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['phones', 'leads', 'contacts', 'accounts', 'extensions', 'users']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
