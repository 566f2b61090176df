/** Search Contacts, Accounts and Leads by name or phone number. */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api.ts';
import { Link, navigate, recordPath } from '../router.tsx';
import { PhoneButton } from '../components/phone-button.tsx';
import { RECORD_TYPE_LABEL } from '../format.ts';
import type { RecordCard } from '../types.ts';

export function RecordsPage({ q }: { q: string }): JSX.Element {
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
      <h1>Records</h1>
      <form class="search" role="search" onSubmit={submit}>
        <label for="record-search">Search contacts, accounts and leads by name or phone number</label>
        <div class="search-row">
          <input id="record-search" type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} autoComplete="off" />
          <button type="submit">Search</button>
        </div>
      </form>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {results && results.length === 0 ? <p role="status">Nothing matches “{q}”.</p> : null}
      {results && results.length > 0 ? (
        <ul class="results" aria-label="Search results">
          {results.map((r) => (
            <li key={`${r.type}:${r.id}`} class="result">
              <span class={`tag tag--${r.type}`}>{RECORD_TYPE_LABEL[r.type]}</span> <Link href={recordPath(r.type, r.id)}>{r.name}</Link>
              <span class="muted">{[r.account, r.owner ? `owner ${r.owner}` : null].filter(Boolean).join(' · ')}</span>
              <span class="phones">
                {r.phones.map((p) => (
                  <PhoneButton key={`${p.kind}:${p.number}`} number={p.number} kind={p.kind} entity={{ type: r.type, id: r.id, name: r.name }} />
                ))}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
