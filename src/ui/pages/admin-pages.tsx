/** Administrators: users and their extensions; the PBX connections. */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type AdminUser, type AdminUserInput, type PbxConnection, type PbxSetup, type SavedPbx } from '../api.ts';
import { formatWhen } from '../format.ts';
import { useT } from '../i18n.ts';
import type { BrowserKey as MessageKey, BrowserTranslator as Translator } from '../../i18n/browser.ts';

export function AdminUsersPage(): JSX.Element {
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<AdminUser | null>(null);
  const [reload, setReload] = useState(0);
  const tr = useT();

  useEffect(() => {
    api.users().then(
      (r) => setUsers(r.users),
      (err: unknown) => setError(errorText(err)),
    );
  }, [reload]);

  return (
    <div class="page">
      <h1>{tr.t('console.admin.users.heading')}</h1>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {users ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{tr.t('console.admin.users.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{tr.t('console.admin.users.colLogin')}</th>
                <th scope="col">{tr.t('console.admin.users.colName')}</th>
                <th scope="col">{tr.t('console.admin.users.colRole')}</th>
                <th scope="col">{tr.t('console.admin.users.colExtensions')}</th>
                <th scope="col">{tr.t('console.admin.users.colActive')}</th>
                <th scope="col">
                  <span class="visually-hidden">{tr.t('console.admin.common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <td>{u.login}</td>
                  <td>{u.name}</td>
                  <td>{roleText(u.role, tr)}</td>
                  <td>{u.extensions.join(', ') || '–'}</td>
                  <td>{tr.t(u.active ? 'console.admin.users.activeYes' : 'console.admin.users.activeNo')}</td>
                  <td>
                    <button type="button" class="secondary" onClick={() => setEditing(u)} aria-label={tr.t('console.admin.users.editLabel', { login: u.login })}>
                      {tr.t('console.admin.common.edit')}
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

/** A role as a word in the reader's language; a role this console does not know, as it came. */
function roleText(role: string, tr: Translator): string {
  if (role === 'admin') return tr.t('console.admin.role.admin');
  if (role === 'agent') return tr.t('console.admin.role.agent');
  return role;
}

function UserForm(props: { user: AdminUser | null; onSaved: () => void; onCancel: () => void }): JSX.Element {
  const u = props.user;
  const [form, setForm] = useState<AdminUserInput>({ login: u?.login ?? '', name: u?.name ?? '', role: u?.role === 'admin' ? 'admin' : 'agent', extensions: u?.extensions ?? [], active: u?.active ?? true });
  const [extensions, setExtensions] = useState((u?.extensions ?? []).join(', '));
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const tr = useT();

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(null);
    try {
      const ext = extensions.split(/[\s,;]+/).filter(Boolean);
      await api.saveUser({ ...form, extensions: ext, ...(password ? { password } : {}) });
      setStatus(tr.t('console.admin.userForm.saved', { login: form.login }));
      setPassword('');
      props.onSaved();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form class="admin-form" onSubmit={submit} aria-labelledby="user-form-heading">
      <h2 id="user-form-heading">{u ? tr.t('console.admin.userForm.headingEdit', { login: u.login }) : tr.t('console.admin.userForm.headingAdd')}</h2>
      <div class="field">
        <label for="u-login">{tr.t('console.admin.userForm.login')}</label>
        <input id="u-login" value={form.login} readOnly={!!u} onInput={(e) => setForm({ ...form, login: e.currentTarget.value })} required autoComplete="off" />
      </div>
      <div class="field">
        <label for="u-name">{tr.t('console.admin.userForm.name')}</label>
        <input id="u-name" value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} required autoComplete="off" />
      </div>
      <div class="field">
        <label for="u-role">{tr.t('console.admin.userForm.role')}</label>
        <select id="u-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value === 'admin' ? 'admin' : 'agent' })}>
          <option value="agent">{tr.t('console.admin.role.agent')}</option>
          <option value="admin">{tr.t('console.admin.role.admin')}</option>
        </select>
      </div>
      <div class="field">
        <label for="u-ext">{tr.t('console.admin.userForm.extensions')}</label>
        <input id="u-ext" value={extensions} onInput={(e) => setExtensions(e.currentTarget.value)} placeholder={tr.t('console.admin.userForm.extensionsPlaceholder')} autoComplete="off" aria-describedby="u-ext-help" />
        <p id="u-ext-help" class="muted">
          {tr.t('console.admin.userForm.extensionsHelp')}
        </p>
      </div>
      <div class="field">
        <label for="u-password">{tr.t(u ? 'console.admin.userForm.newPassword' : 'console.admin.userForm.password')}</label>
        <input id="u-password" type="password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} minLength={8} autoComplete="new-password" />
      </div>
      <label class="checkbox">
        <input type="checkbox" checked={form.active} onChange={(e) => setForm({ ...form, active: e.currentTarget.checked })} /> {tr.t('console.admin.userForm.active')}
      </label>
      <FormFooter error={error} status={status} submit={tr.t(u ? 'console.admin.common.saveChanges' : 'console.admin.userForm.add')} onCancel={u ? props.onCancel : null} />
    </form>
  );
}

/** An admin form's last lines: what went wrong or what was done, and its buttons (Cancel while editing). */
function FormFooter(props: { error: string | null; status: string | null; submit: string; onCancel: (() => void) | null }): JSX.Element {
  const tr = useT();
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
            {tr.t('console.admin.common.cancel')}
          </button>
        ) : null}
      </div>
    </>
  );
}

const STATE_TEXT: Readonly<Record<string, MessageKey>> = {
  idle: 'console.admin.pbxState.idle',
  connecting: 'console.admin.pbxState.connecting',
  ready: 'console.admin.pbxState.ready',
  'waiting-to-reconnect': 'console.admin.pbxState.waitingToReconnect',
  failed: 'console.admin.pbxState.failed',
  closed: 'console.admin.pbxState.closed',
};

/** A connection's state in words; a state this console does not know, as it came. */
function stateText(state: string, tr: Translator): string {
  const key = STATE_TEXT[state];
  return key === undefined ? state : tr.t(key);
}

/** `Trying again in 42 s` soon, `Trying again at 14:05` later; null when no attempt is scheduled. */
function retryText(iso: string | null, tr: Translator, now = Date.now()): string | null {
  if (!iso) return null;
  const inMs = new Date(iso).getTime() - now;
  if (Number.isNaN(inMs)) return null;
  if (inMs <= 1000) return tr.t('console.admin.retry.now');
  return inMs < 120_000
    ? tr.t('console.admin.retry.inSeconds', { seconds: Math.round(inMs / 1000) })
    : tr.t('console.admin.retry.at', { when: formatWhen(iso, undefined, tr) });
}

export function AdminPbxPage(): JSX.Element {
  const [pbxs, setPbxs] = useState<PbxConnection[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const tr = useT();
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
      <h1>{tr.t('console.admin.pbx.heading')}</h1>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {pbxs ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{tr.t('console.admin.pbx.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{tr.t('console.admin.pbx.colPbx')}</th>
                <th scope="col">{tr.t('console.admin.pbx.colAddress')}</th>
                <th scope="col">{tr.t('console.admin.pbx.colExtensions')}</th>
                <th scope="col">{tr.t('console.admin.pbx.colState')}</th>
                <th scope="col">{tr.t('console.admin.pbx.colProblem')}</th>
                <th scope="col">{tr.t('console.admin.pbx.colAmiVersion')}</th>
                <th scope="col">{tr.t('console.admin.pbx.colLastEvent')}</th>
                <th scope="col">{tr.t('console.admin.pbx.colReconnects')}</th>
                <th scope="col">{tr.t('console.admin.pbx.colGaps')}</th>
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
                  <td>{p.extensionForm ? <span title={tr.t('console.admin.pbx.extensionFormTitle')}>{p.extensionForm}</span> : '–'}</td>
                  <td>
                    {p.lead === 'standby' ? (
                      <>
                        <span class="dot dot--ok" aria-hidden="true" /> {tr.t('console.admin.pbx.standby')}
                      </>
                    ) : (
                      <>
                        <span class={`dot dot--${p.state === 'ready' ? 'ok' : 'bad'}`} aria-hidden="true" /> {stateText(p.state, tr)}
                      </>
                    )}
                  </td>
                  <td>
                    {p.problem ? (
                      <>
                        {p.problem.message} <span class="muted">{tr.t('console.admin.pbx.problemSince', { when: formatWhen(p.problem.since, undefined, tr), code: p.problem.code })}</span> {retryText(p.retryingAt, tr)}
                      </>
                    ) : (
                      '–'
                    )}
                  </td>
                  <td>{p.protocolVersion ?? '–'}</td>
                  <td>{p.lastEventAt ? formatWhen(p.lastEventAt, undefined, tr) : tr.t('console.admin.pbx.noEventYet')}</td>
                  <td>{p.reconnects}</td>
                  <td>{gapText(p.cdr, tr)}</td>
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
  const tr = useT();
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
  if (!setup) return <p class="muted">{tr.t('console.admin.saved.loading')}</p>;
  const remove = async (id: string): Promise<void> => {
    if (!window.confirm(tr.t('console.admin.saved.confirmRemove', { id }))) return;
    try {
      await api.removePbx(id);
      setReload((n) => n + 1);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section aria-labelledby="saved-pbxs-heading">
      <h2 id="saved-pbxs-heading">{tr.t('console.admin.saved.heading')}</h2>
      <p class="muted">
        {tr.t('console.admin.saved.configured', {
          pbxs: setup.configured.map((c) => `${c.name} (${c.id})`).join(', ') || tr.t('console.admin.saved.configuredNone'),
        })}
      </p>
      {setup.restartNeeded ? (
        <p class="notice" role="status">
          {tr.t('console.admin.saved.restartNeeded')}
        </p>
      ) : null}
      {setup.saved.length > 0 ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{tr.t('console.admin.saved.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{tr.t('console.admin.saved.colPbx')}</th>
                <th scope="col">{tr.t('console.admin.saved.colAmi')}</th>
                <th scope="col">{tr.t('console.admin.saved.colFollowed')}</th>
                <th scope="col">{tr.t('console.admin.saved.colSaved')}</th>
                <th scope="col">
                  <span class="visually-hidden">{tr.t('console.admin.common.actions')}</span>
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
                    {p.entry.ami ? `${p.entry.ami.username}@${p.entry.ami.host}:${p.entry.ami.port ?? (p.entry.ami.tls ? 5039 : 5038)}${p.entry.ami.tls ? ' (TLS)' : ''}` : '–'} <span class="muted">{tr.t('console.admin.saved.secretKept')}</span>
                  </td>
                  <td>{tr.t(p.running ? 'console.admin.saved.followedYes' : 'console.admin.saved.followedNextStart')}</td>
                  <td>
                    {p.updatedBy
                      ? tr.t('console.admin.saved.savedBy', { when: formatWhen(p.updatedAt, undefined, tr), login: p.updatedBy })
                      : formatWhen(p.updatedAt, undefined, tr)}
                  </td>
                  <td>
                    <div class="button-row">
                      <button type="button" class="secondary" onClick={() => setEditing(p)} aria-label={tr.t('console.admin.saved.editLabel', { id: p.entry.id })}>
                        {tr.t('console.admin.common.edit')}
                      </button>
                      <button type="button" class="secondary" onClick={() => void remove(p.entry.id)} aria-label={tr.t('console.admin.saved.removeLabel', { id: p.entry.id })}>
                        {tr.t('console.admin.saved.remove')}
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
  const tr = useT();

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(null);
    const own: Record<string, string> = {};
    for (const line of settings.split('\n').map((l) => l.trim()).filter(Boolean)) {
      const eq = line.indexOf('=');
      if (eq <= 0) {
        setError(tr.t('console.admin.pbxForm.notASetting', { line }));
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
      <h3 id="pbx-form-heading">{p ? tr.t('console.admin.pbxForm.headingEdit', { id: p.id }) : tr.t('console.admin.pbxForm.headingAdd')}</h3>
      <div class="field">
        <label for="p-id">{tr.t('console.admin.pbxForm.id')}</label>
        <input id="p-id" value={id} readOnly={!!p} onInput={(e) => setId(e.currentTarget.value)} required pattern="[a-z0-9][a-z0-9_\-]{0,31}" placeholder={tr.t('console.admin.pbxForm.idPlaceholder')} autoComplete="off" />
      </div>
      <div class="field">
        <label for="p-name">{tr.t('console.admin.pbxForm.name')}</label>
        <input id="p-name" value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder={tr.t('console.admin.pbxForm.namePlaceholder')} autoComplete="off" />
      </div>
      <div class="field">
        <label for="p-host">{tr.t('console.admin.pbxForm.host')}</label>
        <input id="p-host" value={host} onInput={(e) => setHost(e.currentTarget.value)} required autoComplete="off" />
      </div>
      <div class="field">
        <label for="p-port">{tr.t('console.admin.pbxForm.port')}</label>
        <input id="p-port" value={port} onInput={(e) => setPort(e.currentTarget.value)} inputMode="numeric" pattern="[0-9]{1,5}" autoComplete="off" />
      </div>
      <div class="field">
        <label for="p-user">{tr.t('console.admin.pbxForm.user')}</label>
        <input id="p-user" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required autoComplete="off" />
      </div>
      <div class="field">
        <label for="p-secret">{tr.t(p ? 'console.admin.pbxForm.secretKeep' : 'console.admin.pbxForm.secret')}</label>
        <input id="p-secret" type="password" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} required={!p} autoComplete="new-password" />
      </div>
      <div class="field">
        <label for="p-auth">{tr.t('console.admin.pbxForm.auth')}</label>
        <select id="p-auth" value={auth} onChange={(e) => setAuth(e.currentTarget.value === 'plain' ? 'plain' : 'md5')}>
          <option value="md5">{tr.t('console.admin.pbxForm.authMd5')}</option>
          <option value="plain">{tr.t('console.admin.pbxForm.authPlain')}</option>
        </select>
      </div>
      <label class="checkbox">
        <input type="checkbox" checked={tls} onChange={(e) => setTls(e.currentTarget.checked)} /> {tr.t('console.admin.pbxForm.tls')}
      </label>
      <div class="field">
        <label for="p-settings">{tr.t('console.admin.pbxForm.settings')}</label>
        <textarea id="p-settings" value={settings} onInput={(e) => setSettings(e.currentTarget.value)} rows={4} placeholder={tr.t('console.admin.pbxForm.settingsPlaceholder')} />
      </div>
      <FormFooter error={error} status={status} submit={tr.t(p ? 'console.admin.common.saveChanges' : 'console.admin.pbxForm.add')} onCancel={p ? props.onCancel : null} />
    </form>
  );
}

const GAP_CAUSE: Readonly<Record<string, MessageKey>> = {
  'link-cut': 'console.admin.gap.cause.linkCut',
  restart: 'console.admin.gap.cause.restart',
  'pbx-restart': 'console.admin.gap.cause.pbxRestart',
};

/** What the gaps in the view of the PBX cost, and what the PBX's CDRs filled in. */
function gapText(cdr: PbxConnection['cdr'], tr: Translator): JSX.Element | string {
  if (cdr === undefined || cdr === null) return '–';
  if (cdr.warning !== null) return <span class="error">{cdr.warning}</span>;
  const last = cdr.lastGap;
  const cause = last ? GAP_CAUSE[last.cause] : undefined;
  return (
    <>
      {cdr.source}
      {last ? (
        <span class="muted">
          {' '}
          {tr.t('console.admin.gap.last', {
            cause: cause === undefined ? last.cause : tr.t(cause),
            when: formatWhen(last.from, undefined, tr),
            seconds: Math.max(0, Math.round((Date.parse(last.to) - Date.parse(last.from)) / 1000)),
            corrected: last.corrected,
            rebuilt: last.rebuilt,
            reading: last.state === 'pending' ? 'yes' : 'no',
            failed: last.lastError ? 'yes' : 'no',
            error: last.lastError,
          })}
        </span>
      ) : null}
      {cdr.pendingGaps > 0 ? <span class="muted"> {tr.t('console.admin.gap.pending', { count: cdr.pendingGaps })}</span> : null}
    </>
  );
}
