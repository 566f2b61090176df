/** Search Contacts, Accounts and Leads by name or phone number. */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api.ts';
import { Link, navigate, recordPath } from '../router.tsx';
import { PhoneButton } from '../components/phone-button.tsx';
import { phoneKindLabel, recordTypeLabel } from '../format.ts';
import { useT } from '../i18n.ts';
import type { RecordCard } from '../types.ts';

export function RecordsPage({ q }: { q: string }): JSX.Element {
  const tr = useT();
  const [text, setText] = useState(q);
  const [results, setResults] = useState<RecordCard[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setText(q);
    if (!q.trim()) {
      setResults(null);
      return;
    }
    let stale = false;
    setError(null);
    api.searchRecords(q).then(
      (r) => !stale && setResults(r.records),
      (err: unknown) => !stale && setError(errorText(err)),
    );
    return () => {
      stale = true;
    };
  }, [q]);

  const submit = (e: Event): void => {
    e.preventDefault();
    navigate(`/records?q=${encodeURIComponent(text.trim())}`, { replace: q !== '' });
  };

  return (
    <div class="page">
      <h1>{tr.t('console.records.heading')}</h1>
      <form class="search" role="search" onSubmit={submit}>
        <label for="record-search">{tr.t('console.records.searchLabel')}</label>
        <div class="search-row">
          <input id="record-search" type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} autoComplete="off" />
          <button type="submit">{tr.t('console.records.search')}</button>
        </div>
      </form>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {results && results.length === 0 ? <p role="status">{tr.t('console.records.nothing', { q })}</p> : null}
      {results && results.length > 0 ? (
        <ul class="results" aria-label={tr.t('console.records.results')}>
          {results.map((r) => (
            <li key={`${r.type}:${r.id}`} class="result">
              <span class={`tag tag--${r.type}`}>{recordTypeLabel(r.type, tr)}</span> <Link href={recordPath(r.type, r.id)}>{r.name}</Link>
              <span class="muted">{[r.account, r.owner ? tr.t('console.records.owner', { owner: r.owner }) : null].filter(Boolean).join(' · ')}</span>
              <span class="phones">
                {r.phones.map((p) => (
                  <PhoneButton key={`${p.kind}:${p.number}`} number={p.number} display={p.formatted ?? null} kind={phoneKindLabel(p.kind, tr)} entity={{ type: r.type, id: r.id, name: r.name }} />
                ))}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
