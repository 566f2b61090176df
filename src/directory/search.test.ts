/**
 * The console's search (issue 16: "555" found nothing although a contact has (555) 123-0001): by
 * any run of three or more digits of a number, by name, by company; ranked, one hit per record,
 * limited. On both engines.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { Directory } from './directory.ts';
import { afterPrefix, digitRuns, searchRecords } from './search.ts';

describe('search: digits as typed and as the start of a number in the region', () => {
  test('trunk and international prefixes and country codes are read as people type them', () => {
    assert.deepEqual(digitRuns('555', '555', 'US'), ['555']);
    assert.deepEqual(digitRuns('(555) 123', '555123', 'US'), ['555123']);
    assert.deepEqual(digitRuns('0171 23', '017123', 'DE'), ['017123', '17123']);
    assert.deepEqual(digitRuns('8 912', '8912', 'RU'), ['8912', '912']);
    assert.deepEqual(digitRuns('0049 30 12', '00493012', 'DE'), ['00493012', '3012']);
    assert.deepEqual(digitRuns('+44 20 7', '44207', 'US'), ['44207']);
    assert.deepEqual(digitRuns('123', '123', 'US'), ['123'], 'a run read down to two digits is left out');
  });

  test('the bound past a prefix', () => {
    assert.equal(afterPrefix('555'), '556');
    assert.equal(afterPrefix('559'), '56');
    assert.equal(afterPrefix('1999'), '2');
    assert.equal(afterPrefix('999'), null);
  });
});

for (const engine of ENGINES) {
  describe(`search on ${engine}`, () => {
    let t: TestStore;
    let dir: Directory;
    const ids: Record<string, string> = {};
    const search = async (q: string, limit?: number): Promise<string[]> => (await searchRecords(dir, q, limit)).map((h) => `${h.type}:${h.name}`);

    before(async () => {
      t = await openTestStore(engine);
      dir = new Directory(t.store, { defaultRegion: 'US' });
      ids['acme'] = (await dir.upsertAccount({ name: 'Acme Tools', phones: [{ kind: 'office', number: '+1 415 555 0100' }] })).id;
      ids['john'] = (await dir.upsertContact({ firstName: 'John', lastName: 'Customer', accountId: ids['acme'], phones: [{ kind: 'mobile', number: '(555) 123-0001' }] })).id;
      ids['rita'] = (await dir.upsertContact({ firstName: 'Rita', lastName: 'Ringgroup', phones: [{ kind: 'work', number: '+1 212 555 1234' }, { kind: 'home', number: '+1 212 555 1235' }] })).id;
      ids['lena'] = (await dir.upsertLead({ firstName: 'Lena', lastName: 'Lead', accountName: 'Startup Acme Labs', phones: [{ kind: 'work', number: '+49 30 1234567' }] })).id;
      ids['macme'] = (await dir.upsertContact({ firstName: 'Max', lastName: 'Macmeister', phones: [] })).id;
      ids['odd'] = (await dir.upsertContact({ firstName: 'Odd', lastName: 'Number', phones: [{ kind: 'other', number: '0 8555 777' }] })).id;
    });
    after(() => t.dispose());

    test('three digits find every number that holds them (issue 16): the national number first, then digits anywhere', async () => {
      const hits = await search('555');
      assert.deepEqual(hits.slice(0, 1), ['contact:John Customer'], '(555) 123-0001 begins with 555');
      // Odd Number's 0 8555 777 could not be read as a number: its trailing digits count.
      assert.deepEqual(new Set(hits.slice(1)), new Set(['account:Acme Tools', 'contact:Rita Ringgroup', 'contact:Odd Number']));
      assert.equal(hits.length, 4, 'Rita has two numbers with 555: one hit');
    });

    test('digits typed with punctuation, or with the country code, are the same digits', async () => {
      // Rita's +1 212 555 1234 holds 555123 too, after John's number that begins with it.
      assert.deepEqual(await search('(555) 123'), ['contact:John Customer', 'contact:Rita Ringgroup']);
      assert.deepEqual(await search('123-0001'), ['contact:John Customer']);
      assert.deepEqual(await search('+1 212'), ['contact:Rita Ringgroup']);
      assert.deepEqual(await search('+49 30 123'), ['lead:Lena Lead']);
      assert.deepEqual(await search('1234'), ['contact:Rita Ringgroup', 'lead:Lena Lead'], 'both hold 1234 somewhere: no activity, so the type order');
    });

    test('a whole number is found however it is written', async () => {
      assert.deepEqual(await search('555-123-0001'), ['contact:John Customer']);
      assert.deepEqual(await search('+1 555 123 0001'), ['contact:John Customer']);
      assert.deepEqual(await search('2125551235'), ['contact:Rita Ringgroup']);
    });

    test('by name: a word that begins with the text ranks above a name that merely contains it; company matches too', async () => {
      assert.deepEqual(await search('cust'), ['contact:John Customer']);
      assert.deepEqual(await search('ringgroup'), ['contact:Rita Ringgroup']);
      // Acme Tools (its name), then John (his account begins with it), Lena (her company has a
      // word that begins with it), then Max, whose name only contains it.
      assert.deepEqual(await search('acme'), ['account:Acme Tools', 'contact:John Customer', 'lead:Lena Lead', 'contact:Max Macmeister']);
      assert.deepEqual(await search('ACME'), await search('acme'), 'case does not matter');
      assert.deepEqual(await search('labs'), ['lead:Lena Lead']);
    });

    test('recent activity ranks equal matches', async () => {
      await dir.touch('contact', ids['rita']!, '2026-12-06T12:00:00.000Z');
      assert.deepEqual(await search('1234'), ['contact:Rita Ringgroup', 'lead:Lena Lead']);
      await dir.touch('lead', ids['lena']!, '2026-12-07T12:00:00.000Z');
      assert.deepEqual(await search('1234'), ['lead:Lena Lead', 'contact:Rita Ringgroup']);
    });

    test('limited; wildcards and quotes are text; too little to search finds nothing', async () => {
      assert.equal((await search('555', 2)).length, 2);
      assert.deepEqual(await search('%'), []);
      assert.deepEqual(await search('_'), []);
      assert.deepEqual(await search("o'brien"), []);
      assert.deepEqual(await search('   '), []);
      assert.deepEqual(await search('55'), [], 'two digits are no number search, and no name holds them');
    });
  });
}
