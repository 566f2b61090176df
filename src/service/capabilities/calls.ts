/**
 * Call history and click-to-call: every call record into the call log (with the CRM records it
 * concerns), the calls API, and `Originate` ringing the agent's phone first.
 */
import { said } from '../../i18n/said.ts';
import type { Config } from '../../config.ts';
import type { AmiClient } from '../../ami/client.ts';
import type { AmiMessage } from '../../ami/message.ts';
import type { CallLog } from '../../store/call-log.ts';
import type { Log } from '../../logger.ts';
import { callsRoutes, type ClickToCallOutcome, type ClickToCallRequest } from '../../web/routes/calls-routes.ts';
import type { Capability } from '../capability.ts';
import { callLogSink, type CalledRecords, type OriginMemory } from '../call-log-sink.ts';
import { placeCall } from '../click-to-call.ts';
import { parseAddress } from '../../calls/extension-address.ts';

type CallsConfig = Pick<Config, 'DEFAULT_REGION' | 'C2C_CHANNEL' | 'C2C_CONTEXT' | 'C2C_RING_SECONDS' | 'C2C_NUMBER_FORMAT' | 'C2C_DIAL_PREFIX'>;

/** One PBX that places calls: its click-to-call settings, its AMI client, and its engine told of our Originate. */
export interface CallsPbx {
  id: string;
  /** Where its extensions live among addresses (null: the default PBX). */
  qualifier: string | null;
  config: CallsConfig;
  client: AmiClient;
  noteAction(action: AmiMessage): void;
}

export interface CallsDeps {
  callLog: CallLog;
  /** The directory: an answered call marks the records it was with as called (their cards' "Last call"). */
  directory: CalledRecords;
  /** Where each click-to-call came from, until its call's context closes. */
  origins: OriginMemory;
  /** Every PBX, the default first: a user's call is placed by the PBX of their primary extension. */
  pbxs: readonly CallsPbx[];
  log: Log;
  /**
   * Several instances on PostgreSQL (`cluster/`): an instance that does not lead the PBX hands
   * click-to-call to the instance that does, and this instance places the calls others hand it
   * for the PBXs it leads.
   */
  cluster?: {
    standby(pbxId: string): boolean;
    forward(request: ClickToCallRequest, pbxId: string): Promise<ClickToCallOutcome>;
    serve(place: (request: ClickToCallRequest) => Promise<ClickToCallOutcome>): void;
  };
}

export function createCalls(config: Pick<Config, 'DEFAULT_REGION'>, deps: CallsDeps): Capability {
  const { callLog, origins } = deps;
  const pbxs = deps.pbxs.map((pbx) => ({
    pbx,
    settings: {
      channelTemplate: pbx.config.C2C_CHANNEL,
      context: pbx.config.C2C_CONTEXT,
      ringSeconds: pbx.config.C2C_RING_SECONDS,
      numberFormat: pbx.config.C2C_NUMBER_FORMAT,
      dialPrefix: pbx.config.C2C_DIAL_PREFIX,
      defaultRegion: pbx.config.DEFAULT_REGION,
    },
  }));
  const byQualifier = new Map(pbxs.map((p) => [p.pbx.qualifier, p]));
  /** The PBX of the user's primary extension, or why there is none. */
  const pbxOf = (request: ClickToCallRequest): (typeof pbxs)[number] | ClickToCallOutcome => {
    const address = request.user.primaryExtension;
    // No extension at all: the first PBX says so in its own words (placeCall).
    if (!address) return pbxs[0]!;
    const { qualifier } = parseAddress(address);
    return (
      byQualifier.get(qualifier) ?? {
        ok: false,
        status: 409,
        code: 'C2C_NO_EXTENSION',
        ...said('server.c2c.unknownPbx', { address, qualifier }),
      }
    );
  };
  const placeHere = (request: ClickToCallRequest): Promise<ClickToCallOutcome> => {
    const target = pbxOf(request);
    if ('ok' in target) return Promise.resolve(target);
    const { pbx, settings } = target;
    const address = request.user.primaryExtension;
    // The PBX rings its own extension (101), not the address (101@hamburg).
    const local = address ? { ...request, user: { ...request.user, primaryExtension: parseAddress(address).extension } } : request;
    return placeCall(settings, { client: pbx.client, noteAction: (action) => pbx.noteAction(action), rememberOrigin: (id, origin) => origins.remember(id, origin) }, local).then((outcome) =>
      outcome.ok && address ? { ...outcome, extension: address } : outcome,
    );
  };
  deps.cluster?.serve(placeHere);
  const place = (request: ClickToCallRequest): Promise<ClickToCallOutcome> => {
    const cluster = deps.cluster;
    if (cluster === undefined) return placeHere(request);
    const target = pbxOf(request);
    if ('ok' in target) return Promise.resolve(target);
    return cluster.standby(target.pbx.id) ? cluster.forward(request, target.pbx.id) : placeHere(request);
  };
  return {
    name: 'calls',
    sinks: [callLogSink(callLog, { log: deps.log, directory: deps.directory })],
    routes: [(app) => callsRoutes(app, { callLog, defaultRegion: config.DEFAULT_REGION, placeCall: place })],
  };
}
