/**
 * What a missed-call item's card on the missed-calls page and its card on the live board share:
 * the caller (a link to their record when there is one) and the Call back button, which is the
 * console's ordinary click-to-call, made from the record so the callback lands in its history.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { useApp } from '../app-context.ts';
import { useT } from '../i18n.ts';
import { recordTypeLabel } from '../format.ts';
import { callerTitle } from '../missed-text.ts';
import type { MissedItemView } from '../missed-api.ts';
import { Link, recordPath } from '../router.tsx';
import { PhoneIcon } from './phone-button.tsx';

/** The caller as a heading: the record's name (a link to it) with its type, else a name or the number. */
export function MissedCaller({ item, id }: { item: MissedItemView; id: string }): JSX.Element {
  const tr = useT();
  const r = item.record;
  return (
    <h3 id={id} class="missed-title">
      {r ? (
        <>
          <span class={`tag tag--${r.type}`}>{recordTypeLabel(r.type, tr)}</span>{' '}
          <Link href={recordPath(r.type, r.id)} aria-label={tr.t('console.card.openRecord', { type: recordTypeLabel(r.type, tr).toLowerCase(), name: r.name })}>
            {r.name}
          </Link>
        </>
      ) : (
        callerTitle(item, tr)
      )}
    </h3>
  );
}

/** Rings the person's phone, then the caller (POST /api/calls); progress shows in the status line. */
export function CallBackButton({ item }: { item: MissedItemView }): JSX.Element | null {
  const { placeCall } = useApp();
  const tr = useT();
  const [busy, setBusy] = useState(false);
  if (!item.number) return null;
  const who = callerTitle(item, tr);
  const number = item.numberFormatted || item.number;
  const onClick = async (): Promise<void> => {
    if (busy) return;
    setBusy(true);
    try {
      await placeCall(item.number, item.record ? { type: item.record.type, id: item.record.id, name: item.record.name } : undefined);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      class="phone missed-call-back"
      onClick={onClick}
      aria-busy={busy}
      disabled={busy}
      aria-label={who === number ? tr.t('console.missed.callBackNumber', { number }) : tr.t('console.missed.callBackWho', { who, number })}
    >
      <PhoneIcon />
      {tr.t('console.missed.callBack')}
    </button>
  );
}

/** Element ids from item ids (which may hold any character). */
export function missedDomId(prefix: string, itemId: string): string {
  return `${prefix}-${itemId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
