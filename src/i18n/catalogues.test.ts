/**
 * Every language has every message English has, no more, each one a valid ICU message with the
 * same placeholders as the English one, and plurals with every form the language needs (Russian:
 * one, few, many). A catalogue missing a key fails here, not in front of a person.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IntlMessageFormat } from 'intl-messageformat';
import { CATALOGUES, en, type MessageKey } from './messages/index.ts';
import { LOCALES, type Locale } from './locales.ts';
import { translator } from './translator.ts';

type Node = { type: number; value?: string; options?: Record<string, { value: Node[] }>; children?: Node[] };

/** The argument names a message uses, and the plural categories of each plural in it. */
function shape(message: string, locale: Locale): { args: Set<string>; plurals: Map<string, Set<string>> } {
  const args = new Set<string>();
  const plurals = new Map<string, Set<string>>();
  const walk = (nodes: Node[]): void => {
    for (const n of nodes) {
      // 1 argument, 2 number, 3 date, 4 time, 5 select, 6 plural, 7 pound, 8 tag
      if (n.type >= 1 && n.type <= 6 && n.value !== undefined) args.add(n.value);
      if (n.type === 6 && n.value !== undefined && n.options) plurals.set(n.value, new Set(Object.keys(n.options)));
      if (n.options) for (const o of Object.values(n.options)) walk(o.value);
      if (n.children) walk(n.children);
    }
  };
  walk(new IntlMessageFormat(message, locale, undefined, { ignoreTag: true }).getAst() as Node[]);
  return { args, plurals };
}

describe('message catalogues', () => {
  const keys = Object.keys(en) as MessageKey[];

  it('English has messages, every key prefixed by its part', () => {
    assert.ok(keys.length > 0);
    for (const key of keys) assert.match(key, /^(console|widget|server|crm|cli|demo)\.[a-zA-Z0-9_.-]+$/, key);
  });

  for (const locale of LOCALES) {
    it(`${locale}: every key English has and no other, each valid with English's placeholders`, () => {
      const catalogue = CATALOGUES[locale] as Record<string, string>;
      const missing = keys.filter((k) => typeof catalogue[k] !== 'string' || catalogue[k] === '');
      const extra = Object.keys(catalogue).filter((k) => !(k in en));
      assert.deepEqual(missing, [], `${locale} lacks ${missing.length} messages`);
      assert.deepEqual(extra, [], `${locale} has messages English does not`);
      const rules = new Intl.PluralRules(locale);
      const needed = new Set(rules.resolvedOptions().pluralCategories);
      for (const key of keys) {
        const mine = shape(catalogue[key]!, locale);
        const english = shape(en[key], 'en');
        assert.deepEqual([...mine.args].sort(), [...english.args].sort(), `${locale} ${key}: placeholders differ from English`);
        for (const [arg, forms] of mine.plurals) {
          const lacking = [...needed].filter((c) => !forms.has(c) && c !== 'other' && !(c === 'one' && forms.has('=1')));
          // `other` is what ICU requires; the language's own forms are what a reader needs.
          assert.ok(forms.has('other'), `${locale} ${key}: plural ${arg} without "other"`);
          assert.deepEqual(lacking, [], `${locale} ${key}: plural ${arg} lacks forms`);
        }
      }
    });
  }

  it('a message formats with its values, in Russian with the right plural form', () => {
    const plural = keys.find((k) => shape(en[k], 'en').plurals.size > 0);
    assert.ok(plural, 'at least one message has a plural');
    const arg = [...shape(en[plural], 'en').plurals.keys()][0]!;
    const ru = translator('ru');
    const forms = [1, 3, 5].map((n) => ru.t(plural, { [arg]: n }));
    assert.equal(new Set(forms).size, 3, `one, few and many read differently: ${forms.join(' | ')}`);
  });
});
