/**
 * `crm-telephony import`, in-process: on both engines through an injected store, and once through
 * `main()` on a SQLite file as an admin would run it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { directoryImport } from '../../src/cli/directory-import.ts';
import { main, type CliIo } from '../../src/cli/main.ts';
import { Directory } from '../../src/directory/directory.ts';
import { findByPhone } from '../../src/directory/lookup.ts';
import type { Store } from '../../src/store/store.ts';
import { ENGINES, openTestStore, type TestStore } from '../support/engines.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function collector(env: Record<string, string> = {}): { io: CliIo; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' };
  return { io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, env }, out };
}

const dir = mkdtempSync(join(tmpdir(), 'crm-import-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
function file(text: string): string {
  const path = join(dir, `f${(fileNo += 1)}.csv`);
  writeFileSync(path, text);
  return path;
}

/** The test's store, kept open across commands (each command closes what it opened). */
const borrowed = (store: Store) => ({ openStore: async (): Promise<Store> => ({ ...store, close: async () => {} }) });

const USERS = 'login,name,extensions,role,password\nalice,Alice Agent,101,admin,\nbob,Bob Agent,102;202,,\n';
const ACCOUNTS = 'id,name,phone_office,phone_alternate,phone_fax,assigned_user\nacc-1,"Acme, Inc.",+1 (415) 555-2671 ext. 12,,,alice\nacc-2,Globex,020 7946 0958,,,bob\n';

for (const engine of ENGINES) {
  describe(`import command on ${engine}`, () => {
    let t: TestStore;
    const run = async (args: string[], env: Record<string, string> = {}): Promise<Run> => {
      const { io, out } = collector(env);
      const code = await directoryImport(args, io, borrowed(t.store));
      return { code, ...out };
    };
    before(async () => {
      t = await openTestStore(engine);
    });
    after(() => t.dispose());

    it('imports users, then accounts assigned to them: exit 0 and a summary in words', async () => {
      const users = await run([file(USERS), '--type', 'users']);
      assert.equal(users.code, 0, users.stderr);
      assert.match(users.stdout, /Imported users from .*: 2 rows read/);
      assert.match(users.stdout, /created: 2\n {2}updated: 0\n {2}skipped: 0/);
      const accounts = await run([file(ACCOUNTS), '--type', 'accounts', '--region', 'GB']);
      assert.equal(accounts.code, 0, accounts.stdout);
      assert.equal(accounts.stderr, '', 'no progress lines for a small file off a terminal');
      const hit = (await findByPhone(new Directory(t.store, { defaultRegion: 'GB' }), '+44 20 7946 0958')).candidates[0];
      assert.deepEqual([hit?.name, hit?.owner?.login], ['Globex', 'bob']);
    });

    it('some rows bad: exit 1, the good ones imported, the bad ones listed by line with reasons', async () => {
      const text = [
        'id,first_name,last_name,account_id,phone_work,phone_mobile,phone_home,phone_other,phone_fax,assigned_user',
        'c-1,Ann,Lee,acc-1,,+1 415 555 0001,,,,alice',
        'c-2,"Bob,Ray,acc-1,,+1 415 555 0002,,,,alice',
        'c-3,Cy,Ng,acc-404,,+1 415 555 0003,,,,bob',
        'c-4,Di,Fox,,,+1 415 555 0004,,,,',
        ',Ed,Orr,,,+1 415 555 0005,,,,',
        'c-6,Flo,Ito,,,+1 415 555 0006,,,,carol',
      ].join('\n');
      const r = await run([file(text), '--type', 'contacts']);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /created: 3\n {2}updated: 0\n {2}skipped: 3/);
      assert.match(r.stdout, /line 3: bad quoting/);
      assert.match(r.stdout, /line 4: unknown account id "acc-404": import the accounts first/);
      assert.match(r.stdout, /line 6: missing id/);
      assert.match(r.stdout, /line 7: unknown user "carol" in assigned_user: imported unassigned/);
    });

    it('--json: the same summary for machines; re-import updates', async () => {
      const path = file(ACCOUNTS);
      const r = await run([path, '--type', 'accounts', '--json']);
      assert.equal(r.code, 0);
      const json = JSON.parse(r.stdout);
      assert.deepEqual([json.type, json.rows, json.created, json.updated, json.skipped], ['accounts', 2, 0, 2, 0]);
      assert.deepEqual(json.skippedRows, []);
      assert.equal(json.file, path);
    });

    it('--map renames columns given as a flag, several times if need be', async () => {
      const text = 'Contact Id,Name,Surname,Mobile Phone,Account\nm-1,Vera,Lang,+49 30 1234567,acc-2\n';
      const r = await run([file(text), '--type', 'contacts', '--map', 'Contact Id=id,Name=first_name,Surname=last_name', '--map', 'Mobile Phone=phone_mobile,Account=account_id']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const hit = (await findByPhone(new Directory(t.store, { defaultRegion: 'DE' }), '030 1234567')).candidates[0];
      assert.deepEqual([hit?.name, hit?.account?.name], ['Vera Lang', 'Globex']);
    });

    it('a header the type cannot use: exit 2, says which column to add or map, writes nothing', async () => {
      const { io, out } = collector();
      const before = await t.store.db.selectFrom('accounts').select('id').execute();
      // The command throws a usage error (main() turns it into exit 2, tested below).
      await assert.rejects(directoryImport([file('Name,Phone\nx,1\n'), '--type', 'accounts'], io, borrowed(t.store)), /no "id" column.*--map/);
      assert.equal(out.stdout, '');
      assert.deepEqual(await t.store.db.selectFrom('accounts').select('id').execute(), before);
    });
  });
}

describe('import through main() on a SQLite file', () => {
  const database = join(dir, 'main.sqlite');
  const run = async (argv: string[], env: Record<string, string> = { DATABASE_URL: database }): Promise<Run> => {
    const { io, out } = collector(env);
    const code = await main(argv, io);
    return { code, ...out };
  };

  it('imports, and the lookup command finds the record by another way of writing its number', async () => {
    assert.equal((await run(['import', file(USERS), '--type', 'users'])).code, 0);
    const imported = await run(['import', file(ACCOUNTS), '--type', 'accounts']);
    assert.equal(imported.code, 0, imported.stdout);
    const lookup = await run(['lookup', '415.555.2671']);
    assert.equal(lookup.code, 0, lookup.stderr);
    const json = JSON.parse(lookup.stdout);
    assert.equal(json.candidates[0].name, 'Acme, Inc.');
    assert.equal(json.candidates[0].matched.number, '+1 (415) 555-2671 ext. 12');
  });

  it('usage errors exit 2 and say what to do', async () => {
    const cases: [string[], RegExp][] = [
      [['import'], /Name the CSV file to import/],
      [['import', file(ACCOUNTS)], /--type: contacts, accounts, leads, users/],
      [['import', file(ACCOUNTS), '--type', 'companies'], /Unknown --type "companies"/],
      [['import', join(dir, 'missing.csv'), '--type', 'accounts'], /There is no file ".*missing.csv" \(looked for .*\)\. Check the path/],
      [['import', dir, '--type', 'accounts'], /is a folder/],
      [['import', file(ACCOUNTS), '--type', 'accounts', '--map', 'Phone=phone'], /"phone", which is not a column of accounts/],
      [['import', file(ACCOUNTS), '--type', 'accounts', '--region', 'UK'], /Use GB, not UK/],
      [['import', file(ACCOUNTS), '--type', 'accounts', '--nope'], /Unknown option '--nope'/],
      [['import', file(''), '--type', 'accounts'], /The file is empty.*header row/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /Run "crm-telephony import --help" for usage/);
    }
  });

  it('a semicolon-separated file imports, the summary naming the separator; a file split by another one is told so', async () => {
    const semi = await run(['import', file('id;name;phone_office\nsemi-acc;Semi, GmbH;+49 30 901821\n'), '--type', 'accounts']);
    assert.equal(semi.code, 0, semi.stderr);
    assert.match(semi.stdout, /^Imported accounts from .*\.csv \(semicolon-separated\): 1 row read in \d+\.\d s\./);
    const comma = await run(['import', file(ACCOUNTS), '--type', 'accounts']);
    assert.match(comma.stdout, /\(comma-separated\): 2 rows read/);
    const piped = await run(['import', file('id|name|phone_office\np-1|Pipe Co|+49 30 901822\n'), '--type', 'accounts']);
    assert.equal(piped.code, 2);
    assert.match(piped.stderr, /no "id" column.*may use another separator than a comma, a semicolon or a tab/);
  });

  it('DEFAULT_REGION from the environment, overridden by --region', async () => {
    const csv = file('id,name,phone_office\nru-1,Ромашка,8 (495) 123-45-67\n');
    assert.equal((await run(['import', csv, '--type', 'accounts'], { DATABASE_URL: database, DEFAULT_REGION: 'RU' })).code, 0);
    const json = JSON.parse((await run(['lookup', '+74951234567'])).stdout);
    assert.equal(json.candidates[0]?.name, 'Ромашка');
    assert.equal(json.candidates[0]?.quality, 'exact');
  });

  it('--help prints the columns and exits 0; the top-level help lists the directory commands', async () => {
    const help = await run(['import', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /contacts {2}id,first_name,last_name,account_id,phone_work/);
    const top = await run(['--help']);
    assert.match(top.stdout, /import <file.csv>/);
    assert.match(top.stdout, /ami tail/);
  });
});
