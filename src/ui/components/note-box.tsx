/** A note on a call: written during or after it, kept in the call log with the person's name. */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, errorText, type CallNote } from '../api.ts';
import { formatWhen } from '../format.ts';
import { useT } from '../i18n.ts';

export function NoteBox({ callId }: { callId: string }): JSX.Element {
  const tr = useT();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [notes, setNotes] = useState<CallNote[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const id = `note-${callId.replace(/[^A-Za-z0-9_-]/g, '_')}`;

  const expand = (): void => {
    setOpen(true);
    // Notes written earlier (or by a colleague) on this call; a call not logged yet has none.
    api.notes(callId).then((r) => setNotes(r.notes), () => setNotes([]));
  };
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!text.trim()) {
      setError(tr.t('console.note.empty'));
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const res = await api.addNote(callId, text.trim());
      setNotes((n) => [...(n ?? []), { id: res.id, userId: null, text: text.trim(), createdAt: res.createdAt }]);
      setText('');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSaving(false);
    }
  };

  if (!open) {
    return (
      <div class="button-row">
        <button type="button" class="secondary" onClick={expand}>
          {tr.t('console.note.add')}
        </button>
      </div>
    );
  }
  return (
    <form class="note-box" onSubmit={save}>
      {notes && notes.length > 0 ? (
        <ul class="notes" aria-label={tr.t('console.note.list')}>
          {notes.map((n) => (
            <li key={n.id}>
              <time dateTime={n.createdAt}>{formatWhen(n.createdAt, undefined, tr)}</time> {n.text}
            </li>
          ))}
        </ul>
      ) : null}
      <label for={id}>{tr.t('console.note.label')}</label>
      <textarea id={id} rows={2} maxLength={5000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <div class="button-row">
        <button type="submit" disabled={saving}>
          {tr.t('console.note.save')}
        </button>
        <button type="button" class="secondary" onClick={() => setOpen(false)}>
          {tr.t('console.note.hide')}
        </button>
      </div>
    </form>
  );
}
