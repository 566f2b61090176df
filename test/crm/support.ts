/** Shared by the CRM tests: a started fake SuiteCRM and adapter settings that point at it. */
import type { SuiteCrmSettings } from '../../src/crm/config.ts';
import { DEFAULT_PHONE_FIELDS, SUITECRM_MODULES } from '../../src/crm/config.ts';
import type { Log } from '../../src/logger.ts';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FAKE_USER_PASSWORD, FakeSuiteCrm, type FakeSuiteCrmOptions } from '../fakes/fake-suitecrm.ts';

export const IDS = {
  admin: '1',
  alice: '6d6813b5-4321-83dd-a2d2-6b049619527b',
  bob: 'cbd154c0-b27d-c88e-802e-6b04962eaacb',
  A1: 'a7085fe6-6081-6797-0f4f-6b049d24b0fc',
  A2: 'dca622f4-9057-2b6c-2456-6b049da99015',
  A3: '138b172f-1e35-4000-5aff-6b049d574285',
  C1: '3e32bb27-cf2f-9135-dce4-6b049dd1bedd',
  C2: '6d253ebf-4397-e183-16d0-6b049d3e7479',
  C3: '9a6be8c0-eb3b-b4d0-c426-6b049d23b2fd',
  C4: 'c77ecb5f-2618-0aa6-6254-6b049df56ad3',
  C5: 'f40efc5a-ad35-2986-2d84-6b049d93e1c0',
  L1: '2da936a3-45fc-7afb-2747-6b049d53daeb',
  L2: '5ab79265-db47-aca4-3a08-6b049d28531f',
  L3: '861489a1-12b7-f2d5-66f0-6b049d8dd13f',
} as const;

/**
 * The SuiteCRMs the adapter's suites run against: the fake as 7.14.6, and as 8.7.1 (the APIs under
 * `/legacy`, SuiteCRM 7's paths 404, lists marked cacheable) with the 7.14.6 data, i.e. a SuiteCRM 8
 * with the package's extension field installed. SUITECRM_URL is the site root on both.
 */
export const SUITECRM_VERSIONS = ['7', '8'] as const;
export type SuiteCrmVersion = (typeof SUITECRM_VERSIONS)[number];

export async function startFake(options: FakeSuiteCrmOptions = {}): Promise<FakeSuiteCrm> {
  const fake = new FakeSuiteCrm(options);
  await fake.start();
  return fake;
}

export function settingsFor(fake: FakeSuiteCrm, overrides: Partial<SuiteCrmSettings> = {}): SuiteCrmSettings {
  return {
    url: fake.url,
    clientId: FAKE_CLIENT_ID,
    clientSecret: FAKE_CLIENT_SECRET,
    legacy: { username: 'admin', password: FAKE_USER_PASSWORD },
    extensionField: 'asterisk_ext_c',
    syncIntervalMs: 5000,
    overlapMs: 120_000,
    reconcileIntervalMs: 3_600_000,
    modules: SUITECRM_MODULES,
    phoneFields: DEFAULT_PHONE_FIELDS,
    pageSize: 2,
    timeoutMs: 2000,
    ui: 'auto',
    logCalls: true,
    recordingLink: 'https://tel.example.com/api/calls/{callId}/recording',
    region: 'RU',
    ...overrides,
  };
}

/** A log that keeps what was written, to check that no secret or body reaches it. */
export function memoryLog(): Log & { lines: { level: string; obj: object; msg?: string }[] } {
  const lines: { level: string; obj: object; msg?: string }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, ...(msg !== undefined ? { msg } : {}) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
