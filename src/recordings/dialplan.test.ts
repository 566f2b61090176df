import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { recordingSubroutine } from './dialplan.ts';

const TOKEN = `crmt_routing_${'A'.repeat(43)}`;

describe('the recording subroutine for the dialplan kit', () => {
  test('MixMonitor with a unique name in CRM_RECORDING and a report when the file is closed', () => {
    const text = recordingSubroutine({ reportUrl: 'http://crm.example.com:8080/api/recordings/report', token: TOKEN });
    assert.match(text, /^\[crm-record\]$/m);
    assert.match(text, /Set\(__CRM_RECORDING=\$\{STRFTIME\(\$\{EPOCH\},,%Y%m%d-%H%M%S\)\}-\$\{FILTER\(0-9A-Za-z\+,\$\{CALLERID\(num\)\}\)\}-\$\{UNIQUEID\}\.wav\)/);
    assert.match(text, /Set\(CRM_REC_PATH=\/var\/spool\/asterisk\/monitor\/\$\{CRM_RECORDING\}\)/);
    const mix = text.split('\n').find((l) => l.includes('MixMonitor('))!;
    assert.ok(mix.startsWith(' same => n,MixMonitor(${CRM_REC_PATH},b,/usr/bin/curl -s -m 10'), mix);
    assert.ok(mix.includes(`-H 'Authorization: Bearer ${TOKEN}'`));
    assert.ok(mix.includes("--data-urlencode 'linkedid=${CHANNEL(linkedid)}'"));
    assert.ok(mix.includes("--data-urlencode size=$(stat -c %s '${CRM_REC_PATH}')"));
    assert.ok(mix.endsWith("'http://crm.example.com:8080/api/recordings/report')"));
    // MixMonitor's arguments split on commas and drop double quotes: the command must have neither.
    const command = mix.slice(mix.indexOf(',b,') + 3, -1);
    assert.ok(!command.includes(',') && !command.includes('"'), command);
    assert.match(text, /^\[crm-record-report\]$/m);
    assert.ok(text.includes(`CURL(http://crm.example.com:8080/api/recordings/report?token=${TOKEN},linkedid=`));
    assert.ok(!/\n[^;\n]*(\r)/.test(text));
  });

  test('the folder follows RECORDINGS_PBX_DIR; the placeholder token by default', () => {
    const text = recordingSubroutine({ reportUrl: 'https://crm/api/recordings/report', monitorDir: '/var/spool/asterisk/monitor/crm/' });
    assert.ok(text.includes('Set(CRM_REC_PATH=/var/spool/asterisk/monitor/crm/${CRM_RECORDING})'));
    assert.ok(text.includes('Bearer <ROUTING-TOKEN>'));
  });

  test('nothing that would break or extend a dialplan line or the shell command gets in', () => {
    for (const reportUrl of ['http://crm/x\nexten => s,1,System(rm -rf /)', 'http://crm/x;comment', 'http://crm/x,y', "http://crm/x'$(id)'", 'http://crm/a b', 'ftp://crm/x', 'javascript:alert(1)']) {
      assert.throws(() => recordingSubroutine({ reportUrl, token: TOKEN }), /reportUrl/, reportUrl);
    }
    for (const token of ["crmt_routing_x' ; id ; '", `crmt_api_${'A'.repeat(43)}`, `${TOKEN}\n`]) {
      assert.throws(() => recordingSubroutine({ reportUrl: 'http://crm/r', token }), /token/, token);
    }
    for (const monitorDir of ['relative/dir', '/var/spool/../../etc', "/var/spool/'x'", '/var/spool,x']) {
      assert.throws(() => recordingSubroutine({ reportUrl: 'http://crm/r', token: TOKEN, monitorDir }), /monitorDir/, monitorDir);
    }
  });
});
