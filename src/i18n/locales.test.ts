import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { acceptedLanguages, pickLocale } from './locales.ts';

describe('which language a person gets', () => {
  it('the first of theirs we have, by language', () => {
    assert.equal(pickLocale(['de-DE', 'ru-RU', 'en']), 'ru');
    assert.equal(pickLocale(['ru_RU.UTF-8']), 'ru');
    assert.equal(pickLocale(['RU']), 'ru');
    assert.equal(pickLocale(['en_us']), 'en');
    assert.equal(pickLocale(['fr', undefined, null, '']), 'en');
    assert.equal(pickLocale([]), 'en');
  });

  it('an Accept-Language header, by weight then order', () => {
    assert.deepEqual(acceptedLanguages('en;q=0.5, ru-RU, ru;q=0.9, *;q=0.1'), ['ru-RU', 'ru', 'en']);
    assert.deepEqual(acceptedLanguages('de;q=0, fr'), ['fr']);
    assert.deepEqual(acceptedLanguages(undefined), []);
    assert.equal(pickLocale(acceptedLanguages('de-DE,de;q=0.9,ru;q=0.8,en;q=0.7')), 'ru');
  });
});
