// Builds the agent console (src/ui) into dist/ui, which the service serves (src/web/routes/ui-routes.ts).
// JSX is compiled by Vite's own transformer (Oxc in Vite 8) for Preact; no framework plugin needed.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompiledMessages } from './scripts/vite-precompiled-messages.ts';

const root = fileURLToPath(new URL('./src/ui/', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/ui/', import.meta.url));

export default defineConfig({
  // Messages parsed at build time: the browser carries no ICU parser.
  plugins: [precompiledMessages()],
  root,
  base: '/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // Inline nothing: the service's Content-Security-Policy allows scripts, styles and images from
    // the page's own origin only, never inline or data: code.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev:ui`: the console with hot reload, against a service on :8080 (npm start).
    proxy: { '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } },
  },
});
