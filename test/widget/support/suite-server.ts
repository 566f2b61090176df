/**
 * A stand-in for SuiteCRM 7 in the browser tests: the script-free snapshots of its pages
 * (test/fixtures/suitecrm-ui/) served at SuiteCRM's own URLs (`index.php?module=Contacts&
 * action=DetailView&record=...`), with the logic hook's output where the real hook prints it (the
 * snapshots' SNAPSHOT NOTE) and a fresh token per page load, as the hook makes one per request.
 *
 * `suite-stub.js` in <head> plays the part of SuiteCRM's own JavaScript where the widget meets
 * it: handlers bound at DOMContentLoaded (jQuery's ready) on the phone links (a delayed `tel:`
 * navigation, like inlineEditing.js) and cells (double-click opens the inline editor), on the tabs
 * and the favourite star; it records when the page was ready and loaded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { signWidgetToken } from '../../../src/web/auth/crm-sso.ts';
import { hookMarkup } from './hook-markup.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/suitecrm-ui/', import.meta.url));
const PAGES: Record<string, string> = {
  'Contacts/DetailView': 'contact-detail.html',
  'Accounts/DetailView': 'account-detail.html',
  'Leads/DetailView': 'lead-detail.html',
  'Contacts/EditView': 'contact-edit.html',
  'Accounts/EditView': 'account-edit.html',
  'Leads/EditView': 'lead-edit.html',
  'Contacts/index': 'contact-list.html',
  'Accounts/index': 'account-list.html',
  'Leads/index': 'lead-list.html',
};
const NOTE = /<!-- SNAPSHOT NOTE: the after_ui_frame logic hook output was here[^>]*-->/;

export const SUITE_STUB = `
window.__suite = { readyAt: null, loadAt: null, clicks: [], editorOpened: 0 };
document.addEventListener('DOMContentLoaded', function () {
  __suite.readyAt = performance.now();
  document.querySelectorAll('.inlineEdit a').forEach(function (a) {
    a.addEventListener('click', function (e) { e.preventDefault(); __suite.clicks.push('tel-link ' + a.getAttribute('href')); });
  });
  document.querySelectorAll('.inlineEdit').forEach(function (cell) {
    cell.addEventListener('dblclick', function () { __suite.editorOpened++; });
  });
  document.querySelectorAll('#groupTabs a, .favorite, a#tab0, a#create_link').forEach(function (e) {
    e.addEventListener('click', function (ev) { ev.preventDefault(); __suite.clicks.push(e.id || e.className || e.textContent.trim()); });
  });
});
window.addEventListener('load', function () { __suite.loadAt = performance.now(); });
`;

export interface SuiteOptions {
  /** The SuiteCRM user the hook signs for. */
  userId: string;
  secret: string;
}

export class SuiteServer {
  readonly #server: Server;
  readonly #o: SuiteOptions;
  /** Where the hook points the widget; null: print no hook output at all. */
  serviceUrl: string | null = null;
  /**
   * The SuiteCRM user's language (`$GLOBALS['current_language']`): SuiteCRM writes it into
   * `<html lang='...'>` and the hook into `data-language`. The snapshots were taken in `en_us`.
   */
  language = 'en_us';
  /** False: the hook of a package built before it passed the language (only the page says it). */
  hookSaysLanguage = true;
  /** More routes, tried first (the SuiteCRM 8 stand-in, suite8-app.ts): true when one answered. */
  readonly routes: ((req: IncomingMessage, res: ServerResponse, url: URL) => boolean)[] = [];
  /** Page loads served, by file. */
  readonly served: string[] = [];
  origin = '';

  constructor(options: SuiteOptions) {
    this.#o = options;
    this.#server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      for (const route of this.routes) if (route(req, res, url)) return;
      if (url.pathname === '/suite-stub.js') {
        res.writeHead(200, { 'content-type': 'application/javascript' }).end(SUITE_STUB);
        return;
      }
      if (url.pathname === '/page.html' || url.pathname === '/index.php') {
        const file = url.pathname === '/page.html' ? url.searchParams.get('file') : PAGES[`${url.searchParams.get('module')}/${url.searchParams.get('action') ?? 'index'}`];
        if (file && /^[a-z-]+\.html$/.test(file)) {
          this.served.push(file);
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(this.page(file));
          return;
        }
      }
      // The snapshots' stylesheets and images are not part of the fixture.
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    });
  }

  /** A snapshot as SuiteCRM would send it with our hook installed. */
  page(file: string): string {
    let html = readFileSync(FIXTURES + file, 'utf8');
    html = html.replace('</head>', '<script src="/suite-stub.js"></script>\n</head>');
    html = html.replace(/<html lang=(['"])en_us\1>/, `<html lang='${this.language}'>`);
    if (this.serviceUrl !== null) {
      const token = signWidgetToken(this.#o.secret, this.#o.userId, Math.floor(Date.now() / 1000) + 300);
      html = html.replace(NOTE, hookMarkup({ service: this.serviceUrl, user: this.#o.userId, token, language: this.hookSaysLanguage ? this.language : null }));
    }
    return html;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    // Served as "localhost" while the service is "127.0.0.1": two sites, as in a real deployment.
    this.origin = `http://localhost:${(this.#server.address() as AddressInfo).port}`;
    return this.origin;
  }

  url(module: string, action: string, record?: string): string {
    return `${this.origin}/index.php?module=${module}&action=${action}${record ? `&record=${record}` : ''}`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
