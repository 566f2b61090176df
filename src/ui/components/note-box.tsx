/** A note on a call: written during or after it, kept in the call log with the person's name. */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, errorText, type CallNote } from '../api.ts';
import { formatWhen } from '../format.ts';

export function NoteBox({ callId }: { callId: string }): JSX.Element {
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
      setError('Write something first.');
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
          Add a note
        </button>
      </div>
    );
  }
  return (
    <form class="note-box" onSubmit={save}>
      {notes && notes.length > 0 ? (
        <ul class="notes" aria-label="Notes on this call">
          {notes.map((n) => (
            <li key={n.id}>
              <time dateTime={n.createdAt}>{formatWhen(n.createdAt)}</time> {n.text}
            </li>
          ))}
        </ul>
      ) : null}
      <label for={id}>Note on this call</label>
      <textarea id={id} rows={2} maxLength={5000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <div class="button-row">
        <button type="submit" disabled={saving}>
          Save note
        </button>
        <button type="button" class="secondary" onClick={() => setOpen(false)}>
          Hide
        </button>
      </div>
    </form>
  );
}
