/** Administrators: users and their extensions; the PBX connections. */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type AdminUser, type AdminUserInput, type PbxConnection } from '../api.ts';
import { formatWhen } from '../format.ts';

export function AdminUsersPage(): JSX.Element {
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<AdminUser | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    api.users().then(
      (r) => setUsers(r.users),
      (err: unknown) => setError(errorText(err)),
    );
  }, [reload]);

  return (
    <div class="page">
      <h1>Users and extensions</h1>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {users ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">Login</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Extensions</th>
                <th scope="col">Active</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <td>{u.login}</td>
                  <td>{u.name}</td>
                  <td>{u.role}</td>
                  <td>{u.extensions.join(', ') || '–'}</td>
                  <td>{u.active ? 'yes' : 'no'}</td>
                  <td>
                    <button type="button" class="secondary" onClick={() => setEditing(u)} aria-label={`Edit ${u.login}`}>
                      Edit
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <UserForm
        key={editing?.id ?? 'new'}
        user={editing}
        onSaved={() => {
          setEditing(null);
          setReload((n) => n + 1);
        }}
        onCancel={() => setEditing(null)}
      />
    </div>
  );
}

function UserForm(props: { user: AdminUser | null; onSaved: () => void; onCancel: () => void }): JSX.Element {
  const u = props.user;
  const [form, setForm] = useState<AdminUserInput>({ login: u?.login ?? '', name: u?.name ?? '', role: u?.role === 'admin' ? 'admin' : 'agent', extensions: u?.extensions ?? [], active: u?.active ?? true });
  const [extensions, setExtensions] = useState((u?.extensions ?? []).join(', '));
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(null);
    try {
      const ext = extensions.split(/[\s,;]+/).filter(Boolean);
      await api.saveUser({ ...form, extensions: ext, ...(password ? { password } : {}) });
      setStatus(`Saved ${form.login}.`);
      setPassword('');
      props.onSaved();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form class="admin-form" onSubmit={submit} aria-labelledby="user-form-heading">
      <h2 id="user-form-heading">{u ? `Edit ${u.login}` : 'Add a user'}</h2>
      <div class="field">
        <label for="u-login">Login</label>
        <input id="u-login" value={form.login} readOnly={!!u} onInput={(e) => setForm({ ...form, login: e.currentTarget.value })} required autoComplete="off" />
      </div>
      <div class="field">
        <label for="u-name">Name</label>
        <input id="u-name" value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} required autoComplete="off" />
      </div>
      <div class="field">
        <label for="u-role">Role</label>
        <select id="u-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value === 'admin' ? 'admin' : 'agent' })}>
          <option value="agent">agent</option>
          <option value="admin">admin</option>
        </select>
      </div>
      <div class="field">
        <label for="u-ext">Extensions (the first is the one click-to-call rings)</label>
        <input id="u-ext" value={extensions} onInput={(e) => setExtensions(e.currentTarget.value)} placeholder="101, 201@branch" autoComplete="off" aria-describedby="u-ext-help" />
        <p id="u-ext-help" class="muted">At another PBX than the default one, add @ and its id (the PBX page shows how each PBX writes them).</p>
      </div>
      <div class="field">
        <label for="u-password">{u ? 'New password (leave empty to keep)' : 'Password (8 characters or more)'}</label>
        <input id="u-password" type="password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} minLength={8} autoComplete="new-password" />
      </div>
      <label class="checkbox">
        <input type="checkbox" checked={form.active} onChange={(e) => setForm({ ...form, active: e.currentTarget.checked })} /> Active (may sign in and gets pops)
      </label>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {status ? <p role="status">{status}</p> : null}
      <div class="button-row">
        <button type="submit">{u ? 'Save changes' : 'Add user'}</button>
        {u ? (
          <button type="button" class="secondary" onClick={props.onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

const STATE_TEXT: Record<string, string> = {
  idle: 'Not started',
  connecting: 'Connecting…',
  ready: 'Connected',
  'waiting-to-reconnect': 'Not connected, will try again',
  failed: 'Gave up (restart the service once the problem is fixed)',
  closed: 'Stopped',
};

/** `Trying again in 42 s` soon, `Trying again at 14:05` later; null when no attempt is scheduled. */
function retryText(iso: string | null, now = Date.now()): string | null {
  if (!iso) return null;
  const inMs = new Date(iso).getTime() - now;
  if (Number.isNaN(inMs)) return null;
  if (inMs <= 1000) return 'Trying again now.';
  return inMs < 120_000 ? `Trying again in ${Math.round(inMs / 1000)} s.` : `Trying again at ${formatWhen(iso)}.`;
}

export function AdminPbxPage(): JSX.Element {
  const [pbxs, setPbxs] = useState<PbxConnection[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const load = (): void => {
      api.pbxs().then(
        (r) => {
          setPbxs(r.pbxs);
          setError(null);
        },
        (err: unknown) => setError(errorText(err)),
      );
    };
    load();
    const t = window.setInterval(load, 5000);
    return () => window.clearInterval(t);
  }, []);
  return (
    <div class="page">
      <h1>PBX connections</h1>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {pbxs ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">PBX connections, refreshed every 5 seconds</caption>
            <thead>
              <tr>
                <th scope="col">PBX</th>
                <th scope="col">Address</th>
                <th scope="col">Extensions</th>
                <th scope="col">State</th>
                <th scope="col">Problem</th>
                <th scope="col">AMI version</th>
                <th scope="col">Last event</th>
                <th scope="col">Reconnects</th>
                <th scope="col">Gaps (from the PBX's CDRs)</th>
              </tr>
            </thead>
            <tbody>
              {pbxs.map((p) => (
                <tr key={p.id}>
                  <td>
                    {p.name ?? p.id}
                    {p.name !== undefined && p.name !== p.id ? <span class="muted"> ({p.id})</span> : null}
                  </td>
                  <td>{p.address ?? '–'}</td>
                  <td>{p.extensionForm ? <span title="how this PBX's extensions are written on the Users page">{p.extensionForm}</span> : '–'}</td>
                  <td>
                    {p.lead === 'standby' ? (
                      <>
                        <span class="dot dot--ok" aria-hidden="true" /> Followed by another instance
                      </>
                    ) : (
                      <>
                        <span class={`dot dot--${p.state === 'ready' ? 'ok' : 'bad'}`} aria-hidden="true" /> {STATE_TEXT[p.state] ?? p.state}
                      </>
                    )}
                  </td>
                  <td>
                    {p.problem ? (
                      <>
                        {p.problem.message} <span class="muted">(since {formatWhen(p.problem.since)}; {p.problem.code})</span> {retryText(p.retryingAt)}
                      </>
                    ) : (
                      '–'
                    )}
                  </td>
                  <td>{p.protocolVersion ?? '–'}</td>
                  <td>{p.lastEventAt ? formatWhen(p.lastEventAt) : 'none yet'}</td>
                  <td>{p.reconnects}</td>
                  <td>{gapText(p.cdr)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

const GAP_CAUSE: Record<string, string> = { 'link-cut': 'link cut', restart: 'service restart', 'pbx-restart': 'PBX restart' };

/** What the gaps in the view of the PBX cost, and what the PBX's CDRs filled in. */
function gapText(cdr: PbxConnection['cdr']): JSX.Element | string {
  if (cdr === undefined || cdr === null) return '–';
  if (cdr.warning !== null) return <span class="error">{cdr.warning}</span>;
  const last = cdr.lastGap;
  return (
    <>
      {cdr.source}
      {last ? (
        <span class="muted">
          {' '}
          (last gap: {GAP_CAUSE[last.cause] ?? last.cause} at {formatWhen(last.from)}, {Math.max(0, Math.round((Date.parse(last.to) - Date.parse(last.from)) / 1000))} s, {last.corrected} corrected, {last.rebuilt} rebuilt
          {last.state === 'pending' ? ', reading' : ''}
          {last.lastError ? `; ${last.lastError}` : ''})
        </span>
      ) : null}
      {cdr.pendingGaps > 0 ? <span class="muted"> {cdr.pendingGaps} gap(s) still to read</span> : null}
    </>
  );
}
