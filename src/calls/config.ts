/**
 * What the call engine needs to know about one PBX: which legs are agents and which are outside
 * parties, which channel variables carry the DID, the recording and our click-to-call tag, and how
 * long a call may stay silent. Every option has a default that works with an ordinary dialplan
 * (FreePBX or hand-written); our own dialplan kit's variables only enrich what the engine sees.
 */
import type { CountryCode } from '../phone/index.ts';

export interface EngineConfig {
  /** Names the PBX; every call id is `<pbxId>:<Linkedid>`, so two PBXs never share a call. */
  pbxId: string;
  /**
   * Region for caller numbers written without a country code (ISO 3166-1 alpha-2: US, DE, GB,
   * RU...). Default `US`. Numbers with `+` or a valid country code normalize the same in any region.
   */
  defaultRegion?: CountryCode;
  /**
   * Endpoint names of trunks (`carrier` in `PJSIP/carrier-0000000e`). Any PJSIP/SIP/IAX2 endpoint
   * that is not an agent extension counts as outside anyway; list a trunk here when its name looks
   * like an extension (a trunk called `5000`).
   */
  trunkEndpoints?: readonly string[];
  /**
   * Dialplan contexts where calls from outside arrive. A channel created in one of them is an
   * outside party whatever its endpoint is called. Default: {@link DEFAULT_INBOUND_CONTEXTS}.
   */
  inboundContexts?: readonly string[];
  /**
   * Decides whether an endpoint name (or a Local channel's extension) is an agent's extension.
   * Pass the directory's extensions here. Default: 2 to 6 digits.
   */
  isAgentExtension?: (extension: string) => boolean;
  /**
   * Endpoints whose name is not their extension (`alice` → `101`). Endpoints not listed are their
   * own extension when `isAgentExtension` accepts the name.
   */
  endpointExtensions?: Readonly<Record<string, string>>;
  /**
   * Channel variables holding the recording's file name or path, best first. Leading underscores
   * (inheritance marks) are ignored. The MixMonitor application's data (in `Newexten`) is always
   * read too, after these. Default: `CRM_RECORDING`, `MIXMONITOR_FILENAME`.
   */
  recordingVariables?: readonly string[];
  /** Channel variables holding the dialled DID, best first. Default: `CRM_DID`, FreePBX's `FROM_DID`. */
  didVariables?: readonly string[];
  /** Channel variables holding our click-to-call id (set by our Originate). Default: `CRM_CALL_ID`. */
  clickToCallVariables?: readonly string[];
  /**
   * A channel AccountCode starting with this is our click-to-call id (our Originate sets `Account`).
   * Null turns it off. Default `crm-`.
   */
  clickToCallAccountPrefix?: string | null;
  /**
   * A call with no event for this long is ended (its Hangup was lost). Calls can be silent for a
   * long time while people talk, so keep it long. Default 6 hours.
   */
  idleTimeoutMs?: number;
  /**
   * A call whose every remaining channel was asked to hang up, but whose Hangup never came, is
   * ended this long after its last event. Default 60 seconds.
   */
  hangupGraceMs?: number;
  /**
   * Ended calls are remembered this long, so that late events (a Cdr after the last Hangup) update
   * the record instead of opening a ghost call. Default 5 minutes.
   */
  endedRetentionMs?: number;
  /** At most this many ended calls are remembered (the oldest are forgotten first). Default 2,000. */
  endedRetentionCount?: number;
}

/** Contexts of hand-written dialplans and FreePBX where calls from trunks arrive. */
export const DEFAULT_INBOUND_CONTEXTS: readonly string[] = [
  'from-pstn',
  'from-trunk',
  'from-external',
  'from-did-direct',
  'from-sip-external',
  'from-pstn-e164-us',
  'from-pstn-toheader',
  'ext-did',
  'ext-did-0001',
  'ext-did-0002',
];

const AGENT_EXTENSION = /^[0-9]{2,6}$/;

/** The engine's view of the configuration: defaults applied, lists turned into sets. */
export interface ResolvedEngineConfig {
  readonly pbxId: string;
  /** `<pbxId>:`, the start of every call id (one string shared by every call). */
  readonly callIdPrefix: string;
  readonly defaultRegion: CountryCode;
  readonly trunkEndpoints: ReadonlySet<string>;
  readonly inboundContexts: ReadonlySet<string>;
  readonly isAgentExtension: (extension: string) => boolean;
  readonly endpointExtensions: ReadonlyMap<string, string>;
  /** Variable name (without leading underscores) → what it carries and its rank (0 is best). */
  readonly variables: ReadonlyMap<string, { kind: 'recording' | 'did' | 'tag'; rank: number }>;
  readonly clickToCallAccountPrefix: string | null;
  readonly idleTimeoutMs: number;
  readonly hangupGraceMs: number;
  readonly endedRetentionMs: number;
  readonly endedRetentionCount: number;
}

/** Applies the defaults. Never throws: a bad value falls back to its default. */
export function resolveEngineConfig(config: EngineConfig): ResolvedEngineConfig {
  const variables = new Map<string, { kind: 'recording' | 'did' | 'tag'; rank: number }>();
  const add = (names: readonly string[], kind: 'recording' | 'did' | 'tag'): void => {
    names.forEach((name, rank) => {
      const bare = stripUnderscores(name);
      if (bare !== '' && !variables.has(bare)) variables.set(bare, { kind, rank });
    });
  };
  add(config.recordingVariables ?? ['CRM_RECORDING', 'MIXMONITOR_FILENAME'], 'recording');
  add(config.didVariables ?? ['CRM_DID', 'FROM_DID'], 'did');
  add(config.clickToCallVariables ?? ['CRM_CALL_ID'], 'tag');
  return {
    pbxId: config.pbxId,
    callIdPrefix: `${config.pbxId}:`,
    defaultRegion: config.defaultRegion ?? 'US',
    trunkEndpoints: new Set(config.trunkEndpoints ?? []),
    inboundContexts: new Set(config.inboundContexts ?? DEFAULT_INBOUND_CONTEXTS),
    isAgentExtension: config.isAgentExtension ?? ((ext) => AGENT_EXTENSION.test(ext)),
    endpointExtensions: new Map(Object.entries(config.endpointExtensions ?? {})),
    variables,
    clickToCallAccountPrefix:
      config.clickToCallAccountPrefix === undefined ? 'crm-' : config.clickToCallAccountPrefix || null,
    idleTimeoutMs: positive(config.idleTimeoutMs, 6 * 3_600_000),
    hangupGraceMs: positive(config.hangupGraceMs, 60_000),
    endedRetentionMs: positive(config.endedRetentionMs, 5 * 60_000),
    endedRetentionCount: positive(config.endedRetentionCount, 2_000),
  };
}

/** `__CRM_DID` and `_CRM_DID` (inherited forms) name the same variable as `CRM_DID`. */
export function stripUnderscores(name: string): string {
  let i = 0;
  while (name.charCodeAt(i) === 95) i++;
  return i === 0 ? name : name.slice(i);
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}
