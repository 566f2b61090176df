/**
 * Reading SuiteCRM 7's pages (SuiteP), on what holds on every page and after AjaxUI navigation
 * and inline edits (test/fixtures/suitecrm-ui/README.md): phone values sit in a cell carrying
 * `type="phone"` and `field="phone_..."` (a detail-view div, a list-view td, an edit-view div);
 * `#content` stays while AjaxUI swaps what is inside it; the record of a detail view is in its form
 * `DetailView`, the module of a list view in `#displayMassUpdate` / `form#MassUpdate`. Never
 * `document.querySelector('input[name=module]')`: the global search form answers "Home" first.
 */

export type RecordModule = 'Contacts' | 'Accounts' | 'Leads';
export type RecordType = 'contact' | 'account' | 'lead';

export const TYPE_OF_MODULE: Readonly<Record<RecordModule, RecordType>> = { Contacts: 'contact', Accounts: 'account', Leads: 'lead' };
export const MODULE_OF_TYPE: Readonly<Record<RecordType, RecordModule>> = { contact: 'Contacts', account: 'Accounts', lead: 'Leads' };

export function isRecordModule(module: string | null | undefined): module is RecordModule {
  return module === 'Contacts' || module === 'Accounts' || module === 'Leads';
}

/** Our own elements carry this attribute: scans skip them, and mutations inside them. */
export const OWN = 'data-crmt';

export interface SuiteRecord {
  module: string;
  id: string;
}

function inputValue(scope: ParentNode | null, name: string): string | null {
  const input = scope?.querySelector<HTMLInputElement>(`input[name="${name}"]`);
  const value = input?.value.trim();
  return value ? value : null;
}

/** The record a detail view shows, and where its content ends; null on other pages. */
export function detailView(doc: Document): { record: SuiteRecord; view: Element } | null {
  const form = doc.querySelector<HTMLFormElement>('form#formDetailView, form[name="DetailView"]');
  const view = doc.querySelector('div.detail-view');
  if (!form || !view) return null;
  const module = inputValue(form, 'module');
  const id = inputValue(form, 'record');
  return module && id ? { record: { module, id }, view } : null;
}

/** The module of the list view on the page, or null. */
export function listModule(doc: Document): string | null {
  return inputValue(doc.querySelector('#displayMassUpdate'), 'module') ?? inputValue(doc.querySelector('form#MassUpdate'), 'module');
}

/** Cells that show a phone number (not while SuiteCRM's inline editor is open in them). */
export function phoneCells(root: ParentNode): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const cell of root.querySelectorAll<HTMLElement>('div[type="phone"][field], td[type="phone"][field], span[type="phone"][field]')) {
    if (cell.closest(`[${OWN}]`)) continue;
    if (cell.classList.contains('inlineEditActive')) continue;
    if (cell.querySelector('input, select, textarea, form')) continue;
    out.push(cell);
  }
  return out;
}

/**
 * The number a phone cell shows: its `tel:` link's text, or (after an inline edit rebuilt the cell
 * as plain text) the cell's own text. Null when empty or not number-like.
 */
export function cellNumber(cell: HTMLElement): string | null {
  let text = '';
  const link = cell.querySelector<HTMLAnchorElement>(':scope > a[href^="tel:"]');
  if (link) text = link.textContent ?? '';
  else {
    for (const node of cell.childNodes) if (node.nodeType === Node.TEXT_NODE) text += node.textContent ?? '';
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length <= 100 && (text.match(/\d/g)?.length ?? 0) >= 3 ? text : null;
}

/** Where in a cell our button goes: after the number, before SuiteCRM's edit icon. */
export function buttonSpot(cell: HTMLElement): { parent: HTMLElement; before: Node | null } {
  const link = cell.querySelector<HTMLAnchorElement>(':scope > a[href^="tel:"]');
  if (link) return { parent: cell, before: link.nextSibling };
  const icon = cell.querySelector(':scope > .inlineEditIcon');
  return { parent: cell, before: icon };
}

/** The record a phone cell belongs to: the detail view's, or its list row's. */
export function recordOfCell(cell: HTMLElement, doc: Document): SuiteRecord | null {
  const row = cell.closest('tr');
  if (row && cell.tagName === 'TD') {
    const module = listModule(doc);
    const box = row.querySelector<HTMLInputElement>('input.listview-checkbox[name="mass[]"], input[type="checkbox"][name="mass[]"]');
    const edit = row.querySelector<HTMLAnchorElement>('a.edit-link[id^="edit-"]');
    const id = box?.value || (edit ? edit.id.slice('edit-'.length) : '');
    return module && id ? { module, id } : null;
  }
  return detailView(doc)?.record ?? null;
}

/** SuiteCRM 7's own page for a record, relative to the page (works under any install path). */
export function recordPageUrl(module: RecordModule, id: string): string {
  return `index.php?module=${encodeURIComponent(module)}&action=DetailView&record=${encodeURIComponent(id)}`;
}

/** The record's name as a SuiteCRM 7 page shows it (for the call's log entry). */
export function recordName(cell: HTMLElement, record: SuiteRecord, doc: Document): string | null {
  const row = cell.tagName === 'TD' ? cell.closest('tr') : null;
  const text = row ? row.querySelector('td[field="name"] a')?.textContent : detailView(doc)?.record.id === record.id ? doc.querySelector('.moduleTitle h2')?.textContent : null;
  const name = text?.replace(/\s+/g, ' ').trim();
  return name ? name.slice(0, 200) : null;
}

/** Where the "Phone calls" panel goes on a SuiteCRM 7 detail view: before the subpanel group tabs. */
export function placePanel(panel: HTMLElement, view: Element, doc: Document): boolean {
  const tabs = doc.getElementById('groupTabs');
  if (tabs?.parentNode) tabs.parentNode.insertBefore(panel, tabs);
  else view.after(panel);
  return true;
}

/**
 * What the widget needs to know of a SuiteCRM page, one adapter per SuiteCRM major version:
 * SuiteCRM 7's (this file) and SuiteCRM 8's (suitecrm8-page.ts).
 */
export interface SuitePage {
  /** The record a record page shows, and its content; null on other pages. */
  detailView(doc: Document): { record: SuiteRecord; view: Element } | null;
  /** Puts the "Phone calls" panel on the record page; false when its place is not there yet. */
  placePanel(panel: HTMLElement, view: Element, doc: Document): boolean;
  /** The panel's classes (SuiteCRM's own, so that its theme styles it, and ours). */
  panelClass: string;
  phoneCells(root: ParentNode): HTMLElement[];
  cellNumber(cell: HTMLElement): string | null;
  buttonSpot(cell: HTMLElement): { parent: HTMLElement; before: Node | null };
  recordOfCell(cell: HTMLElement, doc: Document): SuiteRecord | null;
  recordName(cell: HTMLElement, record: SuiteRecord, doc: Document): string | null;
  recordPageUrl(module: RecordModule, id: string): string;
}

export const SUITECRM7_PAGE: SuitePage = {
  detailView,
  placePanel,
  panelClass: 'panel panel-default sub-panel crmt-calls',
  phoneCells,
  cellNumber,
  buttonSpot,
  recordOfCell,
  recordName,
  recordPageUrl,
};
