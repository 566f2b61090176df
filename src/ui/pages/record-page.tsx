/** One CRM record: who it is, its phones (each a click-to-call), and its "Phone calls" panel. */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api.ts';
import { PhoneButton } from '../components/phone-button.tsx';
import { PhoneCallsPanel } from '../components/phone-calls-panel.tsx';
import { RECORD_TYPE_LABEL } from '../format.ts';
import type { RecordCard, RecordType } from '../types.ts';

export function RecordPage({ type, id }: { type: RecordType; id: string }): JSX.Element {
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
        <h1>{RECORD_TYPE_LABEL[type]}</h1>
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
        <span class={`tag tag--${record.type}`}>{RECORD_TYPE_LABEL[record.type]}</span>
      </p>
      <h1>{record.name}</h1>
      <dl class="facts facts--wide">
        {record.account ? (
          <div>
            <dt>{record.type === 'lead' ? 'Company' : 'Account'}</dt>
            <dd>{record.account}</dd>
          </div>
        ) : null}
        <div>
          <dt>Owner</dt>
          <dd>{record.owner ?? 'nobody'}</dd>
        </div>
      </dl>
      <section aria-labelledby="phones-heading">
        <h2 id="phones-heading">Phones</h2>
        {record.phones.length === 0 ? <p class="muted">No phone numbers.</p> : null}
        <ul class="phone-list">
          {record.phones.map((p) => (
            <li key={`${p.kind}:${p.number}`}>
              <PhoneButton number={p.number} kind={p.kind} entity={entity} />
            </li>
          ))}
        </ul>
      </section>
      <PhoneCallsPanel type={record.type} id={record.id} />
    </div>
  );
}
