/**
 * The build-time parse of the browser's catalogues: a catalogue module comes out as ICU ASTs that
 * format the same as the strings did; a message that is not valid ICU stops the build by name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntlMessageFormat } from 'intl-messageformat';
import { precompiledMessages } from '../../scripts/vite-precompiled-messages.ts';

type Transform = (this: { error(message: string): never }, code: string, id: string) => { code: string } | null;

function run(code: string, id = '/repo/src/i18n/messages/ru/console.ts'): { code: string } | null {
  const transform = precompiledMessages().transform as unknown as Transform;
  return transform.call(
    {
      error(message: string): never {
        throw new Error(message);
      },
    },
    code,
    id,
  );
}

test('a catalogue becomes parsed messages that format as the strings do', async () => {
  const source = "export default {\n  'console.x': '{count, plural, one {# звонок} few {# звонка} many {# звонков} other {# звонка}}',\n  'console.y': 'Позвонить: {number}',\n};\n";
  const out = run(source);
  assert.ok(out);
  const compiled = (await import(`data:text/javascript,${encodeURIComponent(out.code)}`)).default as Record<string, unknown>;
  assert.ok(Array.isArray(compiled['console.x']));
  const format = (m: unknown, values: Record<string, unknown>): string => String(new IntlMessageFormat(m as string, 'ru', undefined, { ignoreTag: true }).format(values as Record<string, string>));
  assert.deepEqual([1, 3, 5].map((count) => format(compiled['console.x'], { count })), ['1 звонок', '3 звонка', '5 звонков']);
  assert.equal(format(compiled['console.y'], { number: '101' }), 'Позвонить: 101');
});

test('other modules pass untouched; a message that is not ICU, or a catalogue that is not one object of strings, fails the build by name', () => {
  assert.equal(run("export const a = 1;", '/repo/src/ui/app.tsx'), null);
  assert.throws(() => run("export default {\n  'console.bad': 'Open {name',\n};\n"), /console\.bad is not a valid ICU message/);
  assert.throws(() => run("export default {\n  'console.n': 3,\n};\n"), /console\.n is not a string/);
  assert.throws(() => run("import x from './y.ts';\nexport default x;\n"), /must be one `export default/);
});
