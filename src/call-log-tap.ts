/**
 * A minimal view of calls from AMI events, for logs: which call started, which extension rang,
 * who answered, how it ended. The full call engine (src/calls/) supersedes it.
 */
import type { AmiMessage } from './ami/message.ts';
import type { Logger } from './logger.ts';

export class CallLogTap {
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  handle(event: AmiMessage): void {
    const callId = event.get('Linkedid');
    switch (event.event) {
      case 'Newchannel':
        if (event.get('Uniqueid') === callId) {
          this.#log.info({ callId, from: event.get('CallerIDNum'), to: event.get('Exten'), channel: event.get('Channel') }, 'call started');
        }
        break;
      case 'DialBegin':
        this.#log.info({ callId, ringing: event.get('DestCallerIDNum') ?? event.get('DestChannel') }, 'ringing');
        break;
      case 'DialEnd':
        this.#log.info({ callId, extension: event.get('DestCallerIDNum'), status: event.get('DialStatus') }, 'dial ended');
        break;
      case 'Hangup':
        if (event.get('Uniqueid') === callId) {
          this.#log.info({ callId, cause: event.get('Cause'), causeText: event.get('Cause-txt') }, 'call ended');
        }
        break;
      default:
        break;
    }
  }
}
