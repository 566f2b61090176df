/**
 * Missed calls that are somebody's to call back (issue 17): the reader's open items first, newest
 * missed first, each with its caller, count, line, why it is theirs and when it moves on, and Call
 * back, Snooze, Reassign and Close. "Closed" shows how each was closed, by whom and when;
 * administrators can see everyone's. The list follows the live stream: it is read again on every
 * `event: missed` (an administrator's stream carries everyone's items) and every reconnect
 * (live.missed.changed), and each minute for what no message says (a snooze running out).
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context.ts';
import { useT } from '../i18n.ts';
import { missedApi, missedErrorText, type MissedItemView, type MissedScope, type MissedStatus } from '../missed-api.ts';
import { MissedItemCard } from '../components/missed-item-card.tsx';

const REFRESH_MS = 60_000;

export function MissedPage(): JSX.Element {
  const { user, live } = useApp();
  const tr = useT();
  const admin = user.role === 'admin';
  const [scope, setScope] = useState<MissedScope>('mine');
  const [status, setStatus] = useState<MissedStatus>('open');
  const [items, setItems] = useState<MissedItemView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const [now, setNow] = useState(() => new Date());

  useEffect(() => {
    const t = window.setInterval(() => setNow(new Date()), REFRESH_MS);
    return () => window.clearInterval(t);
  }, []);

  useEffect(() => {
    let stale = false;
    missedApi.list(admin ? scope : 'mine', status).then(
      (r) => {
        if (stale) return;
        setItems(r.items);
        setError(null);
      },
      (err: unknown) => !stale && setError(missedErrorText(err, tr)),
    );
    return () => {
      stale = true;
    };
  }, [admin, scope, status, live.missed.changed, now]);

  const changed = (item: MissedItemView, text: string): void => {
    setSaid(text);
    // Still on this list (a snooze), or gone from it (closed, or now someone else's on "Mine").
    const stays = item.status === status && (scope === 'all' || item.owner?.id === user.id);
    setItems((list) => (list ?? []).flatMap((i) => (i.id !== item.id ? [i] : stays ? [item] : [])));
    live.missed.refresh();
  };

  return (
    <div class="page missed-page">
      <h1>{tr.t('console.nav.missed')}</h1>
      <div class="missed-switches">
        <Switch
          name="missed-status"
          label={tr.t('console.missed.status.label')}
          value={status}
          onChange={setStatus}
          options={[
            ['open', tr.t('console.missed.status.open')],
            ['closed', tr.t('console.missed.status.closed')],
          ]}
        />
        {admin ? (
          <Switch
            name="missed-scope"
            label={tr.t('console.missed.scope.label')}
            value={scope}
            onChange={setScope}
            options={[
              ['mine', tr.t('console.missed.scope.mine')],
              ['all', tr.t('console.missed.scope.all')],
            ]}
          />
        ) : null}
      </div>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <p class="visually-hidden" role="status">
        {said}
      </p>
      {items && items.length === 0 ? <p class="empty">{tr.t(status === 'open' ? 'console.missed.none.open' : 'console.missed.none.closed')}</p> : null}
      {items && items.length > 0 ? (
        <ul class="missed-cards" aria-label={tr.t('console.missed.list')}>
          {items.map((item) => (
            <MissedItemCard key={item.id} item={item} userId={user.id} now={now} onChanged={changed} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Two or more choices as a row of radio buttons (one group, one label, arrow keys move). */
function Switch<T extends string>(props: { name: string; label: string; value: T; onChange: (v: T) => void; options: [T, string][] }): JSX.Element {
  return (
    <fieldset class="switch">
      <legend class="visually-hidden">{props.label}</legend>
      {props.options.map(([value, text]) => (
        <label key={value} class={props.value === value ? 'switch-on' : undefined}>
          <input type="radio" name={props.name} value={value} checked={props.value === value} onChange={() => props.onChange(value)} />
          {text}
        </label>
      ))}
    </fieldset>
  );
}
