/** One CRM record: who it is, its phones (each a click-to-call), and its "Phone calls" panel. */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api.ts';
import { PhoneButton } from '../components/phone-button.tsx';
import { PhoneCallsPanel } from '../components/phone-calls-panel.tsx';
import { phoneKindLabel, recordTypeLabel } from '../format.ts';
import { useT } from '../i18n.ts';
import type { RecordCard, RecordType } from '../types.ts';

export function RecordPage({ type, id }: { type: RecordType; id: string }): JSX.Element {
  const tr = useT();
  const [record, setRecord] = useState<RecordCard | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    setRecord(null);
    setError(null);
    api.record(type, id).then(
      (r) => !stale && setRecord(r.record),
      (err: unknown) => !stale && setError(errorText(err)),
    );
    return () => {
      stale = true;
    };
  }, [type, id]);

  if (error) {
    return (
      <div class="page">
        <h1>{recordTypeLabel(type, tr)}</h1>
        <p class="error" role="alert">
          {error}
        </p>
      </div>
    );
  }
  if (!record) return <div class="page" aria-busy="true" />;
  const entity = { type: record.type, id: record.id, name: record.name };
  return (
    <div class="page record">
      <p class="eyebrow">
        <span class={`tag tag--${record.type}`}>{recordTypeLabel(record.type, tr)}</span>
      </p>
      <h1>{record.name}</h1>
      <dl class="facts facts--wide">
        {record.account ? (
          <div>
            <dt>{tr.t(record.type === 'lead' ? 'console.create.company' : 'console.card.account')}</dt>
            <dd>{record.account}</dd>
          </div>
        ) : null}
        <div>
          <dt>{tr.t('console.card.owner')}</dt>
          <dd>{record.owner ?? tr.t('console.card.nobody')}</dd>
        </div>
      </dl>
      <section aria-labelledby="phones-heading">
        <h2 id="phones-heading">{tr.t('console.record.phones')}</h2>
        {record.phones.length === 0 ? <p class="muted">{tr.t('console.record.noPhones')}</p> : null}
        <ul class="phone-list">
          {record.phones.map((p) => (
            <li key={`${p.kind}:${p.number}`}>
              <PhoneButton number={p.number} display={p.formatted ?? null} kind={phoneKindLabel(p.kind, tr)} entity={entity} />
            </li>
          ))}
        </ul>
      </section>
      <PhoneCallsPanel type={record.type} id={record.id} />
    </div>
  );
}
