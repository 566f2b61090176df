/** Administrators: users and their extensions; the PBX connections. */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type AdminUser, type AdminUserInput, type PbxConnection, type PbxSetup, type SavedPbx } from '../api.ts';
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
      <FormFooter error={error} status={status} submit={u ? 'Save changes' : 'Add user'} onCancel={u ? props.onCancel : null} />
    </form>
  );
}

/** An admin form's last lines: what went wrong or what was done, and its buttons (Cancel while editing). */
function FormFooter(props: { error: string | null; status: string | null; submit: string; onCancel: (() => void) | null }): JSX.Element {
  return (
    <>
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      {props.status ? <p role="status">{props.status}</p> : null}
      <div class="button-row">
        <button type="submit">{props.submit}</button>
        {props.onCancel ? (
          <button type="button" class="secondary" onClick={props.onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </>
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
      <SavedPbxs />
    </div>
  );
}

/** PBXs added here, beside those of the configuration; saved ones are followed from the next start. */
function SavedPbxs(): JSX.Element {
  const [setup, setSetup] = useState<PbxSetup | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<SavedPbx | null>(null);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    api.pbxSetup().then(
      (r) => setSetup(r),
      (err: unknown) => setError(errorText(err)),
    );
  }, [reload]);
  if (error) {
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  }
  if (!setup) return <p class="muted">Loading the PBXs saved here…</p>;
  const remove = async (id: string): Promise<void> => {
    if (!window.confirm(`Remove the PBX "${id}"? The service stops following it at its next start.`)) return;
    try {
      await api.removePbx(id);
      setReload((n) => n + 1);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section aria-labelledby="saved-pbxs-heading">
      <h2 id="saved-pbxs-heading">PBXs added here</h2>
      <p class="muted">
        From the service's configuration (AMI_* and the CRM_TELEPHONY_CONFIG file, changed there): {setup.configured.map((c) => `${c.name} (${c.id})`).join(', ') || 'none'}.
      </p>
      {setup.restartNeeded ? (
        <p class="notice" role="status">
          Saved changes are followed from the service's next start: restart it (every instance) to apply them.
        </p>
      ) : null}
      {setup.saved.length > 0 ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">PBXs added on this page</caption>
            <thead>
              <tr>
                <th scope="col">PBX</th>
                <th scope="col">AMI</th>
                <th scope="col">Followed</th>
                <th scope="col">Saved</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {setup.saved.map((p) => (
                <tr key={p.entry.id}>
                  <td>
                    {p.entry.name ?? p.entry.id} <span class="muted">({p.entry.id})</span>
                  </td>
                  <td>
                    {p.entry.ami ? `${p.entry.ami.username}@${p.entry.ami.host}:${p.entry.ami.port ?? (p.entry.ami.tls ? 5039 : 5038)}${p.entry.ami.tls ? ' (TLS)' : ''}` : '–'} <span class="muted">secret kept encrypted</span>
                  </td>
                  <td>{p.running ? 'yes' : 'from the next start'}</td>
                  <td>
                    {formatWhen(p.updatedAt)}
                    {p.updatedBy ? ` by ${p.updatedBy}` : ''}
                  </td>
                  <td>
                    <div class="button-row">
                      <button type="button" class="secondary" onClick={() => setEditing(p)} aria-label={`Edit the PBX ${p.entry.id}`}>
                        Edit
                      </button>
                      <button type="button" class="secondary" onClick={() => void remove(p.entry.id)} aria-label={`Remove the PBX ${p.entry.id}`}>
                        Remove
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {setup.canSave ? (
        <PbxForm
          key={editing?.entry.id ?? 'new'}
          pbx={editing}
          onSaved={() => {
            setEditing(null);
            setReload((n) => n + 1);
          }}
          onCancel={() => setEditing(null)}
        />
      ) : (
        <p class="notice">{setup.why}</p>
      )}
    </section>
  );
}

function PbxForm(props: { pbx: SavedPbx | null; onSaved: () => void; onCancel: () => void }): JSX.Element {
  const p = props.pbx?.entry;
  const [id, setId] = useState(p?.id ?? '');
  const [name, setName] = useState(p?.name ?? '');
  const [host, setHost] = useState(p?.ami?.host ?? '');
  const [port, setPort] = useState(p?.ami?.port !== undefined ? String(p.ami.port) : '');
  const [username, setUsername] = useState(p?.ami?.username ?? 'crm');
  const [auth, setAuth] = useState<'plain' | 'md5'>(p?.ami?.auth ?? 'md5');
  const [tls, setTls] = useState(p?.ami?.tls !== undefined && p.ami.tls !== false);
  const [secret, setSecret] = useState('');
  const [settings, setSettings] = useState(Object.entries(p?.settings ?? {}).map(([k, v]) => `${k}=${String(v)}`).join('\n'));
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(null);
    const own: Record<string, string> = {};
    for (const line of settings.split('\n').map((l) => l.trim()).filter(Boolean)) {
      const eq = line.indexOf('=');
      if (eq <= 0) {
        setError(`"${line}" is not a setting: write one VARIABLE=value per line.`);
        return;
      }
      own[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
    try {
      const res = await api.savePbx(id.trim(), {
        name: name.trim() || id.trim(),
        ami: { host: host.trim(), ...(port.trim() ? { port: Number(port) } : {}), username: username.trim(), auth, tls },
        ...(secret ? { secret } : {}),
        settings: own,
      });
      setStatus(res.message);
      setSecret('');
      props.onSaved();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form class="admin-form" onSubmit={submit} aria-labelledby="pbx-form-heading">
      <h3 id="pbx-form-heading">{p ? `Edit the PBX ${p.id}` : 'Add a PBX'}</h3>
      <div class="field">
        <label for="p-id">Id (how its extensions are written: 101@id)</label>
        <input id="p-id" value={id} readOnly={!!p} onInput={(e) => setId(e.currentTarget.value)} required pattern="[a-z0-9][a-z0-9_\-]{0,31}" placeholder="hamburg" autoComplete="off" />
      </div>
      <div class="field">
        <label for="p-name">Name</label>
        <input id="p-name" value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="Hamburg office" autoComplete="off" />
      </div>
      <div class="field">
        <label for="p-host">AMI host</label>
        <input id="p-host" value={host} onInput={(e) => setHost(e.currentTarget.value)} required autoComplete="off" />
      </div>
      <div class="field">
        <label for="p-port">AMI port (default 5038, or 5039 with TLS)</label>
        <input id="p-port" value={port} onInput={(e) => setPort(e.currentTarget.value)} inputMode="numeric" pattern="[0-9]{1,5}" autoComplete="off" />
      </div>
      <div class="field">
        <label for="p-user">AMI user (manager.conf)</label>
        <input id="p-user" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required autoComplete="off" />
      </div>
      <div class="field">
        <label for="p-secret">{p ? 'AMI secret (leave empty to keep the one kept)' : 'AMI secret'}</label>
        <input id="p-secret" type="password" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} required={!p} autoComplete="new-password" />
      </div>
      <div class="field">
        <label for="p-auth">Login</label>
        <select id="p-auth" value={auth} onChange={(e) => setAuth(e.currentTarget.value === 'plain' ? 'plain' : 'md5')}>
          <option value="md5">md5 (challenge)</option>
          <option value="plain">plain</option>
        </select>
      </div>
      <label class="checkbox">
        <input type="checkbox" checked={tls} onChange={(e) => setTls(e.currentTarget.checked)} /> AMI over TLS (manager.conf tlsenable; the certificate is checked)
      </label>
      <div class="field">
        <label for="p-settings">Its own settings, one VARIABLE=value per line (DEFAULT_REGION, C2C_CONTEXT, CDR_SOURCE…)</label>
        <textarea id="p-settings" value={settings} onInput={(e) => setSettings(e.currentTarget.value)} rows={4} placeholder={'DEFAULT_REGION=DE\nC2C_CONTEXT=from-internal'} />
      </div>
      <FormFooter error={error} status={status} submit={p ? 'Save changes' : 'Add PBX'} onCancel={p ? props.onCancel : null} />
    </form>
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
