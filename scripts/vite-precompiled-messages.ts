/**
 * A Vite plugin for the browser's bundles (the console and the widget): each message catalogue
 * (`src/i18n/messages/<locale>/<part>.ts`) is parsed into ICU ASTs at build time, and the ICU
 * parser is swapped for formatjs's parser-less build. The browser then formats the same messages
 * without carrying the parser (about a third of the widget's weight); a message the build could not
 * parse fails the build, not a person's screen. The server and the tests parse at run time.
 */
import { parse } from '@formatjs/icu-messageformat-parser';
import type { Plugin } from 'vite';

const CATALOGUE = /[\\/]src[\\/]i18n[\\/]messages[\\/][a-z]{2,3}[\\/][a-z-]+\.ts$/;

export function precompiledMessages(): Plugin {
  return {
    name: 'crm-telephony:precompiled-messages',
    // After TypeScript is stripped: the module is then plain `export default { ... }`.
    enforce: 'post',
    config: () => ({
      resolve: { alias: [{ find: /^@formatjs\/icu-messageformat-parser$/, replacement: '@formatjs/icu-messageformat-parser/no-parser.js' }] },
    }),
    transform(code, id) {
      if (!CATALOGUE.test(id)) return null;
      const body = code.replace(/^\s*\/\/# sourceMappingURL=.*$/m, '');
      if (!/^\s*export default\s/m.test(body) || /^\s*(import|export)\s(?!default\s)/m.test(body)) {
        this.error(`${id}: a message catalogue must be one \`export default { ... }\` of strings`);
      }
      // The catalogue is our own source, a literal object of strings: evaluated as such.
      const messages = new Function(body.replace(/^\s*export default\s/m, 'return '))() as Record<string, unknown>;
      const compiled: Record<string, unknown> = {};
      for (const [key, message] of Object.entries(messages)) {
        if (typeof message !== 'string') this.error(`${id}: ${key} is not a string`);
        try {
          compiled[key] = parse(message, { ignoreTag: true });
        } catch (err) {
          this.error(`${id}: ${key} is not a valid ICU message: ${(err as Error).message}`);
        }
      }
      return { code: `export default ${JSON.stringify(compiled)};\n`, map: null };
    },
  };
}
