/** Every phone number in the console is this button: pressing it rings your phone, then the number. */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { EntityRef } from '../api.ts';
import { useApp } from '../app-context.ts';
import { useT } from '../i18n.ts';

export interface PhoneButtonProps {
  number: string;
  /** How to show the number (formatted for people); default the number itself. */
  display?: string | null;
  /** The record the call is made from: the call log links the call to it. */
  entity?: EntityRef;
  /** A word before the number, such as the phone's kind (`mobile`). */
  kind?: string;
}

export function PhoneButton(props: PhoneButtonProps): JSX.Element {
  const { placeCall } = useApp();
  const tr = useT();
  const [busy, setBusy] = useState(false);
  const shown = props.display || props.number;
  // The accessible name holds the visible text (kind and number), then whose number it is.
  const onClick = async (): Promise<void> => {
    if (busy) return;
    setBusy(true);
    try {
      await placeCall(props.number, props.entity);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" class="phone" onClick={onClick} aria-busy={busy} disabled={busy} aria-label={tr.t(props.entity?.name ? 'console.phone.callWhose' : 'console.phone.call', { number: `${props.kind ? `${props.kind} ` : ''}${shown}`, name: props.entity?.name ?? '' })}>
      <PhoneIcon />
      {props.kind ? <span class="phone-kind">{props.kind}</span> : null}
      <span class="phone-number">{shown}</span>
    </button>
  );
}

export function PhoneIcon(): JSX.Element {
  return (
    <svg class="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2c.3-.3.7-.4 1-.2 1.1.4 2.3.6 3.6.6.6 0 1 .4 1 1V20c0 .6-.4 1-1 1A17 17 0 0 1 3 4c0-.6.4-1 1-1h3.5c.6 0 1 .4 1 1 0 1.3.2 2.5.6 3.6.1.3 0 .7-.2 1z"
      />
    </svg>
  );
}
