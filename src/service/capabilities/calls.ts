/**
 * Call history and click-to-call: every call record into the call log (with the CRM records it
 * concerns), the calls API, and `Originate` ringing the agent's phone first.
 */
import type { Config } from '../../config.ts';
import type { AmiClient } from '../../ami/client.ts';
import type { AmiMessage } from '../../ami/message.ts';
import type { CallLog } from '../../store/call-log.ts';
import type { Log } from '../../logger.ts';
import { callsRoutes, type ClickToCallOutcome, type ClickToCallRequest } from '../../web/routes/calls-routes.ts';
import type { Capability } from '../capability.ts';
import { callLogSink, type OriginMemory } from '../call-log-sink.ts';
import { placeCall } from '../click-to-call.ts';

type CallsConfig = Pick<Config, 'DEFAULT_REGION' | 'C2C_CHANNEL' | 'C2C_CONTEXT' | 'C2C_RING_SECONDS' | 'C2C_NUMBER_FORMAT' | 'C2C_DIAL_PREFIX'>;

export interface CallsDeps {
  callLog: CallLog;
  /** Where each click-to-call came from, until its call's context closes. */
  origins: OriginMemory;
  /** The PBX that places the calls, and the engine told of our Originate (see PbxSession.noteAction). */
  pbx: { client: AmiClient; noteAction(action: AmiMessage): void };
  log: Log;
  /**
   * Several instances on PostgreSQL (`cluster/`): a standby hands click-to-call to the instance
   * that leads the PBX, and this instance places the calls others hand it while it leads.
   */
  cluster?: { standby(): boolean; forward(request: ClickToCallRequest): Promise<ClickToCallOutcome>; serve(place: (request: ClickToCallRequest) => Promise<ClickToCallOutcome>): void };
}

export function createCalls(config: CallsConfig, deps: CallsDeps): Capability {
  const { callLog, origins, pbx } = deps;
  const settings = {
    channelTemplate: config.C2C_CHANNEL,
    context: config.C2C_CONTEXT,
    ringSeconds: config.C2C_RING_SECONDS,
    numberFormat: config.C2C_NUMBER_FORMAT,
    dialPrefix: config.C2C_DIAL_PREFIX,
    defaultRegion: config.DEFAULT_REGION,
  };
  const placeHere = (request: ClickToCallRequest): Promise<ClickToCallOutcome> =>
    placeCall(settings, { client: pbx.client, noteAction: (action) => pbx.noteAction(action), rememberOrigin: (id, origin) => origins.remember(id, origin) }, request);
  deps.cluster?.serve(placeHere);
  return {
    name: 'calls',
    sinks: [callLogSink(callLog, { log: deps.log })],
    routes: [
      (app) =>
        callsRoutes(app, {
          callLog,
          defaultRegion: config.DEFAULT_REGION,
          placeCall: (request) => (deps.cluster?.standby() ? deps.cluster.forward(request) : placeHere(request)),
        }),
    ],
  };
}
