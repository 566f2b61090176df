/**
 * SuiteCRM 7 or 8 behind one SUITECRM_URL (issue 18): the API is found by what each candidate
 * answers (test/fixtures/suitecrm8-api/, files 04-07), found again when the site is upgraded, and
 * refused in words when nothing answers; lists are never served from a cache although SuiteCRM marks
 * them cacheable for a month; v4_1 SQL on a field SuiteCRM 8 lacks (its HTTP 500 HTML "Database
 * failure") is an error naming the field and what to do.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { candidateRoots } from '../../src/crm/suitecrm/api-locator.ts';
import { TokenSource } from '../../src/crm/suitecrm/oauth-token.ts';
import { V8Api } from '../../src/crm/suitecrm/v8-api.ts';
import { LegacyApi } from '../../src/crm/suitecrm/legacy-api.ts';
import { fetchTransport } from '../../src/crm/suitecrm/transport.ts';
import { CrmErrorCodes, isCrmError } from '../../src/crm/crm-errors.ts';
import { silentLog } from '../../src/logger.ts';
import { Directory } from '../../src/directory/directory.ts';
import { SuiteCrm } from '../../src/crm/suitecrm/suitecrm-crm.ts';
import type { Transport } from '../../src/crm/suitecrm/transport.ts';
import { openTestStore } from '../support/engines.ts';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FAKE_USER_PASSWORD, type FakeSuiteCrm } from '../fakes/fake-suitecrm.ts';
import { IDS, settingsFor, startFake } from './support.ts';

function client(url: string) {
  const tokens = new TokenSource({ url, clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET, transport: fetchTransport, timeoutMs: 2000 });
  return { tokens, api: new V8Api({ tokens, transport: fetchTransport, timeoutMs: 2000, log: silentLog }) };
}

const fakes: FakeSuiteCrm[] = [];
async function fake(options: Parameters<typeof startFake>[0] = {}): Promise<FakeSuiteCrm> {
  const f = await startFake(options);
  fakes.push(f);
  return f;
}
after(async () => {
  await Promise.all(fakes.map((f) => f.stop()));
});

describe('finding the API under SUITECRM_URL', () => {
  test('the candidates: the site root (7), then /legacy (8); a URL ending in /legacy is SuiteCRM 8 only', () => {
    assert.deepEqual(candidateRoots('https://crm.example.com/'), [
      { root: 'https://crm.example.com', site: 'https://crm.example.com', version: '7' },
      { root: 'https://crm.example.com/legacy', site: 'https://crm.example.com', version: '8' },
    ]);
    assert.deepEqual(candidateRoots('https://crm.example.com/suite/legacy'), [{ root: 'https://crm.example.com/suite/legacy', site: 'https://crm.example.com/suite', version: '8' }]);
  });

  for (const version of ['7', '8'] as const) {
    test(`SuiteCRM ${version} at its site root is found by its answers, once per process, without sending a secret`, async () => {
      const f = await fake({ version });
      const { tokens, api } = client(f.url);
      await api.get('Contacts', IDS.C1, ['last_name']);
      await api.get('Contacts', IDS.C2, ['last_name']);
      assert.deepEqual(tokens.locator.known, { root: f.apiRoot, site: f.url, version });
      const probes = f.requests.filter((r) => r.path.endsWith('/access_token') && !r.body.includes('client_secret'));
      // SuiteCRM 7 answers the first probe; SuiteCRM 8 answers SuiteCRM 7's path with a 404 first.
      assert.deepEqual(probes.map((r) => `${r.sitePath} ${r.status}`), version === '7' ? ['/Api/access_token 400'] : ['/Api/access_token 404', '/legacy/Api/access_token 400']);
      assert.equal(tokens.locator.probes, probes.length);
    });
  }

  test('SUITECRM_URL may name SuiteCRM 8’s /legacy folder: links still start at the site root', async () => {
    const f = await fake({ version: '8' });
    const { tokens, api } = client(`${f.url}/legacy`);
    await api.get('Contacts', IDS.C1, ['last_name']);
    assert.deepEqual(tokens.locator.known, { root: `${f.url}/legacy`, site: f.url, version: '8' });
    assert.equal(f.requests.filter((r) => r.sitePath === '/Api/access_token').length, 0, 'SuiteCRM 7’s path is not tried');
  });

  test('an upgrade from 7 to 8 under the same URL: the next request finds the API under /legacy and carries on', async () => {
    const f = await fake({ version: '7' });
    const { tokens, api } = client(f.url);
    await api.get('Contacts', IDS.C1, ['last_name']);
    f.setVersion('8');
    const r = await api.get('Contacts', IDS.C1, ['last_name']);
    assert.equal(r.id, IDS.C1);
    assert.equal(tokens.locator.known?.version, '8');
    f.setVersion('7');
    assert.equal((await api.get('Contacts', IDS.C2, ['last_name'])).id, IDS.C2, 'and back');
    assert.equal(tokens.locator.known?.version, '7');
  });

  test('the token endpoint and v4_1 find a moved API by themselves too (the first request after an upgrade may be either)', async () => {
    const f = await fake({ version: '7' });
    const { tokens, api } = client(f.url);
    const legacy = new LegacyApi({ url: f.url, locator: tokens.locator, username: 'admin', password: FAKE_USER_PASSWORD, transport: fetchTransport, timeoutMs: 2000 });
    await legacy.deletedSince('Contacts', 'contacts', '2000-01-01 00:00:00', 0, 10);
    f.setVersion('8');
    await legacy.deletedSince('Contacts', 'contacts', '2000-01-01 00:00:00', 0, 10);
    assert.equal(tokens.locator.known?.version, '8');
    assert.ok(f.requests.some((r) => r.sitePath === '/legacy/service/v4_1/rest.php' && r.status === 200));
    f.setVersion('7');
    // No token held yet: the token request itself meets the 404 (at /legacy on a SuiteCRM 7) and looks again.
    assert.equal((await api.get('Contacts', IDS.C1, ['last_name'])).id, IDS.C1);
    assert.equal(tokens.locator.known?.version, '7');
    assert.ok(f.requests.some((r) => r.sitePath === '/legacy/Api/access_token' && r.body.includes('client_secret') && r.status === 404), 'the token request met the 404');
    await legacy.logout();
  });

  test('neither answers: an error in words naming what was tried and what to do (retryable: a site under maintenance recovers)', async () => {
    // A web server that is not SuiteCRM: an HTML 404 for everything, as Apache's default page.
    const server = createServer((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<html><body><h1>Not Found</h1></body></html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const { api } = client(url);
      await assert.rejects(api.get('Contacts', IDS.C1), (err: unknown) => {
        assert.ok(isCrmError(err, CrmErrorCodes.CRM_ERR_BAD_RESPONSE), String(err));
        assert.ok(err.retryable);
        assert.match(err.message, new RegExp(`Found no SuiteCRM API under ${url}\\. Tried ${url}/Api/access_token \\(SuiteCRM 7\\): HTTP 404, an HTML page; ${url}/legacy/Api/access_token \\(SuiteCRM 8\\): HTTP 404, an HTML page\\. Set SUITECRM_URL`));
        return true;
      });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test('mid-upgrade, the token endpoint answers but the API is not there (404): a retryable error, so a call being logged waits rather than being dropped', async () => {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (req.url === '/Api/access_token') {
          // The probe carries no credentials: an OAuth2 server's 400; a real request gets a token.
          if (!body.includes('client_secret')) return void res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error":"unsupported_grant_type"}');
          return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"token_type":"Bearer","expires_in":3600,"access_token":"a.b.c"}');
        }
        res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><body>Not Found</body></html>');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const { tokens, api } = client(url);
      await assert.rejects(api.get('Contacts', IDS.C1), (err: unknown) => isCrmError(err) && err.retryable && /HTTP 404/.test(err.message) && /will try again/.test(err.message));
      const legacy = new LegacyApi({ url, locator: tokens.locator, username: 'admin', password: FAKE_USER_PASSWORD, transport: fetchTransport, timeoutMs: 2000 });
      await assert.rejects(legacy.deletedSince('Contacts', 'contacts', '2000-01-01 00:00:00', 0, 10), (err: unknown) => isCrmError(err) && err.retryable && /HTTP 404/.test(err.message));
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test('a wrong client secret on SuiteCRM 8 is CRM_ERR_AUTH saying where the client is made there', async () => {
    const f = await fake({ version: '8' });
    const tokens = new TokenSource({ url: f.url, clientId: FAKE_CLIENT_ID, clientSecret: 'WrongSecret', transport: fetchTransport, timeoutMs: 2000 });
    await assert.rejects(tokens.get(), (err: unknown) => isCrmError(err, CrmErrorCodes.CRM_ERR_AUTH) && /SuiteCRM 8 refused the OAuth2 client \(invalid_client\).*Administration -> OAuth2 Clients and Tokens/.test(err.message));
  });

  test('the locator is shared: API v8 and v4_1 look once between them', async () => {
    const f = await fake({ version: '8' });
    const { tokens, api } = client(f.url);
    const legacy = new LegacyApi({ url: f.url, locator: tokens.locator, username: 'admin', password: FAKE_USER_PASSWORD, transport: fetchTransport, timeoutMs: 2000 });
    await Promise.all([api.get('Contacts', IDS.C1), legacy.deletedSince('Contacts', 'contacts', '2000-01-01 00:00:00', 0, 10)]);
    assert.equal(tokens.locator.probes, 2);
    assert.ok(f.requests.some((r) => r.sitePath === '/legacy/service/v4_1/rest.php' && r.status === 200));
  });
});

describe('never a cached list', () => {
  for (const version of ['7', '8'] as const) {
    test(`SuiteCRM ${version} marks lists cacheable for a month; every GET asks caches not to answer, and an edit shows at once`, async () => {
      const f = await fake({ version });
      const { api } = client(f.url);
      const list = () => api.list('Contacts', { filters: [{ field: 'id', op: 'eq', value: IDS.C1 }], fields: ['last_name'], pageSize: 5, pageNumber: 1 });
      const first = await list();
      assert.equal(first.records[0]?.attributes['last_name'], 'Petrov');
      const answered = await fetch(`${f.apiRoot}/Api/V8/module/Contacts?page[size]=1&page[number]=1`, { headers: { Authorization: f.requests.find((r) => r.headers['authorization'])!.headers['authorization'] as string } });
      assert.equal(answered.headers.get('cache-control'), 'max-age=2592000', 'the fake says what SuiteCRM says');
      f.edit('Contacts', IDS.C1, { last_name: 'Petrov-Edited' });
      assert.equal((await list()).records[0]?.attributes['last_name'], 'Petrov-Edited');
      const gets = f.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/Api/V8/') && r.headers['authorization'] !== undefined && r.url.includes('filter'));
      assert.equal(gets.length, 2);
      for (const g of gets) assert.deepEqual([g.headers['cache-control'], g.headers['pragma']], ['no-cache', 'no-cache']);
    });
  }
});

describe('v4_1 SQL on a custom field SuiteCRM 8 does not have', () => {
  test('HTTP 500 HTML "Database failure" is CRM_ERR_REJECTED naming the field and how to add it, not "will try again"', async () => {
    const f = await fake({ version: '8', recordings: 'suitecrm8-api' });
    const legacy = new LegacyApi({ url: f.url, username: 'admin', password: FAKE_USER_PASSWORD, transport: fetchTransport, timeoutMs: 2000 });
    const query = (session: string) => ({ session, module_name: 'Users', query: "users_cstm.asterisk_ext_c = '201'", order_by: '', offset: 0, select_fields: ['id'], max_results: 20, deleted: 0 });
    await assert.rejects(legacy.call('get_entry_list', query), (err: unknown) => {
      assert.ok(isCrmError(err, CrmErrorCodes.CRM_ERR_REJECTED), String(err));
      assert.equal(err.retryable, false);
      assert.equal(err.details['databaseFailure'], true);
      assert.deepEqual(err.details['fields'], ['asterisk_ext_c']);
      assert.match(err.message, /Users has no custom field asterisk_ext_c in SuiteCRM 8's database: install the crm-telephony package .*Administration -> Module Loader.*Administration -> Studio/);
      return true;
    });
    assert.ok(f.requests.some((r) => r.status === 500 && r.path === '/service/v4_1/rest.php'), 'as SuiteCRM 8.7.1 answered (recording 104)');
  });
});

describe('the sync on a SuiteCRM 8 as installed (8.7.1’s data: no custom fields)', () => {
  test('Users without the extension field: the sync says what to install or add, on SuiteCRM 8’s menus', async () => {
    const t = await openTestStore('sqlite');
    try {
      const f = await fake({ version: '8', recordings: 'suitecrm8-api' });
      const crm = new SuiteCrm(settingsFor(f, { pageSize: 50 }), { directory: new Directory(t.store, { defaultRegion: 'RU' }) });
      await assert.rejects(crm.syncFull(), (err: unknown) => {
        assert.ok(isCrmError(err, CrmErrorCodes.CRM_ERR_REJECTED), String(err));
        assert.match(err.message, /Users module has no field "asterisk_ext_c" \(a new SuiteCRM 8 has none\)\. Install the crm-telephony package.*on SuiteCRM 8 npx crm-telephony suitecrm package --suitecrm 8, then Administration -> Module Loader.*SUITECRM_EXTENSION_FIELD/);
        return true;
      });
      // Without Users the records sync as on SuiteCRM 7, and the record links are SuiteCRM 8's.
      const records = new SuiteCrm(settingsFor(f, { pageSize: 2, modules: ['Accounts', 'Contacts', 'Leads'] }), { directory: new Directory(t.store, { defaultRegion: 'RU' }) });
      const report = await records.syncFull();
      assert.deepEqual([report.modules['Accounts']?.written, report.modules['Contacts']?.written, report.modules['Leads']?.written], [3, 3, 2]);
      assert.equal(records.recordUrl({ type: 'contact', id: 'suitecrm:x', source: 'suitecrm', externalId: '1da78610-db24-f01e-7114-6b1559c35ea6' }), `${f.url}/#/contacts/record/1da78610-db24-f01e-7114-6b1559c35ea6`);
    } finally {
      await t.dispose();
    }
  });

  test('deletions: a v4_1 query SuiteCRM’s database cannot run is a warning of the sync (the reconcile still removes), not a failure retried forever', async () => {
    const t = await openTestStore('sqlite');
    try {
      const f = await fake({ version: '8' });
      let failed = 0;
      // As SuiteCRM 8.7.1 answers v4_1 SQL naming a missing column (recording 104).
      const transport: Transport = async (x) => {
        if (x.url.endsWith('/service/v4_1/rest.php') && x.body?.startsWith('method=get_entry_list')) {
          failed++;
          return { status: 500, contentType: 'text/html; charset=UTF-8', text: 'Database failure. Please refer to suitecrm.log for details.', date: null };
        }
        return fetchTransport(x);
      };
      const crm = new SuiteCrm(settingsFor(f, { pageSize: 50 }), { directory: new Directory(t.store, { defaultRegion: 'RU' }), transport });
      await crm.syncFull();
      const report = await crm.syncIncremental();
      assert.ok(failed > 0);
      assert.ok(report.warnings.some((w) => /^Deletions of Contacts are not seen between full syncs: SuiteCRM's legacy API could not run get_entry_list on Contacts \(HTTP 500 "Database failure"\)/.test(w)), report.warnings.join('\n'));
      await crm.close();
    } finally {
      await t.dispose();
    }
  });
});
