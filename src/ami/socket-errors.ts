/** Turns Node's socket errors into catalogue errors that say, in words, what to check. */
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';

export function describeSocketError(err: NodeJS.ErrnoException, pbx: string, host: string, port: number): CrmTelephonyError {
  const where = `${host}:${port}`;
  const details = { pbx, host, port, syscallCode: err.code };
  switch (err.code) {
    case 'ECONNREFUSED':
      return new CrmTelephonyError(
        ErrorCodes.AMI_ERR_CONNECT_REFUSED,
        `Nothing accepts connections at ${where} (PBX "${pbx}"). Check that Asterisk is running, that manager.conf has "enabled = yes" with this port, and AMI_HOST/AMI_PORT.`,
        details,
        { cause: err },
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new CrmTelephonyError(
        ErrorCodes.AMI_ERR_HOST_NOT_FOUND,
        `The AMI host "${host}" (PBX "${pbx}") does not resolve. Check AMI_HOST and this machine's DNS.`,
        details,
        { cause: err },
      );
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new CrmTelephonyError(
        ErrorCodes.AMI_ERR_CONNECT_TIMEOUT,
        `Could not reach ${where} (PBX "${pbx}"): ${err.code}. Check the address, routing and firewalls between this host and the PBX.`,
        details,
        { cause: err },
      );
    default:
      return new CrmTelephonyError(
        ErrorCodes.AMI_ERR_DISCONNECTED,
        `The connection to ${where} (PBX "${pbx}") failed: ${err.code ?? err.message}. It will be retried.`,
        details,
        { cause: err },
      );
  }
}
