/**
 * The widget's words (src/widget/i18n.ts, the `widget.*` catalogue part): which language it picks
 * (the SuiteCRM user's, as the hook and the page say it, before the browser's), English worded as
 * it always was, Russian with its plural forms, and the number a "Phone calls" row shows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { widgetLocale } from '../../src/widget/config.ts';
import { widgetTranslator, type WidgetKey } from '../../src/widget/i18n.ts';
import { cardStateText } from '../../src/widget/pops.ts';
import { numberShown, outcomeText, type LoggedCall } from '../../src/widget/calls-panel.ts';
import enWidget from '../../src/i18n/messages/en/widget.ts';
import type { CallRecord } from '../../src/calls/record.ts';

/** A page whose `<html lang>` says `lang` (null: no attribute). */
const page = (lang: string | null): Document => ({ documentElement: { getAttribute: (name: string) => (name === 'lang' ? lang : null) } }) as unknown as Document;
const browser = (...languages: string[]): Pick<Navigator, 'languages' | 'language'> => ({ languages, language: languages[0] ?? '' });

test("the widget speaks the SuiteCRM user's language: the hook's, else the page's, else the browser's, else English", () => {
  // The hook says what SuiteCRM's current_language is; it wins over the page and the browser.
  assert.equal(widgetLocale({ language: 'ru_RU' }, page('en_us'), browser('en-GB', 'en')), 'ru');
  assert.equal(widgetLocale({ language: 'en_us' }, page('en_us'), browser('ru-RU', 'ru')), 'en');
  // A package built before the hook passed it: SuiteCRM's <html lang='ru_RU'> says it.
  assert.equal(widgetLocale({ language: null }, page('ru_RU'), browser('en-GB')), 'ru');
  assert.equal(widgetLocale({ language: '' }, page('ru_RU'), browser('en-GB')), 'ru');
  // A SuiteCRM language we have no catalogue for: the browser's next, then English.
  assert.equal(widgetLocale({ language: 'de_DE' }, page('de_DE'), browser('ru-RU', 'en')), 'ru');
  assert.equal(widgetLocale({ language: 'de_DE' }, page('de_DE'), browser('fr-FR')), 'en');
  assert.equal(widgetLocale(null, page(null), undefined), 'en');
});

test("English reads exactly as the widget always worded it", () => {
  const en = widgetTranslator('en');
  assert.equal(cardStateText(en, 'ringing', 'inbound'), 'Ringing');
  assert.equal(cardStateText(en, 'ringing', 'outbound'), 'Ringing your phone');
  assert.equal(cardStateText(en, 'missed', 'outbound'), 'Not connected');
  assert.equal(cardStateText(en, 'answered-elsewhere', 'inbound'), 'Answered by a colleague');
  assert.equal(en.t('widget.pop.matches', { count: 1 }), 'In the CRM');
  assert.equal(en.t('widget.pop.matches', { count: 3 }), '3 possible matches in the CRM');
  assert.equal(en.t('widget.pop.open', { type: 'contact', name: 'Ivan Petrov' }), 'Open contact Ivan Petrov');
  assert.equal(en.t('widget.pop.openInConsole', { type: 'lead', name: 'Pavel' }), 'Open lead Pavel in the phone console');
  assert.equal(en.t('widget.call.recordType', { type: 'account' }), 'Account');
  assert.equal(en.t('widget.button.callFrom', { number: '+7 916 555-01-01', extension: '101' }), 'Call +7 916 555-01-01 from your phone (101)');
  assert.equal(en.t('widget.panel.direction', { direction: 'inbound' }), 'Incoming');
  assert.equal(en.t('widget.service.status', { status: '502' }), 'The phone service answered 502.');
  const answered = { status: 'ended', disposition: 'answered', direction: 'outbound', hangupBy: 'caller' } as const;
  assert.equal(outcomeText(en, answered), 'Answered, customer hung up');
  assert.equal(outcomeText(en, { ...answered, direction: 'inbound' }), 'Answered, caller hung up');
  assert.equal(outcomeText(en, { ...answered, hangupBy: 'agent' }), 'Answered, we hung up');
  assert.equal(outcomeText(en, { ...answered, disposition: 'abandoned' }), 'Caller hung up before an answer');
  assert.equal(outcomeText(en, { ...answered, status: 'in-progress', disposition: null }), 'In progress');
});

test('Russian: natural words, the plural form for each count, SuiteCRM\'s own names for its modules', () => {
  const ru = widgetTranslator('ru');
  assert.equal(ru.locale, 'ru');
  assert.equal(cardStateText(ru, 'ringing', 'outbound'), 'Звонит ваш телефон');
  assert.deepEqual(
    [1, 2, 5, 21, 22].map((count) => ru.t('widget.pop.matches', { count })),
    ['Есть в CRM', '2 возможных совпадения в CRM', '5 возможных совпадений в CRM', '21 возможное совпадение в CRM', '22 возможных совпадения в CRM'],
  );
  assert.equal(ru.t('widget.call.recordType', { type: 'account' }), 'Контрагент');
  assert.equal(ru.t('widget.pop.open', { type: 'lead', name: 'Павел Сидоров' }), 'Открыть предварительный контакт Павел Сидоров');
  assert.equal(ru.t('widget.button.call', { number: '+7 916 555-01-01' }), 'Позвонить на +7 916 555-01-01');
  assert.equal(outcomeText(ru, { status: 'ended', disposition: 'missed', direction: 'inbound', hangupBy: 'unknown' }), 'Пропущен (нет ответа)');
  // Every Russian message differs from the English one: none left untranslated by mistake.
  const en = widgetTranslator('en');
  const same = (Object.keys(enWidget) as WidgetKey[]).filter((k) => !/\{/.test(enWidget[k]) && ru.t(k) === en.t(k));
  assert.deepEqual(same, []);
});

const record = (externalNumber: string | null): CallRecord => ({ externalNumber }) as unknown as CallRecord;

test('a "Phone calls" row shows the number as the service formatted it, else as the PBX gave it, else "withheld"', () => {
  const en = widgetTranslator('en');
  const rows: [LoggedCall, string][] = [
    [{ record: record('+79165550101'), externalNumberFormatted: '+7 916 555-01-01' }, '+7 916 555-01-01'],
    [{ record: record('84951234567'), externalNumberFormatted: null }, '84951234567'],
    [{ record: record('84951234567') }, '84951234567'],
    [{ record: record(null), externalNumberFormatted: null }, 'withheld'],
  ];
  for (const [call, shown] of rows) assert.equal(numberShown(call, en), shown);
  assert.equal(numberShown({ record: record(null) }, widgetTranslator('ru')), 'номер скрыт');
});

test('every widget.* message is used by the widget (a message nobody shows is a message nobody updates)', () => {
  const dir = fileURLToPath(new URL('../../src/widget/', import.meta.url));
  const code = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  // The panel's column headings are read as `widget.panel.column.${column}`.
  const unused = Object.keys(enWidget).filter((k) => !code.includes(`'${k}'`) && !k.startsWith('widget.panel.column.'));
  assert.deepEqual(unused, []);
});
