/**
 * Serves the agent console: the Vite build (`dist/ui`) at `/`, with the page itself for every
 * other non-API path (the console routes in the browser: `/records/contact/42` is a real URL).
 *
 * - Hashed assets (`/assets/index-3f2a9c.js`) never change under their name: cached for a year.
 * - `index.html` names the current assets, so it is revalidated on every load (`no-cache`).
 * - A strict Content-Security-Policy: scripts, styles, images and connections from this origin
 *   only, no inline script or style, no framing. Caller names and CRM texts are attacker-controlled;
 *   Preact renders them as text, and this header is the second line should that ever fail.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { sendError } from '../errors.ts';
import { t } from '../request-locale.ts';

export interface UiRoutesOptions {
  /** Folder holding the built console (`vite build` output). Default `dist/ui` in this checkout. */
  root?: string;
}

/** `dist/ui` beside `src/` (this file is three folders down, as is its compiled form in `dist/`). */
export const DEFAULT_UI_ROOT = fileURLToPath(new URL('../../../dist/ui/', import.meta.url));

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const YEAR = '365d';

export async function uiRoutes(app: FastifyInstance, options: UiRoutesOptions = {}): Promise<void> {
  const root = resolve(options.root ?? DEFAULT_UI_ROOT);
  // Registered inside this plugin, so `reply.sendFile` stays local to it and cannot clash with
  // another static folder (recordings) registered elsewhere.
  await app.register(fastifyStatic, { root, serve: false, index: false, dotfiles: 'deny' });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    return payload;
  });

  const sendIndex = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    // Checked per request, so a console built while the service runs is picked up.
    if (!existsSync(resolve(root, 'index.html'))) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(`${t(request).t('server.ui.notBuilt', { path: resolve(root, 'index.html') })}\n`);
    }
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html', { cacheControl: false });
  };

  app.get<{ Params: { '*': string } }>('/assets/*', (request, reply) => reply.sendFile(`assets/${request.params['*']}`, { maxAge: YEAR, immutable: true }));

  app.get<{ Params: { '*': string } }>('/*', (request, reply) => {
    const path = request.params['*'];
    if (path === 'api' || path.startsWith('api/')) {
      return sendError(reply, 'NOT_FOUND', t(request).t('server.ui.noApiRoute', { method: request.method, path }));
    }
    const last = path.slice(path.lastIndexOf('/') + 1);
    // A file name (favicon.svg, robots.txt): the file or a 404, never the page in its place.
    if (last.includes('.')) return reply.sendFile(path, { maxAge: '1h' });
    return sendIndex(request, reply);
  });
}
