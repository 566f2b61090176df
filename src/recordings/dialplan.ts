/**
 * The recording subroutine for `crm-telephony dialplan`: starts MixMonitor with a unique file name
 * (kept in the inherited CRM_RECORDING, which the call engine reads) and has MixMonitor report the
 * finished file to `POST /api/recordings/report` with a routing token. MixMonitor runs its third
 * argument when the recording is over (the file closed), so the reported size is final.
 *
 * What goes into the dialplan is checked: no line breaks, `;`, `,`, quotes or spaces in the URL or
 * token (they would break the dialplan line or the shell command MixMonitor runs).
 */

export interface RecordingSubroutineOptions {
  /** The report endpoint as the PBX reaches it, e.g. `http://crm.example.com:8080/api/recordings/report`. */
  reportUrl: string;
  /** A routing token (`crm-telephony tokens create --kind routing`); default a placeholder to replace. */
  token?: string;
  /** The folder MixMonitor writes to (RECORDINGS_PBX_DIR). Default /var/spool/asterisk/monitor. */
  monitorDir?: string;
  /** The curl program on the PBX. Default /usr/bin/curl. */
  curl?: string;
}

const URL_TEXT = /^https?:\/\/[A-Za-z0-9._~:/?#@!$&*+=%[\]-]+$/;
const TOKEN = /^(crmt_routing_[A-Za-z0-9_-]{20,100}|<ROUTING-TOKEN>)$/;
const DIR = /^\/[A-Za-z0-9._/-]*$/;

export function recordingSubroutine(options: RecordingSubroutineOptions): string {
  const url = options.reportUrl.trim();
  const token = options.token ?? '<ROUTING-TOKEN>';
  const dir = (options.monitorDir ?? '/var/spool/asterisk/monitor').replace(/\/+$/, '');
  const curl = options.curl ?? '/usr/bin/curl';
  if (!URL_TEXT.test(url) || /[,;'"\s]/.test(url)) throw new Error('reportUrl must be an http(s) URL without spaces, quotes, commas or semicolons.');
  if (!TOKEN.test(token)) throw new Error('token must be a routing token (crmt_routing_...).');
  if (!DIR.test(dir) || dir.split('/').some((p) => p === '..')) throw new Error('monitorDir must be an absolute folder of letters, digits and . _ - /.');
  if (!DIR.test(curl)) throw new Error('curl must be an absolute path.');
  const command = [
    `${curl} -s -m 10 -o /dev/null`,
    `-H 'Authorization: Bearer ${token}'`,
    `--data-urlencode 'linkedid=\${CHANNEL(linkedid)}'`,
    `--data-urlencode 'uniqueid=\${UNIQUEID}'`,
    `--data-urlencode 'path=\${CRM_REC_PATH}'`,
    `--data-urlencode size=$(stat -c %s '\${CRM_REC_PATH}')`,
    `'${url}'`,
  ].join(' ');
  const sep = url.includes('?') ? '&' : '?';
  return `; ---- crm-telephony: record calls, and report each recording when it is complete ----------
; Call it before Dial() or Queue():   same => n,Gosub(crm-record,s,1)
; MixMonitor runs the command after its last argument when the file is closed: curl then tells the
; service the file's path and final size (needs curl on the PBX, and "${dir}" readable by the
; service: mounted there, or over SFTP). Option b records only while the call is bridged, so an
; unanswered call leaves an empty file that the player shows as "no audio".
[crm-record]
exten => s,1,GotoIf($["\${CRM_RECORDING}" != ""]?done)
 same => n,Set(__CRM_RECORDING=\${STRFTIME(\${EPOCH},,%Y%m%d-%H%M%S)}-\${FILTER(0-9A-Za-z+,\${CALLERID(num)})}-\${UNIQUEID}.wav)
 same => n,Set(CDR(userfield)=\${CRM_RECORDING})
 same => n,Set(CRM_REC_PATH=${dir}/\${CRM_RECORDING})
 same => n,MixMonitor(\${CRM_REC_PATH},b,${command})
 same => n(done),Return()

; Without curl on the PBX (func_curl instead), report from a hangup handler. The file may still be
; closing then, so no size is sent; the service checks the size is stable before it copies.
;  In [crm-record], after MixMonitor:  same => n,Set(CHANNEL(hangup_handler_push)=crm-record-report,s,1)
[crm-record-report]
exten => s,1,Set(CURLOPT(conntimeout)=1)
 same => n,Set(CURLOPT(httptimeout)=2)
 same => n,Set(CRM_REPORTED=\${CURL(${url}${sep}token=${token},linkedid=\${CHANNEL(linkedid)}&uniqueid=\${UNIQUEID}&path=\${URIENCODE(\${CRM_REC_PATH})})})
 same => n,Return()
`;
}
