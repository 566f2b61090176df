/**
 * One small line in the corner for what the person should know (the phone service is offline, a
 * call could not be placed). Fixed in place, so nothing of SuiteCRM's moves; dismissible; the
 * transient ones go by themselves.
 */
import type { WidgetTranslator } from './i18n.ts';
import { el } from './dom.ts';
import { OWN } from './suitecrm-page.ts';

export class Notice {
  readonly element: HTMLElement;
  readonly #text: HTMLElement;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(tr: WidgetTranslator) {
    this.#text = el('span', { class: 'crmt-notice-text' });
    const dismiss = tr.t('widget.notice.dismiss');
    const close = el('button', { type: 'button', class: 'crmt-notice-close', 'aria-label': dismiss, title: dismiss }, '×');
    close.addEventListener('click', () => this.hide());
    this.element = el('div', { class: 'crmt-notice', role: 'status', hidden: '', [OWN]: 'notice' }, this.#text, close);
  }

  /** Shows `text`; for `ms` milliseconds when given, otherwise until hidden. */
  show(text: string, ms?: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = ms === undefined ? null : setTimeout(() => this.hide(), ms);
    this.#text.textContent = text;
    this.element.hidden = false;
  }

  hide(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.element.hidden = true;
  }

  get text(): string | null {
    return this.element.hidden ? null : this.#text.textContent;
  }
}
