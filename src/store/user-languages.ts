/**
 * The language each person picked (migration 0011): read with their session, written from the
 * console's language menu. A person who never picked has none, and gets their browser's.
 */
import { isLocale, type Locale } from '../i18n/locales.ts';
import type { Store } from './store.ts';

export class UserLanguages {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async get(userId: string): Promise<Locale | null> {
    const row = await this.#store.db.selectFrom('user_languages').select('locale').where('user_id', '=', userId).executeTakeFirst();
    return row !== undefined && isLocale(row.locale) ? row.locale : null;
  }

  /** Null: forget the choice (the browser's language again). */
  async set(userId: string, locale: Locale | null): Promise<void> {
    if (locale === null) {
      await this.#store.db.deleteFrom('user_languages').where('user_id', '=', userId).execute();
      return;
    }
    const updated_at = new Date().toISOString();
    await this.#store.db
      .insertInto('user_languages')
      .values({ user_id: userId, locale, updated_at })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ locale, updated_at }))
      .execute();
  }
}
