/**
 * Reading SuiteCRM 8's pages: an Angular app with hash routes (`#/contacts/record/<id>`, module
 * names in lower case; test/fixtures/suitecrm8-api/README.md "UI URLs on SuiteCRM 8"), whose
 * contact, account and lead record pages are Angular views in the main document (the legacy
 * pages it shows in iframes, such as Calls, are not ours). What this relies on, from SuiteCRM-Core
 * v8.7.1 (core/app/core/src/lib/...):
 *
 * - every field is a `scrm-dynamic-field` whose classes say its mode, type and name
 *   (`dynamic-field-mode-detail dynamic-field-type-phone dynamic-field-name-phone_work`,
 *   fields/dynamic-field/dynamic-field.component.ts), and a phone field shows
 *   `<scrm-phone-detail><a href="tel:...">number</a></scrm-phone-detail>`
 *   (fields/phone/templates/detail/phone.component.html), in record views, lists and subpanels;
 * - the record view (views/record/components/record-container) holds the record's fields in
 *   `scrm-record-content` and then `scrm-subpanel-container`, each in its own `div.row`;
 * - list and subpanel rows link the record's name to `#/<module>/record/<id>`.
 *
 * Angular re-renders as it likes: the widget finds everything again on each scan (a
 * MutationObserver), and what it adds sits beside Angular's nodes, never inside its bindings.
 */
import { OWN, type RecordModule, type SuitePage, type SuiteRecord } from './suitecrm-page.ts';

const MODULES: Readonly<Record<string, RecordModule>> = { contacts: 'Contacts', accounts: 'Accounts', leads: 'Leads' };

/** The record a SuiteCRM 8 route shows: `#/contacts/record/<id>` (with or without `?offset=1`). */
export function routeRecord(hash: string): SuiteRecord | null {
  const m = /^#\/([A-Za-z][A-Za-z0-9_-]*)\/record\/([A-Za-z0-9_-]{1,36})(?:[?/]|$)/.exec(hash);
  if (!m) return null;
  const route = m[1]!.toLowerCase();
  return { module: MODULES[route] ?? route, id: m[2]! };
}

/** The route of a link in SuiteCRM 8's page (`#/...`), from its href. */
function linkRecord(a: Element | null | undefined): SuiteRecord | null {
  const href = a?.getAttribute('href') ?? '';
  const at = href.indexOf('#/');
  return at < 0 ? null : routeRecord(href.slice(at));
}

function recordContent(doc: Document): Element | null {
  return doc.querySelector('scrm-record-content');
}

export function detailView(doc: Document): { record: SuiteRecord; view: Element } | null {
  const record = routeRecord(doc.location.hash);
  const view = recordContent(doc);
  // On the record view in detail mode only (not while the record is edited or created).
  if (!record || !view || view.querySelector('.field-layout.edit, .field-layout.create')) return null;
  return { record, view };
}

/** The panel goes in a row of its own between the record's fields and the subpanels. */
export function placePanel(panel: HTMLElement, view: Element, doc: Document): boolean {
  const subpanels = doc.querySelector('scrm-subpanel-container')?.closest('.row');
  const fields = view.closest('.row');
  if (subpanels?.parentNode) subpanels.parentNode.insertBefore(panel, subpanels);
  else if (fields) fields.after(panel);
  else return false;
  return true;
}

export function phoneCells(root: ParentNode): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const link of root.querySelectorAll<HTMLAnchorElement>('a[href^="tel:"]')) {
    const cell = link.parentElement;
    const field = link.closest('scrm-dynamic-field, .dynamic-field');
    if (!cell || !field || cell.closest(`[${OWN}]`)) continue;
    if (field.classList.contains('dynamic-field-mode-edit') || field.classList.contains('dynamic-field-mode-create')) continue;
    if (cell.querySelector('input, select, textarea')) continue;
    out.push(cell);
  }
  return out;
}

export function cellNumber(cell: HTMLElement): string | null {
  const text = (cell.querySelector(':scope > a[href^="tel:"]')?.textContent ?? '').replace(/\s+/g, ' ').trim();
  return text.length <= 100 && (text.match(/\d/g)?.length ?? 0) >= 3 ? text : null;
}

export function buttonSpot(cell: HTMLElement): { parent: HTMLElement; before: Node | null } {
  const link = cell.querySelector(':scope > a[href^="tel:"]');
  return { parent: cell, before: link ? link.nextSibling : null };
}

/** The record view's own record for its fields; a row's linked record in lists and subpanels. */
export function recordOfCell(cell: HTMLElement, doc: Document): SuiteRecord | null {
  const row = cell.closest('tr');
  if (row) return linkRecord(row.querySelector('a[href*="/record/"]'));
  if (cell.closest('scrm-record-content')) return detailView(doc)?.record ?? null;
  return null;
}

export function recordName(cell: HTMLElement, record: SuiteRecord, doc: Document): string | null {
  const row = cell.closest('tr');
  let text: string | null | undefined = null;
  if (row) {
    for (const a of row.querySelectorAll('a[href*="/record/"]')) {
      const r = linkRecord(a);
      if (r?.id === record.id) {
        text = a.textContent;
        break;
      }
    }
  } else if (detailView(doc)?.record.id === record.id) text = doc.querySelector('.record-view-name-label')?.textContent;
  const name = text?.replace(/\s+/g, ' ').trim();
  return name ? name.slice(0, 200) : null;
}

/** SuiteCRM 8's own page for a record, relative to the app's page. */
export function recordPageUrl(module: RecordModule, id: string): string {
  return `#/${module.toLowerCase()}/record/${encodeURIComponent(id)}`;
}

export const SUITECRM8_PAGE: SuitePage = {
  detailView,
  placePanel,
  panelClass: 'crmt-calls crmt-calls--8',
  phoneCells,
  cellNumber,
  buttonSpot,
  recordOfCell,
  recordName,
  recordPageUrl,
};
