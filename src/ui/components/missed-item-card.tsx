/**
 * One missed-call item on the missed-calls page: who called, how often and when, on which line,
 * why it is the reader's and when it moves on; Call back, Snooze, Reassign and Close with a note
 * while it is open, how it was closed once it is. Everything from the PBX or the CRM is text.
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useT } from '../i18n.ts';
import { formatWhen } from '../format.ts';
import { missedApi, missedErrorText, type Assignee, type MissedItemView } from '../missed-api.ts';
import { closedText, countText, missedWhenText, ownerText, scheduleText, snoozeMinutes, type SnoozeChoice } from '../missed-text.ts';
import { CallBackButton, MissedCaller, missedDomId } from './missed-parts.tsx';

export interface MissedItemCardProps {
  item: MissedItemView;
  /** The reader: "yours" or whose. */
  userId: string;
  now: Date;
  /** The service's answer to an action, with what to announce. */
  onChanged: (item: MissedItemView, said: string) => void;
}

type Panel = 'snooze' | 'reassign' | 'close';

// Asked once per page load, when someone first opens "Reassign": active users change rarely.
let assignees: Promise<Assignee[]> | undefined;

export function MissedItemCard({ item, userId, now, onChanged }: MissedItemCardProps): JSX.Element {
  const tr = useT();
  const [panel, setPanel] = useState<Panel | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const headingId = missedDomId('missed', item.id);
  const panelId = missedDomId('missed-panel', item.id);
  const open = item.status === 'open';
  const facts = [item.record || item.callerName ? item.numberFormatted || item.number : null, missedWhenText(item, now, tr), item.did ? tr.t('console.card.line', { did: item.did }) : null].filter(Boolean).join(' · ');
  const schedule = scheduleText(item, now, tr);
  const closed = closedText(item, now, tr);

  const act = async (run: () => Promise<{ item: MissedItemView }>, said: (item: MissedItemView) => string): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const res = await run();
      setPanel(null);
      onChanged(res.item, said(res.item));
    } catch (err) {
      setError(missedErrorText(err, tr));
    } finally {
      setBusy(false);
    }
  };
  const snooze = (choice: SnoozeChoice): Promise<void> =>
    act(
      () => missedApi.snooze(item.id, snoozeMinutes(choice, new Date())),
      (i) => tr.t('console.missed.done.snoozed', { when: formatWhen(i.snoozedUntil, new Date(), tr) }),
    );
  const toggle = (p: Panel): void => {
    setError(null);
    setPanel((current) => (current === p ? null : p));
  };

  return (
    <li class={`missed-card missed-card--${item.status}`} data-item-id={item.id} data-status={item.status}>
      <article aria-labelledby={headingId}>
        <header class="missed-head">
          <MissedCaller item={item} id={headingId} />
          <span class="badge badge--missed missed-count">{countText(item, tr)}</span>
        </header>
        <p class="missed-facts muted">{facts}</p>
        {/* Once closed, the closing line says who dealt with it; whose it was matters only when not the reader's. */}
        {(open || item.owner?.id !== userId ? ownerText(item, userId, tr) : []).map((line) => (
          <p key={line} class="missed-why">
            {line}
          </p>
        ))}
        {schedule ? <p class="missed-schedule">{schedule}</p> : null}
        {closed ? <p class="missed-closed">{closed}</p> : null}
        {open ? (
          <div class="button-row missed-actions">
            <CallBackButton item={item} />
            <button type="button" class="secondary" aria-expanded={panel === 'snooze'} aria-controls={panelId} onClick={() => toggle('snooze')}>
              {tr.t('console.missed.snooze')}
            </button>
            <button type="button" class="secondary" aria-expanded={panel === 'reassign'} aria-controls={panelId} onClick={() => toggle('reassign')}>
              {tr.t('console.missed.reassign')}
            </button>
            <button type="button" class="secondary" aria-expanded={panel === 'close'} aria-controls={panelId} onClick={() => toggle('close')}>
              {tr.t('console.missed.close')}
            </button>
          </div>
        ) : null}
        <div id={panelId} class="missed-panel" hidden={panel === null}>
          {panel === 'snooze' ? (
            <fieldset class="missed-snooze" disabled={busy}>
              <legend>{tr.t('console.missed.snooze.for')}</legend>
              <div class="button-row">
                {(['15', '60', 'tomorrow'] as const).map((choice) => (
                  <button key={choice} type="button" class="secondary" onClick={() => void snooze(choice)}>
                    {tr.t(choice === '15' ? 'console.missed.snooze.15' : choice === '60' ? 'console.missed.snooze.60' : 'console.missed.snooze.tomorrow')}
                  </button>
                ))}
              </div>
            </fieldset>
          ) : null}
          {panel === 'reassign' ? (
            <ReassignForm
              item={item}
              busy={busy}
              onSubmit={(to) =>
                void act(
                  () => missedApi.reassign(item.id, to.id),
                  () => tr.t('console.missed.done.reassigned', { name: to.name }),
                )
              }
              onError={setError}
            />
          ) : null}
          {panel === 'close' ? <CloseForm busy={busy} onSubmit={(note) => void act(() => missedApi.close(item.id, note), () => tr.t('console.missed.done.closed'))} /> : null}
        </div>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
      </article>
    </li>
  );
}

function ReassignForm({ item, busy, onSubmit, onError }: { item: MissedItemView; busy: boolean; onSubmit: (to: Assignee) => void; onError: (text: string) => void }): JSX.Element {
  const tr = useT();
  const [users, setUsers] = useState<Assignee[] | null>(null);
  const [picked, setPicked] = useState('');
  const selectId = missedDomId('missed-reassign', item.id);
  useEffect(() => {
    let stale = false;
    (assignees ??= missedApi.assignees().then((r) => r.users)).then(
      (list) => !stale && setUsers(list.filter((u) => u.id !== item.owner?.id)),
      (err: unknown) => {
        assignees = undefined;
        if (!stale) onError(missedErrorText(err, tr));
      },
    );
    return () => {
      stale = true;
    };
  }, [item.owner?.id]);
  const submit = (e: Event): void => {
    e.preventDefault();
    const to = users?.find((u) => u.id === picked);
    if (to) onSubmit(to);
  };
  return (
    <form class="missed-form" onSubmit={submit}>
      <label for={selectId}>{tr.t('console.missed.reassign.to')}</label>
      <div class="button-row">
        <select id={selectId} value={picked} onChange={(e) => setPicked(e.currentTarget.value)} disabled={busy || users === null} aria-busy={users === null}>
          <option value="">{users === null ? tr.t('console.loading') : tr.t('console.missed.reassign.pick')}</option>
          {(users ?? []).map((u) => (
            <option key={u.id} value={u.id}>
              {u.extensions.length > 0 ? `${u.name} (${u.extensions.join(', ')})` : u.name}
            </option>
          ))}
        </select>
        <button type="submit" disabled={busy || picked === ''}>
          {tr.t('console.missed.reassign.submit')}
        </button>
      </div>
    </form>
  );
}

function CloseForm({ busy, onSubmit }: { busy: boolean; onSubmit: (note: string) => void }): JSX.Element {
  const tr = useT();
  const [note, setNote] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = (e: Event): void => {
    e.preventDefault();
    onSubmit(note.trim());
  };
  return (
    <form class="missed-form" onSubmit={submit}>
      <label>
        {tr.t('console.missed.close.note')}
        <input ref={input} type="text" maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} disabled={busy} />
      </label>
      <div class="button-row">
        <button type="submit" disabled={busy}>
          {tr.t('console.missed.close.submit')}
        </button>
      </div>
    </form>
  );
}
