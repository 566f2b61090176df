/** The cli's messages in English (ICU message syntax; see ../index.ts). */
export default {
  // ---- main.ts: the overview and failures in words -------------------------------------------
  'cli.main.usage': `Usage: crm-telephony <command> [options]

Commands:
  serve                         Run the service (what "npm start" runs), without npm.
  doctor [--json]               Check the setup end to end (store, ports, each PBX, CDRs, recordings,
                                SuiteCRM) and say what to fix.
  users list                    Show who can sign in.
  users set-password <login>    Give a user (the admin who lost it) a new password, printed once.
  ami tail                      Print every event the PBX sends, one JSON object per line.
  ami send <Action> [Key=Value ...]
                                Send one action and print the PBX’s answer as JSON.
  import <file.csv> --type contacts|accounts|leads|users
                                Import a CSV into the directory (re-importing updates).
  lookup <number>               Show who may be calling from a number, as JSON.
  seed --contacts <N>           Load a realistic demo directory (agents 101-104).
  tokens create --user <login>  Create an API token (or --kind routing for the dialplan’s CURL()).
  dialplan [--style freepbx]    Print dialplan snippets that route callers through crm-telephony.
  encrypt-secret                Encrypt an AMI secret (piped in) for the PBX file’s "secretEncrypted".
  suitecrm sync [--full]        Copy SuiteCRM’s users, accounts, contacts and leads into the directory.
  suitecrm package --service-url <url> [--suitecrm 8]
                                Build the SuiteCRM package (7 by default, or 8): the phone widget
                                in its pages, the Users extension field.
  calls from-capture <file.ami> Replay a saved AMI session through the call engine and print
                                its call records as a JSON array.

The ami commands connect with AMI_HOST, AMI_PORT, AMI_USERNAME and AMI_SECRET from the
environment, or the flags of the same names. The directory commands use DATABASE_URL (default
./data/crm-telephony.sqlite) and DEFAULT_REGION (default US), or --database and --region.
Run "crm-telephony <command> --help" (for example "crm-telephony ami tail --help") for every option.
Messages are in the language of CRM_TELEPHONY_LANG, else LC_ALL, LC_MESSAGES or LANG (en, ru).
`,
  'cli.main.error': 'error: {message}',
  'cli.main.forUsage': 'Run "{command}" for usage.',
  'cli.main.unexpected': 'error: crm-telephony failed unexpectedly: {message}',
  'cli.main.debugHint': 'Run again with DEBUG=1 to see where it happened, and report it.',
  'cli.main.unknownCommand': 'error: unknown command "{command}".',
  'cli.main.amiNeedsCommand': 'error: "ami" needs a command: tail or send.',
  'cli.main.callsNeedsCommand': 'error: "calls" needs a command: from-capture.',
  'cli.main.suitecrmCommands': 'error: "suitecrm" commands: sync, package.',

  // ---- settings.ts, store-options.ts: settings and the store ---------------------------------
  'cli.settings.invalid': '{from} is not valid: {problem}.',
  'cli.store.usage': `Store:
  --database <url>     postgres://user@host:5432/db for PostgreSQL, or a SQLite file path.
                       Env DATABASE_URL; default {sqlitePath}.
  --region <CC>        Region of numbers written without a country code: an ISO 3166-1 code
                       such as US, RU, DE, GB (GB, not UK). Env DEFAULT_REGION; default {region}.
  -h, --help           Show this help.
`,
  'cli.store.databaseEmpty': '--database is empty: give a postgres:// URL or a SQLite file path.',
  // `given` is the value as typed, quoted.
  'cli.store.notRegion':
    '{from} {given} is not a region code.{hint, select, uk { Use GB, not UK.} notCountry { Use a country, such as GB or DE.} other {}} Use an ISO 3166-1 alpha-2 code such as US, RU, DE, GB.',
  'cli.store.postgresInSetting': 'the PostgreSQL database in DATABASE_URL',
  'cli.store.noDirectory':
    'There is no directory at {database}. Import or seed one first (crm-telephony seed --contacts 1000), or point --database (or DATABASE_URL) at yours.',
  'cli.store.cannotOpen': 'Could not open the database {database}: {message}. Check --database or DATABASE_URL (postgres://user@host:5432/db, or a SQLite file path).',

  // ---- ami-options.ts, ami-tail.ts, ami-send.ts: the ami commands ------------------------------
  'cli.ami.connectionUsage': `Connection (a flag wins over its environment variable):
  --AMI_HOST, --host <host>          PBX address. Env AMI_HOST; default {host}.
  --AMI_PORT, --port <port>          AMI TCP port (manager.conf "port"). Env AMI_PORT; default {port}.
  --AMI_USERNAME, --username <user>  AMI user (a section of manager.conf). Env AMI_USERNAME; default {username}.
  --AMI_SECRET, --secret <secret>    That user’s secret. Env AMI_SECRET; required. Prefer the
                                     environment variable: flags show in "ps" and shell history.
  --md5                              Log in by MD5 challenge instead of sending the secret
                                     (same as AMI_AUTH=md5).
  --timeout <ms>                     How long connecting and logging in may take (and, for
                                     "send", the action). Default {timeout}.
  -h, --help                         Show this help.
`,
  'cli.ami.noSecret':
    'No AMI secret: set AMI_SECRET in the environment, or pass --AMI_SECRET <secret> (or --secret <secret>).\nIt is the "secret" of the [{username}] section of the PBX’s manager.conf.',
  'cli.ami.badPort': '{from} must be an AMI port, a whole number from 1 to 65535; got {given}.',
  'cli.ami.badAuth': 'AMI_AUTH must be "plain" or "md5", not {given}.',
  'cli.ami.badTimeout': '{from} must be a number of milliseconds, a whole number from {min} to {max}; got {given}.',
  // `example` is one event as printed (JSON); `connection` the connection flags' help.
  'cli.tail.usage': `Usage: crm-telephony ami tail [--events Name,Name ...] [options]

Connects to the PBX’s Asterisk Manager Interface and prints every event as one JSON object per
line, e.g. {example}.
A key sent more than once appears as an array of its values. Runs until Ctrl-C. If the
connection drops after it was made, it is made again, with a notice on stderr; the first
connection is not retried, so that a wrong address or password is reported at once.

Options:
  --events <Name,Name>               Print only these events (case does not matter); may be
                                     repeated. Default: every event.

{connection}
Exit status: 0 when stopped by Ctrl-C or SIGTERM, 1 when the PBX could not be reached or was
lost for good, 2 when the command line or settings are wrong.
`,
  'cli.tail.connected':
    'Connected to {where} (AMI {version}) as {username}; printing {filter, select, every {every event} other {only {events} events}}. Press Ctrl-C to stop.',
  'cli.tail.reconnected': 'Reconnected to {where}.',
  'cli.tail.lost': 'Lost the connection to {where}: {reason}. Trying again in {seconds, number, ::.0} s (attempt {attempt}).',
  'cli.tail.notBack': 'Could not reconnect to {where}: {reason}. Trying again in {seconds, number, ::.0} s (attempt {attempt}).',
  'cli.tail.dropClosed': 'the PBX closed the connection or the network dropped it',
  'cli.tail.dropDeadPeer': 'the PBX stopped answering keepalive pings',
  'cli.tail.warning': 'warning: {message}',
  // `shape` is the printed JSON’s outline; `quoted` an example argument in shell quotes.
  'cli.send.usage': `Usage: crm-telephony ami send <Action> [Key=Value ...] [options]

Sends one AMI action and prints the PBX’s answer as one JSON object:
  {shape}
"events" and "complete" hold the list items and the closing event of list actions such as
CoreShowChannels or Status. A key sent more than once appears as an array of its values.

Each Key=Value is split at its first "=", so values may hold "=". Repeat a key to send it
several times, in order: Variable=A=1 Variable=B=2. The ActionID is chosen by crm-telephony.

Examples:
  crm-telephony ami send Ping
  crm-telephony ami send CoreShowChannels
  crm-telephony ami send Getvar {quoted}
  crm-telephony ami send Originate Channel=PJSIP/101 Context=from-internal Exten=102 Priority=1 Async=true

{connection}
Exit status: 0 when the PBX answered Success, 1 when it answered Error (the answer is still
printed) or could not be reached, 2 when the command line or settings are wrong.
`,
  'cli.send.nameAction': 'Name the action to send, for example: crm-telephony ami send Ping',
  'cli.send.notPair': 'Expected Key=Value after the action name, got {given}. Example: crm-telephony ami send Getvar Variable=CRM_RECORDING',

  // ---- directory-progress.ts: a bar on a terminal, plain lines in a file -----------------------
  // The bar’s `bar`, `percentage`, `detail`, `elapsed` and `eta` are filled in by the bar itself.
  'cli.progress.bar': '{label} [{bar}] {percentage}% | {detail} | {elapsed} elapsed, ETA {eta}',
  'cli.progress.line': '{label}: {percent}% ({detail})',

  // ---- directory-seed.ts: `crm-telephony seed` ------------------------------------------------
  'cli.seed.usage': `Usage: crm-telephony seed --contacts <N> [options]

Loads a demo directory: the agents alice (101, admin), bob (102), carol (103) and dave (104);
N contacts, N/10 accounts and N/5 leads from several countries (mostly the region’s own), with
numbers written the many ways people type them into a CRM, a few numbers shared between a contact
and its account’s office line, and a little garbage. The same --seed gives the same directory.
Demo records have fixed ids (demo-c-0000001, ...): seeding again updates them.

Options:
  --contacts <N>       How many contacts, 0 to {max, number}. Required.
  --seed <S>           Which demo directory (a whole number). Default 1.
  --password <pw>      Give the four demo users this password. Without it each keeps the one it
                       has; a demo user seeded for the first time has none and cannot sign in.
  --json               Print the result as JSON.
{store}
Examples:
  crm-telephony seed --contacts 1000 --region RU
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/demo crm-telephony seed --contacts 1000000

Exit status: 0 when seeded, 1 when the database failed, 2 when the command line or settings are wrong.
`,
  'cli.seed.noArguments': 'seed takes no arguments besides options; got {got}. Did you mean --contacts {first}?',
  'cli.seed.needContacts': 'Say how many contacts to make with --contacts, for example: crm-telephony seed --contacts 1000',
  'cli.seed.wholeNumber': '{flag} must be a whole number from {min} to {max, number}; got {given}.',
  'cli.seed.shortPassword': '--password must be at least 8 characters long: the demo users can sign in with it.',
  'cli.seed.progressLabel': 'Seeding',
  'cli.seed.progress': '{done, number} of {all, number} records',
  'cli.seed.done': 'Seeded {database} (region {region}, seed {seed}) in {seconds, number, ::.0} s:',
  // One demo user: `extensions` (101, 201) or none; `admin` yes or no.
  'cli.seed.user': '{login} ({extensions, select, none {no extension} other {{extensions}}}{admin, select, yes {, admin} other {}})',
  'cli.seed.users': '  users:    {users}',
  'cli.seed.accounts': '  accounts: {count, number}',
  'cli.seed.contacts': '  contacts: {count, number}',
  'cli.seed.leads': '  leads:    {count, number}',
  'cli.seed.records': '  records created {created, number}, updated {updated, number}.',
  'cli.seed.passwordGiven': 'The four demo users have the password you gave.',
  'cli.seed.noneCanSignIn': 'The demo users have no password and cannot sign in; seed again with --password <pw> to give them one.',
  'cli.seed.allCanSignIn': 'The demo users kept the passwords they had: {logins} can sign in.',
  'cli.seed.someCanSignIn':
    'Kept the password they had and can sign in: {can}. Have no password and cannot sign in: {cannot}; seed again with --password <pw> to give all four one.',
  'cli.seed.extensionConflicts': 'Extensions already belonged to other users, so these demo users kept their own: {logins}.',
  'cli.seed.try': 'Try: crm-telephony lookup "{e164}"{flags}   ({name}, stored as "{number}")',

  // ---- users.ts: `crm-telephony users` --------------------------------------------------------
  // `example` is a shell command line, given as it is typed.
  'cli.users.usage': `Usage: crm-telephony users list
       crm-telephony users set-password <login> [--stdin]

list          Every user: login, name, role, active or not, extensions (JSON).
set-password  A new password for <login>; every session the user had is closed. Without --stdin a
              password is generated and printed once; with --stdin it is read from standard input
              (one line, at least {min} characters): {example}

{store}`,
  'cli.users.unknownCommand': 'unknown users command "{verb}".',
  'cli.users.oneLogin': 'give one login: crm-telephony users set-password <login>{extra, select, yes { (a password is never given on the command line: use --stdin)} other {}}.',
  'cli.users.badPiped': '{why, select, lines {the input has several lines; give the password alone} other {the password must have at least {min} characters}}. Nothing was changed.',
  'cli.users.noSuchUser': 'there is no user "{login}". "crm-telephony users list" shows who there is.',
  'cli.users.passwordGenerated': 'The password of "{login}" is changed to the one above (shown only now); the user’s sessions are closed.',
  'cli.users.passwordChanged': 'The password of "{login}" is changed; the user’s sessions are closed.',

  // ---- tokens.ts: `crm-telephony tokens` ------------------------------------------------------
  // `scrape` is Prometheus’s configuration line, as it is written.
  'cli.tokens.usage': `Usage: crm-telephony tokens create --user <login> [--name <label>]
       crm-telephony tokens create --kind routing [--name <label>]
       crm-telephony tokens create --kind metrics [--name <label>]
       crm-telephony tokens list
       crm-telephony tokens revoke <id>

API tokens (the default kind) act as the user they belong to: send them as
"Authorization: Bearer <token>". Routing tokens serve the dialplan’s CURL() (GET /api/route and
/api/callerid) and see nothing else. Metrics tokens read GET /metrics (Prometheus: the scrape
job’s "{scrape}") and nothing else. The token is printed once;
keep it in a secret store.

{store}`,
  'cli.tokens.badKind': '--kind must be api, routing or metrics, not "{kind}".',
  'cli.tokens.needUser': 'an API token acts as a user: give --user <login> (or --kind routing for the dialplan).',
  'cli.tokens.noSuchUser': 'there is no user "{login}". Create it first (import --type users, or the admin page).',
  'cli.tokens.created': 'Created {kind} token {id} ("{name}"). It is shown only now: store it safely.',
  'cli.tokens.needId': 'give the id of the token to revoke (see "crm-telephony tokens list").',
  'cli.tokens.revoked': 'Revoked token {id}.',
  'cli.tokens.noSuchToken': 'there is no token {id}.',
  'cli.tokens.unknownCommand': 'unknown tokens command "{verb}".',

  // ---- serve.ts, encrypt-secret.ts -------------------------------------------------------------
  'cli.serve.usage': `Usage: crm-telephony serve

Runs the service in the foreground with the settings in the environment (README, "Settings"), as
"npm start" does. SIGTERM or SIGINT stops it within a few seconds, its work saved; exit status 0
then, 1 when the start failed (the message says what to change), 2 when a setting is wrong.
`,
  'cli.serve.noArguments': 'serve takes no arguments; settings come from the environment.',
  // `example` is the shell command line, as it is typed.
  'cli.encryptSecret.usage': `Usage: {example}

Prints the secret read from standard input (one line; a final newline is dropped) encrypted with
CRM_TELEPHONY_SECRET_KEY (at least 16 characters), for "secretEncrypted" in the PBX file
(CRM_TELEPHONY_CONFIG). The service needs the same CRM_TELEPHONY_SECRET_KEY to open it.
`,
  'cli.encryptSecret.noArguments': 'encrypt-secret takes no arguments: pipe the secret in, so that it stays out of your shell’s history.',
  'cli.encryptSecret.needKey': 'set CRM_TELEPHONY_SECRET_KEY (at least {min} characters) to the key the service will have, then run this again.',
  'cli.encryptSecret.badInput': '{why, select, empty {no secret came on standard input} other {the input has several lines; give the secret alone}}.',

  // ---- directory-import.ts and the import summary: `crm-telephony import` ---------------------
  // `users`, `accounts`, `contacts`, `leads`: each type’s columns, comma-separated.
  'cli.import.usage': `Usage: crm-telephony import <file.csv> --type contacts|accounts|leads|users [options]

Imports a CSV file with a header row into the directory. Records are matched by their "id"
column and users by "login": importing a file again updates, never duplicates. Bad rows are
skipped and reported with their line numbers; every good row is imported. The separator is the
header line’s: a comma, a semicolon (as Excel saves CSV in much of Europe) or a tab.

Columns (a header row names them; other columns are ignored; names ignore case):
  users     {users}
            extensions separated by ";" (101;201); role admin or agent (empty: agent);
            an empty password keeps the user’s current one.
  accounts  {accounts}
  contacts  {contacts}
  leads     {leads}
  assigned_user is a user’s login (import users first); an unknown login is a warning and the
  record is imported unassigned. A contact’s account_id must be an imported account’s id.

Options:
  --type <type>        contacts, accounts, leads or users. Required.
  --map <pairs>        Rename the file’s columns: --map "Mobile Phone=phone_mobile,Account=account_id".
                       May be given several times.
  --json               Print the summary as JSON (counts, skipped rows and warnings with line numbers).
{store}
Import accounts before the contacts that name them, and users before records assigned to them:
  crm-telephony import users.csv --type users
  crm-telephony import accounts.csv --type accounts --region DE
  crm-telephony import contacts.csv --type contacts --map "Mobile=phone_mobile"

Exit status: 0 when every row was imported, 1 when some rows were skipped (the others are
imported) or the database failed while writing, 2 when the command line, the file, its header or
the database setting is wrong (nothing was imported).
`,
  'cli.import.nameFile': 'Name the CSV file to import, for example: crm-telephony import contacts.csv --type contacts',
  'cli.import.oneFile': 'Import one file at a time; got {count}: {files}. Quote a file name that has spaces.',
  'cli.import.needType': 'Say what the file holds with --type: {types}.',
  'cli.import.unknownType': 'Unknown --type "{given}": use {types}.',
  'cli.import.noFile': 'There is no file "{file}" (looked for {path}). Check the path; run the command from the file’s folder or give its full path.',
  'cli.import.cannotRead': 'Cannot read "{file}": permission denied. Give yourself read access or copy the file somewhere readable.',
  'cli.import.isFolder': '"{file}" is a folder; name the CSV file inside it.',
  // `type`: contacts, accounts, leads or users.
  'cli.import.progressLabel': 'Importing {type}',
  'cli.import.progress': '{rows, number} rows, {skipped, number} skipped',
  // `delimiter`: comma, semicolon or tab.
  'cli.import.summary':
    'Imported {type} from {file} ({delimiter, select, semicolon {semicolon-separated} tab {tab-separated} other {comma-separated}}): {rows, plural, one {# row} other {# rows}} read in {seconds, number, ::.0} s.',
  'cli.import.summaryRate':
    'Imported {type} from {file} ({delimiter, select, semicolon {semicolon-separated} tab {tab-separated} other {comma-separated}}): {rows, plural, one {# row} other {# rows}} read in {seconds, number, ::.0} s, {rate, number} rows/s.',
  'cli.import.created': '  created: {count, number}',
  'cli.import.updated': '  updated: {count, number}',
  'cli.import.updatedKnown': '  updated: {count, number} ({type, select, users {logins} other {ids}} already in the directory)',
  'cli.import.skipped': '  skipped: {count, number}',
  'cli.import.warned': '  imported with warnings: {count, number}',
  'cli.import.skippedHeading': 'Skipped rows (the good rows are in; fix these and import the file again, which updates rather than duplicates):',
  'cli.import.skippedRow': '  line {line}: {reason}',
  'cli.import.moreSkipped': '  ... and {count, number} more.',
  'cli.import.moreSkippedListed': '  ... and {count, number} more (--json lists the first {listed, number}).',
  'cli.import.warningsHeading': 'Warnings (these rows were imported):',
  // `lines`: line numbers, comma-separated.
  'cli.import.warningLines': '  {count, plural, one {line} other {lines}} {lines}: {reason}',
  'cli.import.warningLinesMore': '  {count, plural, one {line} other {lines}} {lines} and {more, number} more: {reason}',
  'cli.import.ignoredColumns': 'Columns not imported (not {type} columns; rename them with --map to import them): {columns}.',

  // ---- directory-lookup.ts: `crm-telephony lookup` --------------------------------------------
  // `shape` is the printed JSON’s outline (its field names are the same in every language).
  'cli.lookup.usage': `Usage: crm-telephony lookup <number> [options]

Looks a number up as an incoming call would, and prints one JSON object:
  {shape}
"kind" is number, internal (an extension), anonymous or invalid. Candidates are ranked: exact
E.164 match, then national number, then suffix; then contact, lead, account; then most recent
activity. "matched" is the phone field that matched, as typed in the CRM.

Examples:
  crm-telephony lookup "+7 (495) 123-45-67"
  crm-telephony lookup 84951234567 --region RU
  crm-telephony lookup "(415) 555-2671 ext. 12" --database postgres://crm@db:5432/crm

{store}
Exit status: 0 when the lookup ran (with or without candidates), 1 when the database failed,
2 when the command line or settings are wrong.
`,
  'cli.lookup.needNumber': 'Give the number to look up, for example: crm-telephony lookup "+1 415 555 2671"',
  'cli.lookup.oneNumber': 'Give one number; got {count}. Quote a number written with spaces: crm-telephony lookup "{joined}"',

  // ---- dialplan.ts: `crm-telephony dialplan` (the snippets themselves are Asterisk’s, in English) --
  'cli.dialplan.usage': `Usage: crm-telephony dialplan [--style plain|freepbx] [options]

Prints dialplan snippets that ask crm-telephony where to send each caller, for you to paste into
Asterisk. The caller then goes to the manager responsible for them (ROUTE_EXT), and when the
service is down or slow, or finds no route, to your fallback.

Options:
  --style plain|freepbx   plain: a context for extensions.conf (default). freepbx: a context for
                          extensions_custom.conf, used through a Custom Destination.
  --agi-host <host>       Where the FastAGI server runs, as Asterisk reaches it. Env AGI_PUBLIC_HOST;
                          default 127.0.0.1 (the same machine).
  --agi-port <port>       Env AGI_PORT; default 4573.
  --http-url <url>        The service’s base URL for the CURL() variant. Default http://127.0.0.1:8080.
  --token <token>         A routing token for the CURL() variant (create one with
                          "crm-telephony tokens create --kind routing"). Default a placeholder.
  --fallback <dial>       Where callers go when there is no route, e.g. PJSIP/101 or Local/600@from-internal.
                          Env ROUTING_FALLBACK_DIAL; default Local/s@crm-route-fallback (define it).
  --tech <tech>           Channel technology of the extensions. Default PJSIP.
  --pbx <id>              With several PBXs: the id of the PBX this dialplan is for (as in
                          CRM_TELEPHONY_CONFIG), so that routing answers with its extensions and
                          recordings are looked for on it. Default: the default PBX.
  -h, --help              Show this help.
`,
  'cli.dialplan.badStyle': '--style must be plain or freepbx, not "{style}".',
  'cli.dialplan.badPort': '{from} must be a port number.',
  'cli.dialplan.badPbx': '--pbx must be a PBX id as in CRM_TELEPHONY_CONFIG (lower-case letters, digits, - and _), not "{pbx}".',
  'cli.dialplan.badValue': '{flag} must not contain a line break or ";".',
  'cli.dialplan.noRecordingSubroutine': 'note: the recording subroutine was left out: {message}',

  // ---- calls-from-capture.ts: `crm-telephony calls from-capture` -------------------------------
  // `example` is a shell command line, as it is typed.
  'cli.fromCapture.usage': `Usage: crm-telephony calls from-capture <file.ami> [options]

Feeds a saved AMI session (the exact bytes a PBX sent, banner included or not) through the call
engine and prints the call records as one JSON array, one object per call, in the order the calls
started: id, direction, externalNumber, normalizedNumber, did, rang, answeredBy, disposition,
startedAt, answeredAt, endedAt, ringSeconds, talkSeconds, transfers, hangupBy, recording, and the
rest of the record (see src/calls/README.md). Times come from the capture itself (Timestamp
headers, CEL EventTime, Cdr fields); null where it carries none. Calls still open when the capture
ends are ended there (endReason "capture-ended").

Options:
  --region <CC>            Region of numbers without a country code (US, RU, DE, GB...).
                           Env DEFAULT_REGION; default US.
  --pbx-id <id>            Call ids are "<pbx-id>:<Linkedid>". Default "{pbxId}", as the service.
  --trunk <endpoint>       A trunk whose endpoint name looks like an extension (repeatable).
                           Env TRUNK_ENDPOINTS (comma-separated).
  --inbound-context <ctx>  A context where calls from outside arrive (repeatable; replaces the
                           defaults). Env INBOUND_CONTEXTS (comma-separated).
  -h, --help               Show this help.

Example:
  {example}

Exit status: 0 when the capture was analysed (even with no calls in it), 2 when the file is
missing, unreadable or not an AMI capture, or the command line is wrong.
`,
  'cli.fromCapture.needFile': 'Give the capture to analyse, for example: crm-telephony calls from-capture session.ami',
  'cli.fromCapture.oneFile': 'Give one capture file; got {count} ({files}). Run the command once per file.',
  'cli.fromCapture.notCapture':
    '"{file}" is not an AMI capture: it holds no AMI message (no "Asterisk Call Manager/" banner, no "Event:" or "Response:" block). Give the raw bytes of an AMI session as the PBX sent them, for example saved from Wireshark ("Follow TCP Stream", the PBX’s side, Show as Raw) on the AMI port (5038).',
  'cli.fromCapture.skipped':
    'note: {count, plural, one {# stretch} other {# stretches}} of "{file}" did not decode as AMI and {count, plural, one {was} other {were}} skipped; the calls below come from the rest.',
  'cli.fromCapture.emptyPbxId': '--pbx-id is empty: give the PBX id the service uses (default "default").',
  'cli.fromCapture.isFolder': '"{file}" is a folder; name the .ami file inside it.',
  'cli.fromCapture.empty': '"{file}" is empty: an AMI capture starts with "Asterisk Call Manager/" or an "Event:" block.',
  'cli.fromCapture.noFile': 'There is no file "{file}" (looked for {path}). Check the path, or give the full path of the capture.',

  // ---- suitecrm-sync.ts: `crm-telephony suitecrm sync` ----------------------------------------
  'cli.sync.usage': `Usage: crm-telephony suitecrm sync [--full] [options]

Copies SuiteCRM’s users (with their extensions), accounts, contacts and leads into the directory,
where caller lookup finds them. Without --full, only what changed since the last sync is fetched
(the first sync lists everything); records deleted in SuiteCRM are removed when SUITECRM_USERNAME
and SUITECRM_PASSWORD are set, and by every --full sync in any case.

Options:
  --full               List everything, and remove what SuiteCRM no longer has.
  --json               Print the summary as JSON.
{store}
SuiteCRM settings (environment): SUITECRM_URL (the site root), SUITECRM_CLIENT_ID and
SUITECRM_CLIENT_SECRET (an OAuth2 "Client Credentials" client: Admin -> OAuth2 Clients and
Tokens), optional SUITECRM_USERNAME and SUITECRM_PASSWORD (deletions), SUITECRM_EXTENSION_FIELD
(default asterisk_ext_c), SUITECRM_MODULES, SUITECRM_*_PHONE_FIELDS, SUITECRM_PAGE_SIZE.

Exit status: 0 synced; 1 SuiteCRM or the database refused, failed or could not be reached (what
was synced before the failure is kept); 2 the command line or settings are wrong.
`,
  'cli.sync.noArguments': '"suitecrm sync" takes no arguments (got {got}); use --full for a full sync.',
  'cli.sync.invalidSettings': 'The SuiteCRM settings are not valid:',
  'cli.sync.stopped': 'Stopped.',
  'cli.sync.kept': 'What was synced before is kept; the next sync goes on from there.',
  // `module`: Users, Accounts, Contacts or Leads, SuiteCRM’s own names.
  'cli.sync.progressLabel': 'Syncing {module}',
  'cli.sync.progress': '{done, number} of ~{total, number}',
  // `kind`: full, first (the first sync lists everything) or changes.
  'cli.sync.done':
    'Synced from SuiteCRM at {url} into {database} in {seconds, number, ::.0} s ({kind, select, full {full sync} first {first sync: everything} other {changes since the last sync}}):',
  // `module` comes padded to line the columns up.
  'cli.sync.module': '  {module} {listed, number} listed, {written, number} written, {unchanged, number} unchanged, {removed, number} removed',
  'cli.sync.directory': 'The directory now holds from SuiteCRM: {users} active users, {accounts} accounts, {contacts} contacts, {leads} leads.',
  'cli.sync.fixInSuiteCrm': 'Fix in SuiteCRM:',

  // ---- doctor.ts: `crm-telephony doctor` (with --json, its checks stay in English) -------------
  // `shape` is the JSON’s outline.
  'cli.doctor.usage': `Usage: crm-telephony doctor [--json] [--timeout <ms>]

Checks the setup the service would start with (the same environment: AMI_*, CRM_TELEPHONY_CONFIG,
DATABASE_URL, HTTP_*, AGI_*, CDR_*, RECORDINGS_*, SUITECRM_*) and prints one line per check, ok,
warn or FAIL, with what to change. It changes nothing.

  --json           One JSON object: {shape}.
  --timeout <ms>   How long to wait for each PBX and SuiteCRM (default 5000).

Exit status: 0 nothing failed (warnings allowed), 1 a check failed, 2 the settings are wrong.
`,
  'cli.doctor.badTimeout': '--timeout is a whole number of milliseconds, at least 100.',
  // A check’s outcome at the start of its line (padded to the longest of the three).
  'cli.doctor.status': '{status, select, fail {FAIL} warn {warn} other {ok}}',
  'cli.doctor.finished':
    '{failed, plural, =0 {All checks passed} one {# check failed} other {# checks failed}}{warned, plural, =0 {} one {, # warning} other {, # warnings}}.',
  'cli.doctor.check.settings': 'settings',
  'cli.doctor.check.store': 'store',
  'cli.doctor.check.httpPort': 'HTTP port',
  'cli.doctor.check.agiPort': 'FastAGI port',
  // `address` is host:port, with ", TLS".
  'cli.doctor.check.pbx': 'PBX {id} ({address})',
  // `pbx` is the check above; `part`: events, timestamps, clock or rights.
  'cli.doctor.check.pbxPart': '{pbx} {part, select, events {events} timestamps {timestampevents} clock {clock} other {rights}}',
  'cli.doctor.check.cdr': 'PBX {id} CDRs',
  'cli.doctor.check.recordings': 'recordings',
  'cli.doctor.check.recordingsOf': 'recordings of PBX {id}',
  'cli.doctor.check.crm': 'CRM',
  'cli.doctor.check.suitecrm': 'SuiteCRM',
  'cli.doctor.check.extensionField': 'SuiteCRM extension field',
  'cli.doctor.check.lookup': 'SuiteCRM lookup',
  'cli.doctor.check.widget': 'SuiteCRM widget',
  'cli.doctor.check.calls': 'SuiteCRM Calls',
  'cli.doctor.check.legacy': 'SuiteCRM deletions',
  // `ids`: the PBXs’ ids, comma-separated.
  'cli.doctor.settingsRead':
    'read; {count, plural, =0 {no PBX set (AMI_HOST or CRM_TELEPHONY_CONFIG): the service would start its demo PBX} one {# PBX: {ids}} other {# PBXs: {ids}}}',
  'cli.doctor.failedAt': '{where}: {message}',
  'cli.doctor.storeOpened': '{database}: opened, migrations up to date, {users, plural, one {# user} other {# users}}',
  'cli.doctor.serviceAnswers': 'the service is running and answers at {url}',
  'cli.doctor.portFree': '{where} is free for the service',
  'cli.doctor.agiOff': 'AGI_PORT=0: FastAGI is off (routing over HTTP only)',
  'cli.doctor.agiInUse': '{where} is in use, by the running service presumably',
  'cli.doctor.cannotConnect': 'cannot connect: {message}',
  'cli.doctor.pbxReached': 'reached; logged in as "{username}" (Asterisk Call Manager {version})',
  'cli.doctor.noEvents':
    'no event came after the login: give the AMI user read = system,call,agent,dialplan,cdr,user in manager.conf (README, "Configuration"), then "manager reload" on the PBX',
  'cli.doctor.eventsFlow': 'events flow (FullyBooted came after the login)',
  'cli.doctor.timestamps': 'events carry the PBX’s time',
  'cli.doctor.noTimestamps':
    'events carry no Timestamp: add timestampevents = yes to manager.conf’s [general] so answer and talk times stay exact while the service catches up (README)',
  // `unit`: ms or s; `direction`: ahead or behind.
  'cli.doctor.clock':
    'the PBX’s clock is {unit, select, ms {{amount} ms} other {{amount, number, ::.0} s}} {direction, select, ahead {ahead of} other {behind}} this machine’s',
  'cli.doctor.clockOff': '{clock}: run NTP (chrony, systemd-timesyncd) on both, or CDR times and call times will disagree',
  'cli.doctor.noClock': 'the PBX did not say its time in the Ping answer: the clocks could not be compared',
  'cli.doctor.rightsUnlisted': 'the PBX did not list the AMI user’s actions ({reason}): the rights in manager.conf could not be checked',
  'cli.doctor.noReason': 'no reason given',
  'cli.doctor.rightsOk': 'the AMI user may run {actions}',
  // `why`: reconnect or clickToCall; `right` is manager.conf’s own words.
  'cli.doctor.rightMissing':
    'the AMI user may not run {action} ({why, select, clickToCall {click-to-call} other {the calls in progress after a reconnect}}): give it {right} in manager.conf',
  'cli.doctor.noCdrSource': 'no CDR source: calls that start and end while the service is cut off from the PBX are not logged',
  'cli.doctor.cdrReadable': '{source}: readable',
  'cli.doctor.folderReadable': '{folder} is readable',
  'cli.doctor.sftpOk': '{where}: logged in (host key as set), {folder} is readable',
  // `code`: ENOENT (not there) or the system’s error code.
  'cli.doctor.noRecordingsFolder':
    '{folder} {code, select, ENOENT {does not exist here} other {cannot be read ({code})}}: mount the PBX’s recordings folder there (RECORDINGS_LOCAL_DIR), or fetch them over SFTP (RECORDINGS_SOURCE=sftp); until then calls show no recording',
  'cli.doctor.embedded': 'the embedded directory (no SUITECRM_URL)',
  // `version`: v7 or v8; `release`: e.g. 8.7.1 (or just 8 when SuiteCRM does not say); `site`: the site root; `root`: where the APIs answer (SuiteCRM 8: <site>/legacy).
  'cli.doctor.apiFound': '{version, select, v8 {SuiteCRM {release} at {site}: its APIs answer under {root}} other {SuiteCRM {release} at {site}: its APIs answer at the site root}}',
  'cli.doctor.tokenOk': '{url}: the OAuth2 client got a token',
  // `listed`: how many users were listed (with "+" when there are more pages).
  'cli.doctor.noExtensions':
    'Users have the field "{field}", but none of the {listed} listed has an extension in it: fill in each agent’s extension on their user profile in SuiteCRM, or nobody gets pops',
  'cli.doctor.extensions': '"{field}": {count} of {listed} users have an extension',
  'cli.doctor.notExtensions': 'not an extension (digits, * and # only): {list}{more, plural, =0 {} one { and # more} other { and # more}}',
  // `version`: v7 or v8 (SuiteCRM 8 has the same legacy admin pages under Administration).
  'cli.doctor.noExtensionField':
    'SuiteCRM’s Users module has no field "{field}"{version, select, v8 { (a new SuiteCRM 8 has none)} other {}}: install the crm-telephony package (npx crm-telephony suitecrm package{version, select, v8 { --suitecrm 8} other {}}, then {version, select, v8 {Administration -> Module Loader} other {Admin -> Module Loader}}), which adds it, or add it yourself ({version, select, v8 {Administration -> Studio} other {Admin -> Studio}} -> Users -> Fields -> Add Field: TextField asterisk_ext, stored as asterisk_ext_c), or set SUITECRM_EXTENSION_FIELD to the field your users’ extensions are in',
  'cli.doctor.lookupFailed': '{module} with the fields {fields}: {message} (a field that SuiteCRM lacks: correct {variable})',
  // `found`: "3 Accounts, 5 Contacts", SuiteCRM’s module names.
  'cli.doctor.lookupOk': '{found} readable with their phone fields (crm-telephony lookup <number> looks one up)',
  'cli.doctor.callsOk': 'readable; no custom Calls field is needed (our call id and the recording link go into the description)',
  'cli.doctor.legacyOff': 'SUITECRM_USERNAME is not set: deletions are found by the full sync (SUITECRM_RECONCILE_INTERVAL_MS)',
  'cli.doctor.legacyOk': '{url}: logged in as "{username}"; deletions are seen between full syncs',
  'cli.doctor.noWidgetSecret':
    'CRM_WIDGET_SECRET is not set: the phone widget inside SuiteCRM cannot sign in. Set it to the secret "npx crm-telephony suitecrm package" printed (or build the package with --secret-env from the one you set)',
  'cli.doctor.widgetSecret': 'CRM_WIDGET_SECRET set ({count, plural, one {one secret} other {# secrets, the first signs}}); it must be the one in the installed package',
} as const;
