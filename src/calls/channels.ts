/**
 * What a channel is, from its name and the context it was created in: an agent's phone, an outside
 * party (a trunk), one half of a Local channel pair, or something else (conference announcers,
 * snoop channels...). Pure string work; no state.
 */
import type { ResolvedEngineConfig } from './config.ts';

export type LegRole = 'agent' | 'external' | 'local' | 'other';

export interface ChannelInfo {
  role: LegRole;
  /** The agent's extension for agent legs; for Local legs the extension they lead to, if an agent's. */
  extension: string | null;
  /** For Local legs: the name both halves share (`Local/102@agents-00000000`). */
  localBase: string | null;
}

/** Channel technologies of phones and trunks; anything else is plumbing or a helper channel. */
const DEVICE_TECHS = new Set(['PJSIP', 'SIP', 'IAX2', 'DAHDI', 'H323', 'OOH323', 'MGCP', 'SKINNY', 'UNISTIM', 'MOTIF']);
/** Technologies whose channels are lines to the outside, whatever their name. */
const TRUNK_TECHS = new Set(['DAHDI']);
const HEX = /^[0-9a-f]+$/i;

/**
 * `PJSIP/101-00000001` → tech `PJSIP`, endpoint `101`. The `-xxxxxxxx` sequence suffix is optional
 * (an Originate's `Channel: PJSIP/101` has none); endpoint names may hold dashes themselves.
 */
export function splitChannel(name: string): { tech: string; endpoint: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { tech: name.toUpperCase(), endpoint: '' };
  const tech = name.slice(0, slash).toUpperCase();
  let rest = name.slice(slash + 1);
  const dash = rest.lastIndexOf('-');
  if (dash > 0 && HEX.test(rest.slice(dash + 1))) rest = rest.slice(0, dash);
  // PJSIP/101/sip:101@host (a dial string naming a contact) keeps only the endpoint.
  const inner = rest.indexOf('/');
  if (inner > 0) rest = rest.slice(0, inner);
  return { tech, endpoint: rest };
}

/** The agent extension an endpoint name stands for, or null. */
export function endpointExtension(endpoint: string, config: ResolvedEngineConfig): string | null {
  const mapped = config.endpointExtensions.get(endpoint);
  if (mapped !== undefined) return mapped;
  if (config.trunkEndpoints.has(endpoint)) return null;
  return config.isAgentExtension(endpoint) ? endpoint : null;
}

/** Classifies a channel by its name and the context it was created in (`Newchannel`'s Context). */
export function classifyChannel(channel: string, context: string | undefined, config: ResolvedEngineConfig): ChannelInfo {
  const { tech, endpoint } = splitChannel(channel);
  if (tech === 'LOCAL') {
    // Local/102@agents-00000000;1: both halves share everything before the `;`.
    const semi = channel.lastIndexOf(';');
    const base = semi > 0 ? channel.slice(0, semi) : channel;
    const at = endpoint.indexOf('@');
    const exten = at > 0 ? endpoint.slice(0, at) : endpoint;
    return { role: 'local', extension: config.isAgentExtension(exten) ? exten : null, localBase: base };
  }
  if (!DEVICE_TECHS.has(tech)) return { role: 'other', extension: null, localBase: null };
  if (context !== undefined && config.inboundContexts.has(context)) return { role: 'external', extension: null, localBase: null };
  if (TRUNK_TECHS.has(tech)) return { role: 'external', extension: null, localBase: null };
  const extension = endpointExtension(endpoint, config);
  return extension === null
    ? { role: 'external', extension: null, localBase: null }
    : { role: 'agent', extension, localBase: null };
}

/**
 * The number in a dial string or AppData target: `15559876543@carrier`, `PJSIP/15559876543@carrier`
 * and `SIP/carrier/15559876543` all give `15559876543`.
 */
export function dialledNumber(dialString: string): string {
  let s = dialString.trim();
  const slash = s.indexOf('/');
  if (slash >= 0 && /^[A-Za-z0-9]+$/.test(s.slice(0, slash))) {
    s = s.slice(slash + 1);
    // Tech/trunk/number (chan_sip style): the number is the last part.
    const last = s.lastIndexOf('/');
    if (last >= 0) s = s.slice(last + 1);
  }
  const at = s.indexOf('@');
  return at >= 0 ? s.slice(0, at) : s;
}

/**
 * The targets of a `Dial()` application's data: `PJSIP/101&PJSIP/102,20,tT` gives the extensions of
 * the agents it names (non-agents are left out).
 */
export function dialTargets(appData: string, config: ResolvedEngineConfig): string[] {
  const comma = appData.indexOf(',');
  const first = comma >= 0 ? appData.slice(0, comma) : appData;
  const out: string[] = [];
  for (const target of first.split('&')) {
    const t = target.trim();
    if (t === '') continue;
    const { tech, endpoint } = splitChannel(t);
    let ext: string | null = null;
    if (tech === 'LOCAL') {
      const at = endpoint.indexOf('@');
      const exten = at > 0 ? endpoint.slice(0, at) : endpoint;
      ext = config.isAgentExtension(exten) ? exten : null;
    } else if (DEVICE_TECHS.has(tech) && endpoint.indexOf('@') < 0) {
      ext = endpointExtension(endpoint, config);
    }
    if (ext !== null && !out.includes(ext)) out.push(ext);
  }
  // A copy of exact size: a leg keeps this list while its Dial() runs.
  return out.slice();
}

/** The epoch milliseconds in a Uniqueid (`1795463828.0`, or `sysname-1795463828.0`), or NaN. */
export function uniqueidEpochMs(uniqueid: string): number {
  const dash = uniqueid.lastIndexOf('-');
  const s = dash >= 0 ? uniqueid.slice(dash + 1) : uniqueid;
  const dot = s.indexOf('.');
  const secs = Number(dot >= 0 ? s.slice(0, dot) : s);
  // Asterisk's Uniqueid is time(NULL) at creation; anything else (a test's made-up id) is not a time.
  return Number.isInteger(secs) && secs > 1_000_000_000 ? secs * 1000 : Number.NaN;
}
