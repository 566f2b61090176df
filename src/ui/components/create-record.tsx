/** "Create a contact / lead" from an unknown caller, prefilled with the number and caller ID name. */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, errorText } from '../api.ts';
import { recordTypeLabel, splitName } from '../format.ts';
import { useT } from '../i18n.ts';
import { Link, recordPath } from '../router.tsx';
import type { RecordCard } from '../types.ts';

export function CreateRecord(props: { phone: string; callerName: string | null }): JSX.Element {
  const [kind, setKind] = useState<'contact' | 'lead' | null>(null);
  const [created, setCreated] = useState<RecordCard | null>(null);
  const tr = useT();
  if (created) {
    return (
      <p role="status">
        {tr.t('console.create.created', { type: recordTypeLabel(created.type, tr).toLowerCase() })} <Link href={recordPath(created.type, created.id)}>{created.name}</Link>.
      </p>
    );
  }
  if (!kind) {
    return (
      <div class="button-row">
        <button type="button" class="secondary" onClick={() => setKind('contact')}>
          {tr.t('console.create.contact')}
        </button>
        <button type="button" class="secondary" onClick={() => setKind('lead')}>
          {tr.t('console.create.lead')}
        </button>
      </div>
    );
  }
  return <RecordForm kind={kind} phone={props.phone} callerName={props.callerName} onCancel={() => setKind(null)} onCreated={setCreated} />;
}

function RecordForm(props: { kind: 'contact' | 'lead'; phone: string; callerName: string | null; onCancel: () => void; onCreated: (r: RecordCard) => void }): JSX.Element {
  const tr = useT();
  const prefill = splitName(props.callerName);
  const [firstName, setFirstName] = useState(prefill.firstName);
  const [lastName, setLastName] = useState(prefill.lastName);
  const [company, setCompany] = useState('');
  const [phone, setPhone] = useState(props.phone);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const idBase = `new-${props.kind}-${props.phone.replace(/\W/g, '')}`;
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!lastName.trim()) {
      setError(tr.t('console.create.lastNameNeeded'));
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const res = await api.createRecord(props.kind, { firstName, lastName, phone, ...(props.kind === 'lead' && company.trim() ? { company } : {}) });
      props.onCreated(res.record);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSaving(false);
    }
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-label={tr.t(props.kind === 'lead' ? 'console.create.newLead' : 'console.create.newContact')}>
      <div class="field">
        <label for={`${idBase}-first`}>{tr.t('console.create.firstName')}</label>
        <input id={`${idBase}-first`} value={firstName} onInput={(e) => setFirstName(e.currentTarget.value)} autoComplete="off" />
      </div>
      <div class="field">
        <label for={`${idBase}-last`}>{tr.t('console.create.lastName')}</label>
        <input id={`${idBase}-last`} value={lastName} onInput={(e) => setLastName(e.currentTarget.value)} required autoComplete="off" />
      </div>
      {props.kind === 'lead' ? (
        <div class="field">
          <label for={`${idBase}-company`}>{tr.t('console.create.company')}</label>
          <input id={`${idBase}-company`} value={company} onInput={(e) => setCompany(e.currentTarget.value)} autoComplete="off" />
        </div>
      ) : null}
      <div class="field">
        <label for={`${idBase}-phone`}>{tr.t('console.create.phone')}</label>
        <input id={`${idBase}-phone`} value={phone} onInput={(e) => setPhone(e.currentTarget.value)} required inputMode="tel" autoComplete="off" />
      </div>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <div class="button-row">
        <button type="submit" disabled={saving}>
          {tr.t(props.kind === 'lead' ? 'console.create.saveLead' : 'console.create.saveContact')}
        </button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          {tr.t('console.cancel')}
        </button>
      </div>
    </form>
  );
}
