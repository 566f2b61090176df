/**
 * The kinds of record the directory holds and the kinds of phone they carry: domain types that the
 * core (routing, the CRM port, the service) speaks in. The store's tables hold them as columns
 * (`store/schema.ts` imports them type-only); they are defined here, not there, so that nothing
 * outside the store depends on the database's types to name a contact.
 */

export type RecordType = 'contact' | 'account' | 'lead';
export const RECORD_TYPES: readonly RecordType[] = ['contact', 'account', 'lead'];

export const PHONE_KINDS = ['work', 'mobile', 'home', 'other', 'fax', 'office', 'alternate'] as const;
export type PhoneKind = (typeof PHONE_KINDS)[number];
