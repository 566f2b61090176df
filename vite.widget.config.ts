// Builds the SuiteCRM widget (src/widget) into dist/widget-bundle/widget.js: one classic script
// (an IIFE, no modules, no chunks, no CSS file), because SuiteCRM's pages load it with a plain
// <script> element, and it keeps the same name so the logic hook's URL never changes. The service
// serves it at /widget/widget.js (src/web/routes/widget-routes.ts), revalidated on every page load.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompiledMessages } from './scripts/vite-precompiled-messages.ts';

const entry = fileURLToPath(new URL('./src/widget/main.ts', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/widget-bundle/', import.meta.url));

export default defineConfig({
  // Messages parsed at build time: the browser carries no ICU parser.
  plugins: [precompiledMessages()],
  // Nothing from public/ or an index.html: a library build of one file.
  publicDir: false,
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: true,
    reportCompressedSize: true,
    lib: {
      entry,
      formats: ['iife'],
      name: 'crmTelephonyWidget',
      fileName: () => 'widget.js',
    },
  },
});
