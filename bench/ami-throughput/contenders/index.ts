/** The contenders, in report order. `decoder` runs in-process; the others read a TCP socket. */
import { createRequire } from 'node:module';
import { amiClient } from './ami-client.ts';
import { asteriskManager } from './asterisk-manager.ts';
import type { TcpContender } from './contender.ts';
import { yana } from './yana.ts';

const require = createRequire(import.meta.url);
const versionOf = (pkg: string): string => (require(`${pkg}/package.json`) as { version: string }).version;

export const CONTENDER_IDS = ['decoder', 'ami-client', 'asterisk-manager', 'yana'] as const;
export type ContenderId = (typeof CONTENDER_IDS)[number];

/** The one every ratio is taken against. */
export const BASELINE: ContenderId = 'asterisk-manager';

export const LABELS: Record<ContenderId, string> = {
  decoder: 'crm-telephony AmiDecoder, in-process (64 KiB chunks)',
  'ami-client': 'crm-telephony AmiClient, TCP',
  'asterisk-manager': `asterisk-manager ${versionOf('asterisk-manager')}, TCP`,
  yana: `yana ${versionOf('yana')}, TCP`,
};

export const TCP_CONTENDERS: Record<Exclude<ContenderId, 'decoder'>, TcpContender<unknown>> = {
  'ami-client': amiClient as TcpContender<unknown>,
  'asterisk-manager': asteriskManager as TcpContender<unknown>,
  yana: yana as TcpContender<unknown>,
};
