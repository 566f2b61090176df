/**
 * A stand-in for SuiteCRM 8 in the browser tests, on the SuiteCRM 7 stand-in's server (one origin,
 * the one the service allows), under /suitecrm8/ (SuiteCRM installed under a path, so the widget's
 * relative `api/graphql` is exercised). What it does is what SuiteCRM 8.7.1 does where the widget
 * meets it:
 *
 * - GET /suitecrm8/ is the app's page (the real index.html's shape: `<base href>`, `<app-root>`)
 *   with the extension's loader before </body> (hook-markup.ts's loader8Markup, which the package
 *   test holds to the PHP's output), and sets the `XSRF-TOKEN` cookie as CSRFCookieListener does.
 * - `app-stub.js` plays Angular's router: on each hash route it swaps `<app-root>`'s content for the
 *   snapshot of that route (test/fixtures/suitecrm8-ui/), a while after the hash changed.
 * - POST /suitecrm8/api/graphql answers the createProcess mutation of the package's process
 *   handler: refused (403) without the right X-XSRF-TOKEN, "Access Denied." without a session,
 *   else the user, language and a token signed with the shared secret.
 * - POST /suitecrm8/login signs in (the session cookie), without reloading the page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { signWidgetToken } from '../../../src/web/auth/crm-sso.ts';
import { loader8Markup } from './hook-markup.ts';
import type { SuiteServer } from './suite-server.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/suitecrm8-ui/', import.meta.url));

/** The SuiteCRM 8 lab's ids (/opt/suitecrm8/fixture_ids.json), as in the snapshots. */
export const CRM8 = {
  U1: '96427eea-0922-b852-352d-6b16cfe89c13',
  A1: 'c6757628-4972-de5a-a70e-6b16cf2e473c',
  C1: '179faf09-5a62-5e34-7d3a-6b16cf9342e4',
  C2: '44f2f021-573d-9078-169e-6b16cf3b53aa',
  L1: '8f368c38-255d-6424-619e-6b16cf0bc4d9',
} as const;

const ROUTES: [RegExp, string][] = [
  [/^#\/contacts\/record\//, 'contact-record.html'],
  [/^#\/accounts\/record\//, 'account-record.html'],
  [/^#\/leads\/record\//, 'lead-record.html'],
  [/^#\/contacts\/edit\//, 'contact-edit.html'],
];

const APP_STUB = `
window.__suite = { loadAt: null, routes: 0 };
window.addEventListener('load', function () { __suite.loadAt = performance.now(); });
var ROUTES = ${JSON.stringify(ROUTES.map(([re, file]) => [re.source, file]))};
function render() {
  var file = null;
  for (var i = 0; i < ROUTES.length; i++) if (new RegExp(ROUTES[i][0]).test(location.hash)) file = ROUTES[i][1];
  var root = document.querySelector('app-root');
  root.innerHTML = '<div class="app-loading">Loading</div>';
  if (!file) { root.innerHTML = '<form class="login-form"><input name="username"></form>'; return; }
  fetch('fragment?file=' + file).then(function (r) { return r.text(); }).then(function (html) {
    setTimeout(function () { root.innerHTML = html; __suite.routes++; }, 50);
  });
}
window.addEventListener('hashchange', render);
document.addEventListener('DOMContentLoaded', render);
`;

export interface Suite8 {
  signedIn: boolean;
  /** Who is signed in (SuiteCRM's user id). Default CRM8.U1. */
  user: string;
  /** The language the user chose at sign-in, as the process hands it ('' when none). */
  language: string;
  /** Token requests answered, by outcome. */
  readonly asked: string[];
  url(hash: string): string;
}

function cookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) out[part.slice(0, at).trim()] = decodeURIComponent(part.slice(at + 1).trim());
  }
  return out;
}

function appRoot(file: string): string {
  const html = readFileSync(FIXTURES + file, 'utf8');
  const open = /<app-root\b[^>]*>/.exec(html)!;
  return html.slice(open.index + open[0].length, html.indexOf('</app-root>'));
}

export function mountSuite8(suite: SuiteServer, o: { secret: string; serviceUrl: () => string | null }): Suite8 {
  const state: Suite8 = {
    signedIn: true,
    user: CRM8.U1,
    language: '',
    asked: [],
    url: (hash) => `${suite.origin}/suitecrm8/${hash}`,
  };
  const xsrf = randomBytes(16).toString('base64url');
  suite.routes.push((req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (!url.pathname.startsWith('/suitecrm8/')) return false;
    const path = url.pathname.slice('/suitecrm8'.length);
    if (req.method === 'GET' && path === '/') {
      const service = o.serviceUrl();
      const page =
        '<!DOCTYPE html>\n<html lang="en" data-critters-container>\n<head>\n<meta charset="utf-8">\n<title>SuiteCRM</title>\n<base href>\n' +
        '<script src="app-stub.js"></script>\n</head>\n<body>\n<app-root></app-root>\n' +
        (service ? loader8Markup(service) : '') +
        '</body>\n</html>\n';
      res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8', 'cache-control': 'no-store', 'set-cookie': `XSRF-TOKEN=${xsrf}; Path=/` }).end(page);
    } else if (req.method === 'GET' && path === '/app-stub.js') {
      res.writeHead(200, { 'content-type': 'application/javascript' }).end(APP_STUB);
    } else if (req.method === 'GET' && path === '/fragment') {
      const file = url.searchParams.get('file') ?? '';
      if (!/^[a-z-]+\.html$/.test(file)) return (res.writeHead(404).end(), true);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(appRoot(file));
    } else if (req.method === 'POST' && path === '/login') {
      state.signedIn = true;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } else if (req.method === 'POST' && path === '/api/graphql') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (req.headers['x-xsrf-token'] !== xsrf || cookies(req)['XSRF-TOKEN'] !== xsrf) {
          state.asked.push('csrf');
          res.writeHead(403, { 'content-type': 'application/json' }).end('{"title":"An error occurred","detail":"Invalid CSRF token"}');
          return;
        }
        const input = (JSON.parse(body) as { variables?: { input?: { type?: string } } }).variables?.input;
        if (!state.signedIn || input?.type !== 'crm-telephony-widget-token') {
          state.asked.push('denied');
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: 'Access Denied.' }], data: { createProcess: null } }));
          return;
        }
        state.asked.push('token');
        const token = signWidgetToken(o.secret, state.user, Math.floor(Date.now() / 1000) + 300);
        const process = { _id: 'crm-telephony-widget-token', status: 'success', data: { user: state.user, language: state.language, token } };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { createProcess: { process, clientMutationId: null } } }));
      });
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    }
    return true;
  });
  return state;
}
