// Lint rules: typescript-eslint's recommended set on top of ESLint's, type-aware for src/test/bench.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // The console renders caller names and CRM texts, which anyone can set: text only, never markup.
    files: ['src/ui/**/*.ts', 'src/ui/**/*.tsx', 'src/widget/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render text, never markup: caller names and CRM texts are attacker-controlled.' },
        { selector: 'AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/]', message: 'Render text, never markup: caller names and CRM texts are attacker-controlled.' },
        { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: 'Render text, never markup: caller names and CRM texts are attacker-controlled.' },
      ],
      // The browser's bundles carry the console's and the widget's words only (src/i18n/browser.ts).
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: 'i18n/(translator|messages/index)\\.ts$', message: 'In the browser, translate with src/i18n/browser.ts: the server translator carries every part’s words.' }] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
