/**
 * The importer on both engines (SQLite and the real PostgreSQL): malformed files keep their good
 * rows and report the bad ones by line; re-imports update; --map; users with extensions.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { ENGINES, openTestStore, type TestStore } from '../../../test/support/engines.ts';
import { isCrmTelephonyError, ErrorCodes } from '../../errors.ts';
import { Directory } from '../directory.ts';
import { findByPhone } from '../lookup.ts';
import { importCsv, type ImportOptions, type ImportSummary } from './importer.ts';

const csv = (text: string): Readable => Readable.from([Buffer.from(text)]);
const CONTACTS_HEADER = 'id,first_name,last_name,account_id,phone_work,phone_mobile,phone_home,phone_other,phone_fax,assigned_user';

interface BigFile {
  text: string;
  good: number;
  bad: Map<number, string>;
}

/**
 * 5,000 data rows, CRLF, a BOM, blank lines, and a bad row every 97 rows of one of six kinds. Line
 * numbers are tracked as the file is built, so the expected report is exact.
 */
function malformedContacts(rows = 5000): BigFile {
  const lines: string[] = ['\uFEFF' + CONTACTS_HEADER];
  const bad = new Map<number, string>();
  let good = 0;
  const kinds = ['BAD_QUOTING', 'COLUMN_COUNT', 'COLUMN_COUNT', 'MISSING_ID', 'MISSING_NAME', 'UNKNOWN_ACCOUNT'];
  for (let i = 1; i <= rows; i += 1) {
    if (i % 500 === 0) lines.push(''); // a blank line now and then: passed over, still counted as a line
    const id = `c-${i}`;
    const phone = `+1 415 555 ${String(1000 + (i % 9000)).padStart(4, '0')}`;
    const line = lines.length + 1;
    if (i % 97 === 0) {
      const kind = kinds[(i / 97) % kinds.length]!;
      bad.set(line, kind);
      switch (kind) {
        case 'BAD_QUOTING':
          lines.push(`${id},"Ann,Smith,,${phone},,,,,alice`); // opening quote never closed
          break;
        case 'COLUMN_COUNT':
          lines.push(i % 2 === 0 ? `${id},Ann,Smith,,${phone}` : `${id},Ann,Smith,,${phone},,,,,alice,extra,more`);
          break;
        case 'MISSING_ID':
          lines.push(`,Ann,Smith,,${phone},,,,,alice`);
          break;
        case 'MISSING_NAME':
          lines.push(`${id},,,,${phone},,,,,alice`);
          break;
        case 'UNKNOWN_ACCOUNT':
          lines.push(`${id},Ann,Smith,no-such-account,${phone},,,,,alice`);
          break;
      }
      continue;
    }
    good += 1;
    const account = i % 3 === 0 ? 'acc-1' : '';
    lines.push(`${id},"Ann ${i}","O'Smith, Jr",${account},${phone},,,,,${i % 2 ? 'alice' : 'bob'}`);
  }
  return { text: lines.join('\r\n') + '\r\n', good, bad };
}

for (const engine of ENGINES) {
  describe(`importer on ${engine}`, () => {
    let t: TestStore;
    let directory: Directory;
    const run = (text: string, options: ImportOptions): Promise<ImportSummary> => importCsv(directory, csv(text), options);

    before(async () => {
      t = await openTestStore(engine);
      directory = new Directory(t.store, { defaultRegion: 'US' });
      await directory.upsertUser({ login: 'alice', name: 'Alice Agent', extensions: ['101'] });
      await directory.upsertUser({ login: 'bob', name: 'Bob Agent', extensions: ['102'] });
      await directory.upsertAccount({ id: 'acc-1', name: 'Acme' });
    });
    after(() => t.dispose());

    it('a malformed 5,000-row file: every good row imported, every bad row reported with its line and reason', async () => {
      const file = malformedContacts();
      const progress: number[] = [];
      const summary = await run(file.text, { type: 'contacts', onProgress: (p) => progress.push(p.rows) });
      assert.equal(summary.created, file.good);
      assert.equal(summary.updated, 0);
      assert.equal(summary.skipped, file.bad.size);
      assert.deepEqual(
        summary.skippedRows.map((s) => [s.line, s.code]),
        [...file.bad].map(([line, code]) => [line, code]),
      );
      for (const s of summary.skippedRows) assert.ok(s.reason.length > 20, `reason in words: ${s.reason}`);
      const count = await t.store.db.selectFrom('contacts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(count.n), file.good);
      assert.ok(progress.length > 5 && progress.at(-1) === summary.rows, 'progress after each batch');

      // The text survived: quotes, commas and the account link; the phone is in the index.
      const one = await findByPhone(directory, '(415) 555-1001');
      const c1 = one.candidates.find((c) => c.id === 'c-1');
      assert.equal(c1?.name, "Ann 1 O'Smith, Jr");
      assert.equal(c1?.owner?.login, 'alice');
      const c3 = (await findByPhone(directory, '+14155551003')).candidates.find((c) => c.id === 'c-3');
      assert.deepEqual(c3?.account, { id: 'acc-1', name: 'Acme' });
    });

    it('importing the same file again updates every row and duplicates none', async () => {
      const file = malformedContacts();
      const again = await run(file.text, { type: 'contacts' });
      assert.equal(again.created, 0);
      assert.equal(again.updated, file.good);
      const count = await t.store.db.selectFrom('contacts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(count.n), file.good);
    });

    it('a changed re-import replaces names and phones; the old number no longer finds the record', async () => {
      await run('id,name,phone_office\nacc-9,Old Name,+1 212 555 0101\n', { type: 'accounts' });
      const s = await run('id,name,phone_office\nacc-9,New Name,+1 212 555 0199\n', { type: 'accounts' });
      assert.deepEqual([s.created, s.updated], [0, 1]);
      assert.deepEqual((await findByPhone(directory, '+12125550101')).candidates, []);
      assert.equal((await findByPhone(directory, '+12125550199')).candidates[0]?.name, 'New Name');
    });

    it('--map renames the file columns; other columns are ignored and listed', async () => {
      const text = 'Contact ID,Given,Family,Mobile Phone,Owner,Notes\nm-1,Vera,Lang,+49 30 1234567,bob,hello\n';
      const map = new Map([
        ['Contact ID', 'id'],
        ['Given', 'first_name'],
        ['family', 'last_name'],
        ['Mobile Phone', 'phone_mobile'],
        ['Owner', 'assigned_user'],
      ]);
      const s = await run(text, { type: 'contacts', map });
      assert.deepEqual([s.created, s.skipped], [1, 0]);
      assert.deepEqual(s.ignoredColumns, ['Notes']);
      const hit = (await findByPhone(directory, '0049 30 1234567')).candidates[0];
      assert.equal(hit?.name, 'Vera Lang');
      assert.equal(hit?.matched.kind, 'mobile');
      assert.equal(hit?.owner?.login, 'bob');
    });

    it('a header without the required columns is refused before anything is written', async () => {
      await assert.rejects(run('name,phone\nx,1\n', { type: 'accounts' }), (err) => isCrmTelephonyError(err, ErrorCodes.CONFIG_ERR_INVALID) && /"id"/.test(err.message));
      await assert.rejects(run('', { type: 'accounts' }), (err) => isCrmTelephonyError(err, ErrorCodes.CONFIG_ERR_INVALID) && /empty/.test(err.message));
    });

    it('an unknown assigned user is a warning: the record is imported unassigned', async () => {
      const s = await run('id,name,phone_office,assigned_user\nacc-u,Unowned Ltd,+44 20 7946 0958,zoe\n', { type: 'accounts' });
      assert.deepEqual([s.created, s.skipped, s.warned], [1, 0, 1]);
      assert.deepEqual(
        s.warnings.map((w) => [w.line, w.code]),
        [[2, 'UNKNOWN_USER']],
      );
      assert.equal((await findByPhone(directory, '+442079460958')).candidates[0]?.owner, null);
    });

    it('garbage phones are imported as typed, with a warning', async () => {
      const s = await run('id,name,phone_office,phone_fax\nacc-g,Garbage Inc,n/a,+1 212 555 0142\n', { type: 'accounts' });
      assert.deepEqual([s.created, s.skipped], [1, 0]);
      assert.deepEqual(
        s.warnings.map((w) => w.code),
        ['INVALID_PHONE'],
      );
    });

    it('the same id twice in one file: the later row wins, one record', async () => {
      const s = await run('id,name\ndup-1,First\ndup-1,Second\n', { type: 'accounts' });
      assert.equal(s.created + s.updated, 2);
      const rows = await t.store.db.selectFrom('accounts').select('name').where('id', '=', 'dup-1').execute();
      assert.deepEqual(rows, [{ name: 'Second' }]);
    });

    it('leads: status and company; a lead needs a name', async () => {
      const s = await run('id,first_name,last_name,account_name,status,phone_mobile\nl-1,Li,Wei,Wei Trading,New,+86 138 0013 8000\nl-2,,,Nameless,New,\n', { type: 'leads' });
      assert.deepEqual([s.created, s.skipped], [1, 1]);
      assert.deepEqual(
        s.skippedRows.map((r) => [r.line, r.code]),
        [[3, 'MISSING_NAME']],
      );
      const hit = (await findByPhone(directory, '+8613800138000')).candidates[0];
      assert.deepEqual([hit?.type, hit?.name, hit?.account?.name], ['lead', 'Li Wei', 'Wei Trading']);
    });

    it('users: extensions split by ";", roles, and the bad ones reported', async () => {
      const text = [
        'login,name,extensions,role,password',
        'erin,Erin Agent,105;205,agent,s3cret-pass',
        'frank,Frank Admin,106,ADMIN,',
        'gina,Gina,10a,,', // not dialable
        'hank,Hank,101,,', // alice's
        'ivan,Ivan,,boss,',
        ',No Login,107,,',
      ].join('\n');
      const s = await run(text, { type: 'users' });
      assert.deepEqual([s.created, s.updated, s.skipped], [2, 0, 4]);
      assert.deepEqual(
        s.skippedRows.map((r) => [r.line, r.code]),
        [
          [4, 'INVALID_EXTENSION'],
          [5, 'EXTENSION_TAKEN'],
          [6, 'INVALID_ROLE'],
          [7, 'MISSING_LOGIN'],
        ],
      );
      const erin = await directory.userByLogin('erin');
      assert.deepEqual([erin?.extensions, erin?.primaryExtension, erin?.role], [['105', '205'], '105', 'agent']);
      assert.ok(await directory.passwordHashOf('erin'));
      assert.equal((await directory.userByLogin('frank'))?.role, 'admin');
      assert.equal((await directory.userByExtension('101'))?.login, 'alice');

      // Again, with erin's extensions changed and no password: updated, password kept.
      const again = await run('login,name,extensions\nerin,Erin A.,205\n', { type: 'users' });
      assert.deepEqual([again.created, again.updated], [0, 1]);
      const erin2 = await directory.userByLogin('erin');
      assert.deepEqual([erin2?.name, erin2?.extensions], ['Erin A.', ['205']]);
      assert.ok(await directory.passwordHashOf('erin'));
    });

    it('records can then be assigned to imported users', async () => {
      const s = await run('id,name,phone_office,assigned_user\nacc-e,Erin Co,+1 305 555 0177,ERIN\n', { type: 'accounts' });
      assert.deepEqual([s.created, s.warned], [1, 0]);
      assert.equal((await findByPhone(directory, '+13055550177')).candidates[0]?.owner?.login, 'erin');
    });

    it('a semicolon-separated file (Excel in much of Europe) imports, and the summary says which separator it had', async () => {
      const text = '\uFEFFid;first_name;last_name;account_id;phone_work\r\nsemi-1;Jörg;"Müller; Sohn";acc-1;+49 30 901820\r\nsemi-2;Ann;Lee, Jr;;+1 415 555 0199\r\n';
      const summary = await run(text, { type: 'contacts' });
      assert.deepEqual([summary.created, summary.skipped, summary.delimiter], [2, 0, ';']);
      const hit = (await findByPhone(directory, '+4930901820')).candidates[0];
      assert.deepEqual([hit?.name, hit?.account?.name], ['Jörg Müller; Sohn', 'Acme']);
      assert.equal((await run('id,name\nc-x,Comma Co\n', { type: 'accounts' })).delimiter, ',');
    });
  });
}
