/**
 * The browser tests drive the built console (dist/ui). `npm test` builds it first when it is out of
 * date (scripts/ensure-installed.mjs); this makes a test file run on its own just as reliable.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const UI_ROOT = join(REPO, 'dist/ui');

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

/** Builds the console with Vite when its sources are newer than dist/ui/index.html. */
export async function ensureUiBuilt(): Promise<string> {
  const index = join(UI_ROOT, 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  const source = Math.max(newest(join(REPO, 'src/ui')), newest(join(REPO, 'vite.config.ts')));
  if (source > built) {
    const { build } = await import('vite');
    await build({ configFile: join(REPO, 'vite.config.ts'), logLevel: 'warn' });
  }
  return UI_ROOT;
}
