/**
 * `crm-telephony dialplan --style plain|freepbx`: prints ready dialplan snippets for this
 * installation's settings: the FastAGI route with a fallback when the service is down, the CURL()
 * variant with short timeouts, and the lines that connect the caller to the returned extension.
 */
import { parseArgs } from 'node:util';
import { configDefault } from '../config.ts';
import { ErrorCodes, isCrmTelephonyError } from '../errors.ts';
import type { Translator } from '../i18n/translator.ts';
import type { CliIo } from './io.ts';
import { recordingSubroutine } from '../recordings/dialplan.ts';
import { PBX_ID_PATTERN } from '../calls/extension-address.ts';
import { cliTexts, setting } from './settings.ts';

export function dialplanUsage(texts: Translator): string {
  return texts.t('cli.dialplan.usage');
}

export async function dialplan(args: string[], io: CliIo): Promise<number> {
  const texts = cliTexts(io.env);
  const error = (message: string): string => texts.t('cli.main.error', { message });
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        style: { type: 'string', default: 'plain' },
        'agi-host': { type: 'string' },
        'agi-port': { type: 'string' },
        'http-url': { type: 'string' },
        token: { type: 'string' },
        fallback: { type: 'string' },
        tech: { type: 'string', default: 'PJSIP' },
        pbx: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }));
  } catch (err) {
    io.stderr.write(`${error((err as Error).message)}\n\n${dialplanUsage(texts)}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(dialplanUsage(texts));
    return 0;
  }
  if (values.style !== 'plain' && values.style !== 'freepbx') {
    io.stderr.write(`${error(texts.t('cli.dialplan.badStyle', { style: values.style }))}\n`);
    return 2;
  }
  let host: string;
  let port: string;
  let fallback: string;
  try {
    host = setting(io.env, 'AGI_PUBLIC_HOST', { flag: { name: '--agi-host', value: values['agi-host'] } }) ?? configDefault('AGI_PUBLIC_HOST');
    port = String(setting(io.env, 'AGI_PORT', { flag: { name: '--agi-port', value: values['agi-port'] }, invalid: (_, from) => texts.t('cli.dialplan.badPort', { from }) }) ?? configDefault('AGI_PORT'));
    fallback = setting(io.env, 'ROUTING_FALLBACK_DIAL', { flag: { name: '--fallback', value: values.fallback } }) ?? configDefault('ROUTING_FALLBACK_DIAL');
  } catch (err) {
    if (!isCrmTelephonyError(err, ErrorCodes.CONFIG_ERR_INVALID)) throw err;
    io.stderr.write(`${error(err.message)}\n`);
    return 2;
  }
  if (values.pbx !== undefined && !PBX_ID_PATTERN.test(values.pbx)) {
    io.stderr.write(`${error(texts.t('cli.dialplan.badPbx', { pbx: values.pbx }))}\n`);
    return 2;
  }
  // Every request names the PBX it comes from; the default PBX needs no name.
  const pbx = values.pbx === undefined ? '' : `pbx=${values.pbx}`;
  const httpUrl = (values['http-url'] ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const token = values.token ?? '<ROUTING-TOKEN>';
  for (const [name, value] of [['agi-host', host], ['agi-port', port], ['http-url', httpUrl], ['token', token], ['fallback', fallback], ['tech', values.tech]] as const) {
    // These end up inside dialplan lines: a newline or a semicolon would break (or extend) them.
    if (/[\r\n;]/.test(value ?? '')) {
      io.stderr.write(`${error(texts.t('cli.dialplan.badValue', { flag: `--${name}` }))}\n`);
      return 2;
    }
  }
  io.stdout.write(values.style === 'plain' ? plain(host, port, httpUrl, token, fallback, values.tech!, pbx) : freepbx(host, port, httpUrl, token, fallback, values.tech!, pbx));
  // The recording subroutine: MixMonitor reports each finished file to the service.
  try {
    io.stdout.write(
      `\n; ---- recordings: start MixMonitor, and report each finished file to crm-telephony ----------\n${recordingSubroutine({
        reportUrl: `${httpUrl}/api/recordings/report${pbx ? `?${pbx}` : ''}`,
        ...(token.startsWith('crmt_routing_') ? { token } : {}),
        monitorDir: setting(io.env, 'RECORDINGS_PBX_DIR') ?? configDefault('RECORDINGS_PBX_DIR'),
      })}`,
    );
  } catch (err) {
    io.stderr.write(`${texts.t('cli.dialplan.noRecordingSubroutine', { message: (err as Error).message })}\n`);
  }
  return 0;
}

function connectLines(tech: string, fallback: string): string {
  return ` same => n,GotoIf($["\${ROUTE_EXT}" = ""]?fallback)
 same => n,Dial(${tech}/\${ROUTE_EXT},20,tT)
 ; After a conversation the call is over; only an unanswered manager falls through to the fallback.
 same => n,GotoIf($["\${DIALSTATUS}" = "ANSWER"]?done)
 same => n(fallback),NoOp(crm-telephony: no route or no answer, reason \${ROUTE_REASON})
 same => n,Dial(${fallback},60,tT)
 same => n(done),Hangup()`;
}

function plain(host: string, port: string, httpUrl: string, token: string, fallback: string, tech: string, pbx: string): string {
  const script = pbx ? `route?${pbx}` : 'route';
  const query = pbx ? `&${pbx}` : '';
  return `; ---- crm-telephony smart routing (paste into extensions.conf) --------------------------
; Send your DIDs here from your inbound context, e.g.:
;   exten => _X.,1,Goto(crm-route,\${EXTEN},1)
[crm-route]
exten => _X.,1,NoOp(crm-telephony routing for \${CALLERID(num)} on DID \${EXTEN})
 same => n,Set(__CRM_DID=\${EXTEN})
 same => n,Set(ROUTE_EXT=)
 ; Asks the service (FastAGI). If it is down, AGISTATUS is FAILURE at once and the call goes on.
 same => n,AGI(agi://${host}:${port}/${script},\${CALLERID(num)},\${EXTEN})
 same => n,GotoIf($["\${AGISTATUS}" != "SUCCESS"]?fallback)
${connectLines(tech, fallback)}

; ---- the same over HTTP, for dialplans that prefer CURL() (module func_curl) -------------
[crm-route-http]
exten => _X.,1,NoOp(crm-telephony routing over HTTP for \${CALLERID(num)})
 same => n,Set(__CRM_DID=\${EXTEN})
 ; Never let a slow or dead service hold the caller: 1 s to connect, 2 s for the answer.
 same => n,Set(CURLOPT(conntimeout)=1)
 same => n,Set(CURLOPT(httptimeout)=2)
 same => n,Set(ROUTE_EXT=\${CURL(${httpUrl}/api/route?caller=\${URIENCODE(\${CALLERID(num)})}&did=\${URIENCODE(\${EXTEN})}&token=${token}${query})})
 ; Only digits are an extension; anything else (an error page, nothing) means no route.
 same => n,Set(ROUTE_EXT=\${FILTER(0-9,\${ROUTE_EXT})})
${connectLines(tech, fallback)}
`;
}

function freepbx(host: string, port: string, httpUrl: string, token: string, fallback: string, tech: string, pbx: string): string {
  const script = pbx ? `route?${pbx}` : 'route';
  const query = pbx ? `&${pbx}` : '';
  return `; ---- crm-telephony smart routing for FreePBX ----------------------------------------------
; 1. Paste this into /etc/asterisk/extensions_custom.conf and run: fwconsole reload
; 2. Admin > Custom Destinations > Add: target "crm-route,\${EXTEN},1", description "CRM routing".
;    (FreePBX passes the DID as FROM_DID; the context below uses it.)
; 3. Connectivity > Inbound Routes: set the route's destination to the Custom Destination.
; The fallback below should be a FreePBX destination, e.g. Local/600@from-internal for ring group 600.
[crm-route]
exten => _.,1,NoOp(crm-telephony routing for \${CALLERID(num)} on DID \${FROM_DID})
 same => n,Set(__CRM_DID=\${FROM_DID})
 same => n,Set(ROUTE_EXT=)
 same => n,AGI(agi://${host}:${port}/${script},\${CALLERID(num)},\${FROM_DID})
 same => n,GotoIf($["\${AGISTATUS}" != "SUCCESS"]?fallback)
 same => n,GotoIf($["\${ROUTE_EXT}" = ""]?fallback)
 ; Through from-internal, so the extension's FreePBX settings (follow-me, voicemail, recording) apply.
 same => n,Goto(from-internal,\${ROUTE_EXT},1)
 same => n(fallback),NoOp(crm-telephony: no route, reason \${ROUTE_REASON})
 same => n,Dial(${fallback === 'Local/s@crm-route-fallback' ? 'Local/600@from-internal' : fallback},60,tT)
 same => n(done),Hangup()

; The HTTP variant (module func_curl), if you prefer it to FastAGI:
;  same => n,Set(CURLOPT(conntimeout)=1)
;  same => n,Set(CURLOPT(httptimeout)=2)
;  same => n,Set(ROUTE_EXT=\${FILTER(0-9,\${CURL(${httpUrl}/api/route?caller=\${URIENCODE(\${CALLERID(num)})}&did=\${URIENCODE(\${FROM_DID})}&token=${token}${query})})})
; Extensions use ${tech} channels.
`;
}
