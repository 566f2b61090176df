/**
 * CRM settings as environment variables, with defaults that run out of the box: a schema to be
 * merged into the one configuration schema (`src/config.ts`), and its conversion into the settings
 * the SuiteCRM adapter takes. With SUITECRM_URL unset the product runs on its embedded directory.
 *
 *   SUITECRM_URL                     SuiteCRM 7 or 8 site root (API found by itself) (unset: embedded CRM)
 *   SUITECRM_CLIENT_ID / _SECRET     an OAuth2 "client credentials" client        (required with the URL)
 *   SUITECRM_USERNAME / _PASSWORD    a user for the legacy v4_1 API: deletions    (unset: deletions at reconcile)
 *   SUITECRM_EXTENSION_FIELD         the Users field holding extensions           asterisk_ext_c
 *   SUITECRM_SYNC_INTERVAL_MS        incremental sync period                      5000
 *   SUITECRM_SYNC_OVERLAP_MS         how far back each incremental sync looks     120000
 *   SUITECRM_RECONCILE_INTERVAL_MS   full listing that removes what is gone       3600000 (0: off)
 *   SUITECRM_MODULES                 what to sync                                 Users,Accounts,Contacts,Leads
 *   SUITECRM_CONTACT_PHONE_FIELDS    indexed phone fields of Contacts             phone_work,phone_mobile,phone_home,phone_other,phone_fax
 *   SUITECRM_LEAD_PHONE_FIELDS       ... of Leads                                 phone_work,phone_mobile,phone_home,phone_other,phone_fax
 *   SUITECRM_ACCOUNT_PHONE_FIELDS    ... of Accounts                              phone_office,phone_alternate,phone_fax
 *   SUITECRM_PAGE_SIZE               records per API page                         200
 *   SUITECRM_TIMEOUT_MS              one API request's deadline                   15000
 *   SUITECRM_UI                      record links for SuiteCRM 7 or 8             auto (the SuiteCRM found)
 *   SUITECRM_LOG_CALLS               write every call into SuiteCRM's Calls       true
 *   SUITECRM_RECORDING_LINK          link to a recording in our service, {callId} (none: the file name only)
 */
import { z } from 'zod';
import { DEFAULT_LOCALE, type Locale } from '../i18n/locales.ts';
import type { CountryCode } from '../phone/types.ts';
import { CrmErrorCodes, CrmTelephonyError } from './crm-errors.ts';

export const SUITECRM_MODULES = ['Users', 'Accounts', 'Contacts', 'Leads'] as const;
export type SuiteCrmModule = (typeof SUITECRM_MODULES)[number];
export type RecordModule = Exclude<SuiteCrmModule, 'Users'>;

export const DEFAULT_PHONE_FIELDS: Readonly<Record<RecordModule, readonly string[]>> = {
  Contacts: ['phone_work', 'phone_mobile', 'phone_home', 'phone_other', 'phone_fax'],
  Leads: ['phone_work', 'phone_mobile', 'phone_home', 'phone_other', 'phone_fax'],
  Accounts: ['phone_office', 'phone_alternate', 'phone_fax'],
};

const FIELD = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

const fieldList = (fallback: readonly string[]) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''))
    .refine((xs) => xs.length > 0 && xs.every((x) => FIELD.test(x)), { message: 'a comma-separated list of field names such as phone_work,phone_mobile' })
    .transform((xs) => [...new Set(xs)])
    .default([...fallback]);

const bool = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(s), { message: 'use true or false' })
  .transform((s) => ['true', '1', 'yes', 'on'].includes(s));

const optionalText = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s === '' ? undefined : s));

export const suitecrmConfigSchema = z.object({
  /**
   * SuiteCRM's site root, e.g. https://crm.example.com: the address you open SuiteCRM 7 or 8 at.
   * Where the API is (`/Api` on 7, `/legacy/Api` on 8) is found out by asking; `<site>/legacy` is
   * accepted too. Unset: the embedded CRM.
   */
  SUITECRM_URL: z
    .string()
    .transform((s) => s.trim().replace(/\/+$/, ''))
    .refine((s) => s === '' || /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/i.test(s), { message: 'an http:// or https:// URL of the SuiteCRM site root, e.g. https://crm.example.com' })
    .optional()
    .transform((s) => (s === '' ? undefined : s)),
  /** The id of an OAuth2 client of grant type "Client Credentials" (Admin -> OAuth2 Clients and Tokens). */
  SUITECRM_CLIENT_ID: optionalText,
  /** That client's secret. Never logged. */
  SUITECRM_CLIENT_SECRET: optionalText,
  /** A SuiteCRM user for the legacy REST v4_1 API, used only to see deletions. Optional. */
  SUITECRM_USERNAME: optionalText,
  /** That user's password (sent as its MD5, as v4_1 wants). Never logged. */
  SUITECRM_PASSWORD: optionalText,
  /** The Users field (added in Studio) that holds each user's extensions, e.g. "101" or "101,201". */
  SUITECRM_EXTENSION_FIELD: z.string().trim().regex(FIELD, 'a field name such as asterisk_ext_c').default('asterisk_ext_c'),
  /** How often to fetch what changed, in ms: the index is never older than this. */
  SUITECRM_SYNC_INTERVAL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(5000),
  /** How far back each incremental sync looks, in ms (SuiteCRM's dates drop the seconds: at least a minute). */
  SUITECRM_SYNC_OVERLAP_MS: z.coerce.number().int().min(60_000).max(86_400_000).default(120_000),
  /** How often a full listing removes records SuiteCRM no longer has, in ms; 0 turns it off. */
  SUITECRM_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).max(7 * 86_400_000).default(3_600_000),
  /** Modules to sync: Users (extensions, owners), Accounts, Contacts, Leads. */
  SUITECRM_MODULES: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''))
    .refine((xs) => xs.every((x) => (SUITECRM_MODULES as readonly string[]).includes(x)), { message: `a comma-separated list of: ${SUITECRM_MODULES.join(', ')}` })
    .transform((xs) => SUITECRM_MODULES.filter((m) => xs.includes(m)))
    .default([...SUITECRM_MODULES]),
  /** Contacts' phone fields to index, in order of preference. */
  SUITECRM_CONTACT_PHONE_FIELDS: fieldList(DEFAULT_PHONE_FIELDS.Contacts),
  /** Leads' phone fields to index. */
  SUITECRM_LEAD_PHONE_FIELDS: fieldList(DEFAULT_PHONE_FIELDS.Leads),
  /** Accounts' phone fields to index. */
  SUITECRM_ACCOUNT_PHONE_FIELDS: fieldList(DEFAULT_PHONE_FIELDS.Accounts),
  /** Records per API page during a sync. */
  SUITECRM_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(200),
  /** Deadline of one API request, in ms. */
  SUITECRM_TIMEOUT_MS: z.coerce.number().int().min(500).max(300_000).default(15_000),
  /** Which UI the record links open: auto (the SuiteCRM found), 7 (index.php?module=...) or 8 (#/contacts/record/...). */
  SUITECRM_UI: z.enum(['auto', '7', '8']).default('auto'),
  /** Write every ended call into SuiteCRM's Calls module (through the outbox). */
  SUITECRM_LOG_CALLS: bool.default(true),
  /** The recording link written into each call's description: a URL with {callId}, e.g. https://tel.example.com/api/calls/{callId}/recording. */
  SUITECRM_RECORDING_LINK: z
    .string()
    .trim()
    .refine((s) => s === '' || /^https?:\/\/\S+$/i.test(s), { message: 'an http(s) URL, with {callId} where our call id goes' })
    .default(''),
});

export type SuiteCrmConfig = z.infer<typeof suitecrmConfigSchema>;

export interface SuiteCrmSettings {
  url: string;
  clientId: string;
  clientSecret: string;
  /** The legacy v4_1 user, for deletions; null when not configured. */
  legacy: { username: string; password: string } | null;
  extensionField: string;
  syncIntervalMs: number;
  overlapMs: number;
  reconcileIntervalMs: number;
  modules: readonly SuiteCrmModule[];
  phoneFields: Readonly<Record<RecordModule, readonly string[]>>;
  pageSize: number;
  timeoutMs: number;
  /** Record links: `auto` follows the SuiteCRM version found; `7` or `8` forces one. */
  ui: 'auto' | '7' | '8';
  logCalls: boolean;
  recordingLink: string;
  region: CountryCode;
  /** The language of the call subjects and descriptions written into SuiteCRM (CRM_LANGUAGE); default English. */
  language?: Locale;
}

/** True when SuiteCRM is configured (otherwise the embedded CRM runs). */
export function usesSuiteCrm(config: Pick<SuiteCrmConfig, 'SUITECRM_URL'>): boolean {
  return config.SUITECRM_URL !== undefined;
}

/** The adapter's settings; throws CRM_ERR_CONFIG in words when a required value is missing. */
export function suiteCrmSettings(config: SuiteCrmConfig & { DEFAULT_REGION: CountryCode; CRM_LANGUAGE?: Locale }): SuiteCrmSettings {
  const missing = (name: string, what: string): never => {
    throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_CONFIG, `${name} is not set. ${what}`);
  };
  const url = config.SUITECRM_URL ?? missing('SUITECRM_URL', 'Set it to the SuiteCRM site root, e.g. https://crm.example.com.');
  const clientId =
    config.SUITECRM_CLIENT_ID ??
    missing('SUITECRM_CLIENT_ID', 'In SuiteCRM, Admin -> OAuth2 Clients and Tokens -> New Client Credentials Client; set SUITECRM_CLIENT_ID and SUITECRM_CLIENT_SECRET to its id and secret.');
  const clientSecret = config.SUITECRM_CLIENT_SECRET ?? missing('SUITECRM_CLIENT_SECRET', 'Set it to the secret you gave the OAuth2 client SUITECRM_CLIENT_ID.');
  if ((config.SUITECRM_USERNAME === undefined) !== (config.SUITECRM_PASSWORD === undefined)) {
    throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_CONFIG, 'Set both SUITECRM_USERNAME and SUITECRM_PASSWORD (a SuiteCRM user for the legacy API, to see deletions), or neither.');
  }
  return {
    url,
    clientId,
    clientSecret,
    legacy: config.SUITECRM_USERNAME !== undefined && config.SUITECRM_PASSWORD !== undefined ? { username: config.SUITECRM_USERNAME, password: config.SUITECRM_PASSWORD } : null,
    extensionField: config.SUITECRM_EXTENSION_FIELD,
    syncIntervalMs: config.SUITECRM_SYNC_INTERVAL_MS,
    overlapMs: config.SUITECRM_SYNC_OVERLAP_MS,
    reconcileIntervalMs: config.SUITECRM_RECONCILE_INTERVAL_MS,
    modules: config.SUITECRM_MODULES,
    phoneFields: { Contacts: config.SUITECRM_CONTACT_PHONE_FIELDS, Leads: config.SUITECRM_LEAD_PHONE_FIELDS, Accounts: config.SUITECRM_ACCOUNT_PHONE_FIELDS },
    pageSize: config.SUITECRM_PAGE_SIZE,
    timeoutMs: config.SUITECRM_TIMEOUT_MS,
    ui: config.SUITECRM_UI,
    logCalls: config.SUITECRM_LOG_CALLS,
    recordingLink: config.SUITECRM_RECORDING_LINK,
    region: config.DEFAULT_REGION,
    language: config.CRM_LANGUAGE ?? DEFAULT_LOCALE,
  };
}
