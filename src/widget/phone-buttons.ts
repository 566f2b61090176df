/**
 * Click-to-call beside every phone number on SuiteCRM's pages. SuiteCRM's own `tel:` link stays
 * as it was (softphones may handle it); our button sits after it, inside the same cell, once per
 * cell: a scan finds the button already there and leaves it (so our own insertions, which the
 * MutationObserver reports, end the loop at once). When inline editing rebuilds a cell, the button
 * goes with the old content and the next scan adds a new one for the new number.
 *
 * Clicks and double-clicks on our buttons are taken in the capture phase at the document and
 * stopped there: SuiteCRM binds `.inlineEdit a` clicks (a delayed `tel:` navigation) and
 * `.inlineEdit` double-clicks (the inline editor) on the cells that hold them.
 */
import type { WidgetTranslator } from './i18n.ts';
import { el, phoneIcon } from './dom.ts';
import { OWN, SUITECRM7_PAGE, type SuitePage } from './suitecrm-page.ts';

export const BUTTON_CLASS = 'crmt-call';

export interface PhoneButtonsOptions {
  /** Called with the number and the cell it was clicked in. */
  onCall(number: string, cell: HTMLElement, button: HTMLButtonElement): void;
  /** The person's extension, for the tooltip. */
  extension: string | null;
  /** The widget's language. */
  tr: WidgetTranslator;
  /** Where the page keeps its phone numbers. Default SuiteCRM 7's. */
  page?: SuitePage;
}

function isOurButton(target: EventTarget | null): HTMLButtonElement | null {
  const e = target instanceof Element ? target.closest(`button.${BUTTON_CLASS}`) : null;
  return e instanceof HTMLButtonElement ? e : null;
}

export class PhoneButtons {
  readonly #o: PhoneButtonsOptions;
  readonly #onClick = (event: MouseEvent): void => {
    const button = isOurButton(event.target);
    if (!button) return;
    event.preventDefault();
    event.stopPropagation();
    const cell = button.parentElement;
    const number = button.getAttribute('data-number');
    if (cell && number && !button.disabled) this.#o.onCall(number, cell, button);
  };
  readonly #onDoubleClick = (event: MouseEvent): void => {
    if (!isOurButton(event.target)) return;
    event.preventDefault();
    event.stopPropagation();
  };

  constructor(options: PhoneButtonsOptions) {
    this.#o = options;
  }

  listen(doc: Document): void {
    doc.addEventListener('click', this.#onClick, true);
    doc.addEventListener('dblclick', this.#onDoubleClick, true);
  }

  unlisten(doc: Document): void {
    doc.removeEventListener('click', this.#onClick, true);
    doc.removeEventListener('dblclick', this.#onDoubleClick, true);
  }

  /** Adds (or corrects) the buttons under `root`. Idempotent. */
  scan(root: ParentNode): void {
    const page = this.#o.page ?? SUITECRM7_PAGE;
    for (const cell of page.phoneCells(root)) {
      const number = page.cellNumber(cell);
      const existing = cell.querySelectorAll<HTMLButtonElement>(`:scope > button.${BUTTON_CLASS}`);
      if (existing.length === 1 && number !== null && existing[0]!.getAttribute('data-number') === number) continue;
      for (const b of existing) b.remove();
      if (number === null) continue;
      const { parent, before } = page.buttonSpot(cell);
      parent.insertBefore(this.#button(number), before);
    }
  }

  /** Takes every button away (signed out). */
  clear(root: ParentNode): void {
    for (const b of root.querySelectorAll(`button.${BUTTON_CLASS}`)) b.remove();
  }

  #button(number: string): HTMLButtonElement {
    const { tr, extension } = this.#o;
    const label = tr.t('widget.button.call', { number });
    const title = extension ? tr.t('widget.button.callFrom', { number, extension }) : label;
    const button = el('button', { type: 'button', class: BUTTON_CLASS, 'data-number': number, 'aria-label': label, title, [OWN]: 'call' });
    button.append(phoneIcon());
    return button;
  }
}
