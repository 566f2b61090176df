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
      if (err.code !== undefined && TLS_CERTIFICATE_CODES.has(err.code)) {
        return new CrmTelephonyError(
          ErrorCodes.AMI_ERR_DISCONNECTED,
          `The PBX "${pbx}" at ${where} offered a TLS certificate this service does not trust (${err.code}). Give its CA certificate in the PBX's "tls.ca", check that the host name matches the certificate, or (a lab PBX only) set "tls.rejectUnauthorized" to false.`,
          details,
          { cause: err },
        );
      }
      if (err.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || err.code === 'EPROTO') {
        return new CrmTelephonyError(
          ErrorCodes.AMI_ERR_DISCONNECTED,
          `The port ${where} (PBX "${pbx}") does not speak TLS. AMI over TLS is manager.conf's "tlsenable = yes" on "tlsbindport" (5039 by default); turn TLS off for the plain port.`,
          details,
          { cause: err },
        );
      }
      return new CrmTelephonyError(
        ErrorCodes.AMI_ERR_DISCONNECTED,
        `The connection to ${where} (PBX "${pbx}") failed: ${err.code ?? err.message}. It will be retried.`,
        details,
        { cause: err },
      );
  }
}

/** Node's codes for a TLS peer whose certificate does not check out. */
const TLS_CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
