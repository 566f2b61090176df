/**
 * The FastAGI `route` script: asks a router where the caller goes and tells the dialplan through
 * channel variables. The dialplan calls it as
 *
 *   same => n,Set(ROUTE_EXT=)
 *   same => n,AGI(agi://crm:4573/route,${CALLERID(num)},${EXTEN})
 *
 * and then dials ROUTE_EXT when AGISTATUS is SUCCESS and ROUTE_EXT is not empty (its own fallback
 * otherwise). Variables set: ROUTE_EXT (extension or empty), ROUTE_REASON (owner, last-agent,
 * did-default, fallback, unknown-caller, anonymous-caller, owner-unavailable, budget-exceeded,
 * lookup-failed, no-route), CRM_ENTITY (`contact:<id>`, or empty), and CALLERID(name) from the CRM
 * when a client matched and the option is on.
 *
 * If the router fails, the handler rejects and the server answers FAILURE (AGISTATUS=FAILURE): the
 * dialplan's fallback runs. If the caller hangs up meanwhile, nothing is sent to the dead channel.
 */
import type { RouteDecision, RouteInput } from '../routing/types.ts';
import { isUnknownValue, type AgiRequest } from './request.ts';
import type { AgiHandler } from './server.ts';
import type { Log } from '../logger.ts';

export interface RouteHandlerOptions {
  /** Set CALLERID(name) to the matched client's CRM name. Default true. */
  setCallerName?: boolean;
  /** Longest caller-ID name sent, in characters (phones show 15 to 40). Default 64. */
  maxCallerNameLength?: number;
  /** One debug line per decision. */
  log?: Log;
}

export function createRouteHandler(router: (input: RouteInput) => Promise<RouteDecision>, options: RouteHandlerOptions = {}): AgiHandler {
  const setCallerName = options.setCallerName ?? true;
  const maxName = options.maxCallerNameLength ?? 64;
  return async (session) => {
    const started = performance.now();
    const input = routeInputOf(session.request, session.remoteAddress);
    const decision = await router(input);
    if (session.aborted ?? session.signal.aborted) return; // hung up (or shutting down) while we decided: nobody to tell
    await session.setVariable('ROUTE_EXT', decision.extension ?? '');
    await session.setVariable('ROUTE_REASON', decision.reason);
    await session.setVariable('CRM_ENTITY', decision.entity ? `${decision.entity.type}:${decision.entity.id}` : '');
    const name = setCallerName && decision.callerName ? callerNameOf(decision.callerName, maxName) : '';
    if (name !== '') await session.setVariable('CALLERID(name)', name);
    options.log?.debug(
      {
        uniqueid: input.uniqueid,
        channel: input.channel,
        extension: decision.extension,
        reason: decision.reason,
        skipped: decision.skipped,
        degraded: decision.degraded,
        ms: Math.round((performance.now() - started) * 100) / 100,
      },
      'call routed',
    );
  };
}

/**
 * The router's input from the request: agi_arg_1 is the caller and agi_arg_2 the DID (as in the
 * dialplan line above); a missing or empty argument falls back to agi_callerid, and to agi_dnid
 * then agi_extension. Asterisk's `unknown` counts as missing.
 */
export function routeInputOf(request: AgiRequest, peer?: string): RouteInput {
  const input: RouteInput = {
    caller: argOf(request, 0) || known(request.callerId),
    did: argOf(request, 1) || known(request.dnid) || known(request.extension),
    channel: request.channel,
    uniqueid: request.uniqueid,
  };
  // Several PBXs: `agi://crm/route?pbx=hamburg` says which asks; else the peer's address tells.
  const pbx = request.params['pbx'];
  if (pbx !== undefined && pbx !== '') input.pbx = pbx;
  if (peer !== undefined) input.peer = peer;
  return input;
}

// Module functions, not closures per call: under tsx each named closure also costs a defineProperty.
function argOf(request: AgiRequest, i: number): string {
  return (request.args[i] ?? '').trim();
}

function known(value: string): string {
  return isUnknownValue(value) ? '' : value;
}

/** A CRM name made safe to show as caller ID: no control characters, single spaces, bounded length. */
export function callerNameOf(name: string, maxLength = 64): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\x00-\x1f\x7f]+/g, ' ').replace(/\s+/g, ' ').trim();
  // No more UTF-16 units than the limit means no more code points either: the common case needs no split.
  if (clean.length <= maxLength) return clean;
  const chars = [...clean]; // by code point: never split a character in two
  return chars.length <= maxLength ? clean : chars.slice(0, maxLength).join('').trimEnd();
}
