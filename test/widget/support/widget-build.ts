/**
 * The browser tests load the built widget (dist/widget-bundle/widget.js). `npm test` builds it
 * first when it is out of date (scripts/ensure-installed.mjs); this makes a test file run on its
 * own just as reliable.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const WIDGET_ROOT = join(REPO, 'dist/widget-bundle');

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

/** Builds the widget with Vite when its sources (or the catalogue and formats it reads) are newer. */
export async function ensureWidgetBuilt(): Promise<string> {
  const bundle = join(WIDGET_ROOT, 'widget.js');
  const built = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  const source = Math.max(newest(join(REPO, 'src/widget')), newest(join(REPO, 'src/i18n')), newest(join(REPO, 'src/pops')), newest(join(REPO, 'vite.widget.config.ts')));
  if (source > built) {
    const { build } = await import('vite');
    await build({ configFile: join(REPO, 'vite.widget.config.ts'), logLevel: 'warn' });
  }
  return WIDGET_ROOT;
}
