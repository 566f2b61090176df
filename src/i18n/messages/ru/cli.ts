/** The cli's messages in Russian (ICU message syntax; see ../index.ts). */
import type { Translation } from '../index.ts';
import type en from '../en/cli.ts';

export default {
  // ---- main.ts ------------------------------------------------------------------------------
  'cli.main.usage': `Использование: crm-telephony <команда> [параметры]

Команды:
  serve                         Запустить сервис (то же, что "npm start") без npm.
  doctor [--json]               Проверить установку целиком (хранилище, порты, каждую АТС, CDR,
                                записи, SuiteCRM) и сказать, что исправить.
  users list                    Показать, кто может войти.
  users set-password <login>    Дать пользователю (администратору, который его потерял) новый
                                пароль; он показывается один раз.
  ami tail                      Печатать каждое событие АТС, по одному объекту JSON в строке.
  ami send <Action> [Key=Value ...]
                                Отправить одно действие и напечатать ответ АТС в JSON.
  import <file.csv> --type contacts|accounts|leads|users
                                Импортировать CSV в справочник (повторный импорт обновляет).
  lookup <number>               Показать в JSON, кто может звонить с номера.
  seed --contacts <N>           Загрузить правдоподобный демо-справочник (сотрудники 101-104).
  tokens create --user <login>  Создать API-токен (или --kind routing для CURL() в диалплане).
  dialplan [--style freepbx]    Напечатать фрагменты диалплана, которые ведут звонящих через crm-telephony.
  encrypt-secret                Зашифровать секрет AMI (из стандартного ввода) для "secretEncrypted"
                                в файле АТС.
  suitecrm sync [--full]        Скопировать пользователей, организации, контакты и лиды SuiteCRM
                                в справочник.
  suitecrm package --service-url <url> [--suitecrm 8]
                                Собрать пакет для SuiteCRM (по умолчанию 7, или 8): телефонный
                                виджет на её страницах и поле добавочного номера у пользователей.
  calls from-capture <file.ami> Прогнать сохранённый сеанс AMI через движок звонков и напечатать
                                записи о звонках массивом JSON.

Команды ami подключаются с AMI_HOST, AMI_PORT, AMI_USERNAME и AMI_SECRET из окружения или с
одноимёнными флагами. Команды справочника берут DATABASE_URL (по умолчанию
./data/crm-telephony.sqlite) и DEFAULT_REGION (по умолчанию US) или --database и --region.
Все параметры команды: "crm-telephony <команда> --help" (например, "crm-telephony ami tail --help").
Язык сообщений: CRM_TELEPHONY_LANG, иначе LC_ALL, LC_MESSAGES или LANG (en, ru).
`,
  'cli.main.error': 'ошибка: {message}',
  'cli.main.forUsage': 'Справка: "{command}".',
  'cli.main.unexpected': 'ошибка: непредвиденный сбой crm-telephony: {message}',
  'cli.main.debugHint': 'Запустите снова с DEBUG=1, чтобы увидеть, где это случилось, и сообщите нам.',
  'cli.main.unknownCommand': 'ошибка: неизвестная команда "{command}".',
  'cli.main.amiNeedsCommand': 'ошибка: после "ami" нужна команда: tail или send.',
  'cli.main.callsNeedsCommand': 'ошибка: после "calls" нужна команда: from-capture.',
  'cli.main.suitecrmCommands': 'ошибка: команды "suitecrm": sync, package.',

  // ---- settings.ts, store-options.ts ------------------------------------------------------------
  'cli.settings.invalid': '{from}: недопустимое значение: {problem}.',
  'cli.store.usage': `Хранилище:
  --database <url>     postgres://user@host:5432/db для PostgreSQL или путь к файлу SQLite.
                       Переменная DATABASE_URL; по умолчанию {sqlitePath}.
  --region <CC>        Регион номеров, записанных без кода страны: код ISO 3166-1, например
                       US, RU, DE, GB (GB, а не UK). Переменная DEFAULT_REGION; по умолчанию {region}.
  -h, --help           Показать эту справку.
`,
  'cli.store.databaseEmpty': '--database пуст: укажите URL postgres:// или путь к файлу SQLite.',
  'cli.store.notRegion':
    '{from} {given} не код региона.{hint, select, uk { Пишите GB, а не UK.} notCountry { Нужна страна, например GB или DE.} other {}} Укажите код ISO 3166-1 alpha-2, например US, RU, DE, GB.',
  'cli.store.postgresInSetting': 'база PostgreSQL из DATABASE_URL',
  'cli.store.noDirectory':
    'В {database} нет справочника. Сначала импортируйте или загрузите его (crm-telephony seed --contacts 1000) либо укажите свой в --database (или DATABASE_URL).',
  'cli.store.cannotOpen': 'Не удалось открыть базу {database}: {message}. Проверьте --database или DATABASE_URL (postgres://user@host:5432/db или путь к файлу SQLite).',

  // ---- ami-options.ts, ami-tail.ts, ami-send.ts ---------------------------------------------------
  'cli.ami.connectionUsage': `Подключение (флаг важнее своей переменной окружения):
  --AMI_HOST, --host <host>          Адрес АТС. Переменная AMI_HOST; по умолчанию {host}.
  --AMI_PORT, --port <port>          TCP-порт AMI ("port" в manager.conf). Переменная AMI_PORT; по умолчанию {port}.
  --AMI_USERNAME, --username <user>  Пользователь AMI (раздел manager.conf). Переменная AMI_USERNAME; по умолчанию {username}.
  --AMI_SECRET, --secret <secret>    Секрет этого пользователя. Переменная AMI_SECRET; обязателен.
                                     Лучше переменная окружения: флаги видны в "ps" и в истории оболочки.
  --md5                              Входить по MD5-запросу, не отправляя секрет
                                     (то же, что AMI_AUTH=md5).
  --timeout <ms>                     Сколько может длиться подключение и вход (а для "send" и само
                                     действие). По умолчанию {timeout}.
  -h, --help                         Показать эту справку.
`,
  'cli.ami.noSecret':
    'Нет секрета AMI: задайте AMI_SECRET в окружении или передайте --AMI_SECRET <secret> (или --secret <secret>).\nЭто "secret" раздела [{username}] в manager.conf на АТС.',
  'cli.ami.badPort': '{from} должен быть портом AMI, целым числом от 1 до 65535; получено {given}.',
  'cli.ami.badAuth': 'AMI_AUTH должен быть "plain" или "md5", а не {given}.',
  'cli.ami.badTimeout': '{from} должен быть числом миллисекунд, целым от {min} до {max}; получено {given}.',
  'cli.tail.usage': `Использование: crm-telephony ami tail [--events Name,Name ...] [параметры]

Подключается к интерфейсу Asterisk Manager Interface на АТС и печатает каждое событие одним
объектом JSON в строке, например {example}.
Ключ, пришедший несколько раз, становится массивом значений. Работает до Ctrl-C. Если
установленное соединение рвётся, оно устанавливается снова, с сообщением в stderr; первое
подключение не повторяется, чтобы о неверном адресе или пароле было сказано сразу.

Параметры:
  --events <Name,Name>               Печатать только эти события (регистр не важен); можно
                                     повторять. По умолчанию все события.

{connection}
Код выхода: 0 — остановлено Ctrl-C или SIGTERM, 1 — АТС недоступна или потеряна окончательно,
2 — неверна командная строка или настройки.
`,
  'cli.tail.connected':
    'Подключено к {where} (AMI {version}) как {username}; печатаю {filter, select, every {все события} other {только события {events}}}. Ctrl-C — остановить.',
  'cli.tail.reconnected': 'Снова подключено к {where}.',
  'cli.tail.lost': 'Соединение с {where} потеряно: {reason}. Новая попытка через {seconds, number, ::.0} с (попытка {attempt}).',
  'cli.tail.notBack': 'Не удалось снова подключиться к {where}: {reason}. Новая попытка через {seconds, number, ::.0} с (попытка {attempt}).',
  'cli.tail.dropClosed': 'АТС закрыла соединение или его оборвала сеть',
  'cli.tail.dropDeadPeer': 'АТС перестала отвечать на проверки связи',
  'cli.tail.warning': 'предупреждение: {message}',
  'cli.send.usage': `Использование: crm-telephony ami send <Action> [Key=Value ...] [параметры]

Отправляет одно действие AMI и печатает ответ АТС одним объектом JSON:
  {shape}
В "events" и "complete" — элементы списка и завершающее событие для списочных действий, таких как
CoreShowChannels или Status. Ключ, пришедший несколько раз, становится массивом значений.

Каждое Key=Value делится по первому "=", так что значение может содержать "=". Чтобы отправить
ключ несколько раз, повторите его по порядку: Variable=A=1 Variable=B=2. ActionID выбирает crm-telephony.

Примеры:
  crm-telephony ami send Ping
  crm-telephony ami send CoreShowChannels
  crm-telephony ami send Getvar {quoted}
  crm-telephony ami send Originate Channel=PJSIP/101 Context=from-internal Exten=102 Priority=1 Async=true

{connection}
Код выхода: 0 — АТС ответила Success, 1 — ответила Error (ответ всё равно напечатан) или
недоступна, 2 — неверна командная строка или настройки.
`,
  'cli.send.nameAction': 'Укажите действие, например: crm-telephony ami send Ping',
  'cli.send.notPair': 'После имени действия ожидается Key=Value, получено {given}. Пример: crm-telephony ami send Getvar Variable=CRM_RECORDING',

  // ---- directory-progress.ts ---------------------------------------------------------------------
  'cli.progress.bar': '{label} [{bar}] {percentage}% | {detail} | прошло {elapsed}, осталось {eta}',
  'cli.progress.line': '{label}: {percent}% ({detail})',

  // ---- directory-seed.ts ----------------------------------------------------------------------
  'cli.seed.usage': `Использование: crm-telephony seed --contacts <N> [параметры]

Загружает демо-справочник: сотрудники alice (101, администратор), bob (102), carol (103) и dave
(104); N контактов, N/10 организаций и N/5 лидов из нескольких стран (больше всего из своего
региона), с номерами, записанными всеми способами, какими их вводят в CRM, несколько номеров,
общих у контакта и офисного телефона его организации, и немного мусора. Одинаковый --seed даёт
одинаковый справочник. У демо-записей постоянные id (demo-c-0000001, ...): повторная загрузка их
обновляет.

Параметры:
  --contacts <N>       Сколько контактов, от 0 до {max, number}. Обязателен.
  --seed <S>           Какой демо-справочник (целое число). По умолчанию 1.
  --password <pw>      Дать четырём демо-пользователям этот пароль. Без него каждый сохраняет
                       свой; у впервые загруженного пароля нет, и войти он не может.
  --json               Напечатать результат в JSON.
{store}
Примеры:
  crm-telephony seed --contacts 1000 --region RU
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/demo crm-telephony seed --contacts 1000000

Код выхода: 0 — загружено, 1 — сбой базы, 2 — неверна командная строка или настройки.
`,
  'cli.seed.noArguments': 'seed принимает только параметры; получено {got}. Может быть, --contacts {first}?',
  'cli.seed.needContacts': 'Укажите число контактов в --contacts, например: crm-telephony seed --contacts 1000',
  'cli.seed.wholeNumber': '{flag} должен быть целым числом от {min} до {max, number}; получено {given}.',
  'cli.seed.shortPassword': '--password должен быть не короче 8 символов: с ним демо-пользователи входят в систему.',
  'cli.seed.progressLabel': 'Загрузка',
  'cli.seed.progress': '{done, number} из {all, number} записей',
  'cli.seed.done': 'Загружено в {database} (регион {region}, seed {seed}) за {seconds, number, ::.0} с:',
  'cli.seed.user': '{login} ({extensions, select, none {без добавочного} other {{extensions}}}{admin, select, yes {, администратор} other {}})',
  'cli.seed.users': '  пользователи: {users}',
  'cli.seed.accounts': '  организации:  {count, number}',
  'cli.seed.contacts': '  контакты:     {count, number}',
  'cli.seed.leads': '  лиды:         {count, number}',
  'cli.seed.records': '  записей создано {created, number}, обновлено {updated, number}.',
  'cli.seed.passwordGiven': 'У четырёх демо-пользователей теперь указанный вами пароль.',
  'cli.seed.noneCanSignIn': 'У демо-пользователей нет пароля, и войти они не могут; загрузите снова с --password <pw>, чтобы его задать.',
  'cli.seed.allCanSignIn': 'Демо-пользователи сохранили свои пароли: {logins} могут войти.',
  'cli.seed.someCanSignIn':
    'Сохранили пароль и могут войти: {can}. Без пароля и не могут войти: {cannot}; загрузите снова с --password <pw>, чтобы задать пароль всем четверым.',
  'cli.seed.extensionConflicts': 'Добавочные номера уже принадлежали другим пользователям, поэтому эти демо-пользователи сохранили свои: {logins}.',
  'cli.seed.try': 'Попробуйте: crm-telephony lookup "{e164}"{flags}   ({name}, записан как "{number}")',

  // ---- users.ts -----------------------------------------------------------------------------------
  'cli.users.usage': `Использование: crm-telephony users list
               crm-telephony users set-password <login> [--stdin]

list          Все пользователи: логин, имя, роль, активен ли, добавочные номера (JSON).
set-password  Новый пароль для <login>; все сеансы пользователя закрываются. Без --stdin пароль
              создаётся и печатается один раз; с --stdin читается из стандартного ввода
              (одна строка, не короче {min} символов): {example}

{store}`,
  'cli.users.unknownCommand': 'неизвестная команда users "{verb}".',
  'cli.users.oneLogin':
    'укажите один логин: crm-telephony users set-password <login>{extra, select, yes { (пароль никогда не передаётся в командной строке: используйте --stdin)} other {}}.',
  'cli.users.badPiped':
    '{why, select, lines {во вводе несколько строк; передайте только пароль} other {пароль должен быть не короче {min} символов}}. Ничего не изменено.',
  'cli.users.noSuchUser': 'пользователя "{login}" нет. Список пользователей: "crm-telephony users list".',
  'cli.users.passwordGenerated': 'Пароль "{login}" заменён на напечатанный выше (показан только сейчас); сеансы пользователя закрыты.',
  'cli.users.passwordChanged': 'Пароль "{login}" изменён; сеансы пользователя закрыты.',

  // ---- tokens.ts ----------------------------------------------------------------------------------
  'cli.tokens.usage': `Использование: crm-telephony tokens create --user <login> [--name <label>]
               crm-telephony tokens create --kind routing [--name <label>]
               crm-telephony tokens create --kind metrics [--name <label>]
               crm-telephony tokens list
               crm-telephony tokens revoke <id>

API-токены (вид по умолчанию) действуют от имени своего пользователя: передавайте их как
"Authorization: Bearer <token>". Токены маршрутизации служат CURL() в диалплане (GET /api/route и
/api/callerid) и больше ничего не видят. Токены метрик читают GET /metrics (Prometheus: в задании
сбора "{scrape}") и больше ничего. Токен печатается один раз; храните его в хранилище секретов.

{store}`,
  'cli.tokens.badKind': '--kind должен быть api, routing или metrics, а не "{kind}".',
  'cli.tokens.needUser': 'API-токен действует от имени пользователя: укажите --user <login> (или --kind routing для диалплана).',
  'cli.tokens.noSuchUser': 'пользователя "{login}" нет. Сначала создайте его (import --type users или страница администратора).',
  'cli.tokens.created': 'Создан токен {kind} {id} ("{name}"). Он показан только сейчас: сохраните его надёжно.',
  'cli.tokens.needId': 'укажите id токена, который отозвать (см. "crm-telephony tokens list").',
  'cli.tokens.revoked': 'Токен {id} отозван.',
  'cli.tokens.noSuchToken': 'токена {id} нет.',
  'cli.tokens.unknownCommand': 'неизвестная команда tokens "{verb}".',

  // ---- serve.ts, encrypt-secret.ts ------------------------------------------------------------------
  'cli.serve.usage': `Использование: crm-telephony serve

Запускает сервис на переднем плане с настройками из окружения (README, "Settings"), как
"npm start". SIGTERM или SIGINT останавливает его за несколько секунд, сохранив работу; код выхода
тогда 0, 1 — запуск не удался (сообщение скажет, что изменить), 2 — неверная настройка.
`,
  'cli.serve.noArguments': 'serve не принимает аргументов; настройки берутся из окружения.',
  'cli.encryptSecret.usage': `Использование: {example}

Печатает секрет из стандартного ввода (одна строка; последний перевод строки отбрасывается),
зашифрованный ключом CRM_TELEPHONY_SECRET_KEY (не короче 16 символов), для "secretEncrypted" в
файле АТС (CRM_TELEPHONY_CONFIG). Сервису нужен тот же CRM_TELEPHONY_SECRET_KEY, чтобы его открыть.
`,
  'cli.encryptSecret.noArguments': 'encrypt-secret не принимает аргументов: передайте секрет через стандартный ввод, чтобы он не попал в историю оболочки.',
  'cli.encryptSecret.needKey': 'задайте CRM_TELEPHONY_SECRET_KEY (не короче {min} символов) — тот ключ, что будет у сервиса, — и запустите снова.',
  'cli.encryptSecret.badInput': '{why, select, empty {секрет не пришёл на стандартный ввод} other {во вводе несколько строк; передайте только секрет}}.',

  // ---- directory-import.ts and the import summary ---------------------------------------------------
  'cli.import.usage': `Использование: crm-telephony import <file.csv> --type contacts|accounts|leads|users [параметры]

Импортирует в справочник файл CSV со строкой заголовка. Записи сопоставляются по столбцу "id",
пользователи — по "login": повторный импорт файла обновляет, а не дублирует. Плохие строки
пропускаются и перечисляются с номерами строк; все хорошие строки импортируются. Разделитель
берётся из строки заголовка: запятая, точка с запятой (так Excel сохраняет CSV в России и
большей части Европы) или табуляция.

Столбцы (их называет строка заголовка; другие столбцы не читаются; регистр не важен):
  users     {users}
            добавочные через ";" (101;201); роль admin или agent (пусто: agent);
            пустой пароль оставляет пользователю текущий.
  accounts  {accounts}
  contacts  {contacts}
  leads     {leads}
  assigned_user — логин пользователя (сначала импортируйте пользователей); неизвестный логин —
  предупреждение, и запись импортируется без ответственного. account_id контакта должен быть id
  импортированной организации.

Параметры:
  --type <type>        contacts, accounts, leads или users. Обязателен.
  --map <pairs>        Переименовать столбцы файла: --map "Mobile Phone=phone_mobile,Account=account_id".
                       Можно указывать несколько раз.
  --json               Напечатать итог в JSON (счётчики, пропущенные строки и предупреждения с номерами строк).
{store}
Импортируйте организации раньше контактов, которые на них ссылаются, а пользователей — раньше
записей, назначенных им:
  crm-telephony import users.csv --type users
  crm-telephony import accounts.csv --type accounts --region DE
  crm-telephony import contacts.csv --type contacts --map "Mobile=phone_mobile"

Код выхода: 0 — импортированы все строки, 1 — часть строк пропущена (остальные импортированы)
или база дала сбой при записи, 2 — неверны командная строка, файл, его заголовок или настройка
базы (ничего не импортировано).
`,
  'cli.import.nameFile': 'Укажите файл CSV для импорта, например: crm-telephony import contacts.csv --type contacts',
  'cli.import.oneFile':
    'Импортируйте по одному файлу; получено {count, plural, one {# имя} few {# имени} many {# имён} other {# имени}}: {files}. Имя файла с пробелами возьмите в кавычки.',
  'cli.import.needType': 'Укажите, что в файле, через --type: {types}.',
  'cli.import.unknownType': 'Неизвестный --type "{given}": используйте {types}.',
  'cli.import.noFile': 'Файла "{file}" нет (искали {path}). Проверьте путь; запустите команду из папки файла или укажите полный путь.',
  'cli.import.cannotRead': 'Не удаётся прочитать "{file}": нет доступа. Дайте себе право на чтение или скопируйте файл туда, где его можно прочитать.',
  'cli.import.isFolder': '"{file}" — это папка; укажите файл CSV в ней.',
  'cli.import.progressLabel': 'Импорт {type, select, users {пользователей} accounts {организаций} contacts {контактов} other {лидов}}',
  'cli.import.progress':
    '{rows, plural, one {# строка} few {# строки} many {# строк} other {# строки}}, пропущено {skipped, number}',
  'cli.import.summary':
    'Импорт {type, select, users {пользователей} accounts {организаций} contacts {контактов} other {лидов}} из {file} (разделитель — {delimiter, select, semicolon {точка с запятой} tab {табуляция} other {запятая}}): {rows, plural, one {прочитана # строка} few {прочитаны # строки} many {прочитано # строк} other {прочитано # строки}} за {seconds, number, ::.0} с.',
  'cli.import.summaryRate':
    'Импорт {type, select, users {пользователей} accounts {организаций} contacts {контактов} other {лидов}} из {file} (разделитель — {delimiter, select, semicolon {точка с запятой} tab {табуляция} other {запятая}}): {rows, plural, one {прочитана # строка} few {прочитаны # строки} many {прочитано # строк} other {прочитано # строки}} за {seconds, number, ::.0} с, {rate, number} строк/с.',
  'cli.import.created': '  создано:    {count, number}',
  'cli.import.updated': '  обновлено:  {count, number}',
  'cli.import.updatedKnown': '  обновлено:  {count, number} ({type, select, users {логины} other {id}} уже были в справочнике)',
  'cli.import.skipped': '  пропущено:  {count, number}',
  'cli.import.warned': '  импортировано с предупреждениями: {count, number}',
  'cli.import.skippedHeading': 'Пропущенные строки (хорошие строки уже импортированы; исправьте эти и импортируйте файл снова — это обновит, а не продублирует):',
  'cli.import.skippedRow': '  строка {line}: {reason}',
  'cli.import.moreSkipped': '  ... и ещё {count, number}.',
  'cli.import.moreSkippedListed': '  ... и ещё {count, number} (--json перечисляет первые {listed, number}).',
  'cli.import.warningsHeading': 'Предупреждения (эти строки импортированы):',
  'cli.import.warningLines': '  {count, plural, one {строка} few {строки} many {строки} other {строки}} {lines}: {reason}',
  'cli.import.warningLinesMore': '  {count, plural, one {строка} few {строки} many {строки} other {строки}} {lines} и ещё {more, number}: {reason}',
  'cli.import.ignoredColumns': 'Не импортированные столбцы (не столбцы {type}; переименуйте их через --map, чтобы импортировать): {columns}.',

  // ---- directory-lookup.ts -------------------------------------------------------------------------
  'cli.lookup.usage': `Использование: crm-telephony lookup <number> [параметры]

Ищет номер так, как его искал бы входящий звонок, и печатает один объект JSON:
  {shape}
"kind" — number, internal (добавочный), anonymous или invalid. Кандидаты упорядочены: точное
совпадение E.164, затем национальный номер, затем окончание номера; затем контакт, лид,
организация; затем самая свежая активность. "matched" — совпавшее поле телефона, как оно записано в CRM.

Примеры:
  crm-telephony lookup "+7 (495) 123-45-67"
  crm-telephony lookup 84951234567 --region RU
  crm-telephony lookup "(415) 555-2671 ext. 12" --database postgres://crm@db:5432/crm

{store}
Код выхода: 0 — поиск выполнен (с кандидатами или без), 1 — сбой базы, 2 — неверна командная
строка или настройки.
`,
  'cli.lookup.needNumber': 'Укажите номер для поиска, например: crm-telephony lookup "+7 495 123 45 67"',
  'cli.lookup.oneNumber':
    'Укажите один номер; получено {count, plural, one {# значение} few {# значения} many {# значений} other {# значения}}. Номер с пробелами возьмите в кавычки: crm-telephony lookup "{joined}"',

  // ---- dialplan.ts ---------------------------------------------------------------------------------
  'cli.dialplan.usage': `Использование: crm-telephony dialplan [--style plain|freepbx] [параметры]

Печатает фрагменты диалплана, которые спрашивают crm-telephony, куда направить каждого звонящего,
чтобы вы вставили их в Asterisk. Звонящий попадает к ответственному менеджеру (ROUTE_EXT), а если
сервис недоступен, медлит или не нашёл маршрута — на ваш запасной вариант.

Параметры:
  --style plain|freepbx   plain: контекст для extensions.conf (по умолчанию). freepbx: контекст для
                          extensions_custom.conf, подключаемый через Custom Destination.
  --agi-host <host>       Где работает сервер FastAGI, как его видит Asterisk. Переменная AGI_PUBLIC_HOST;
                          по умолчанию 127.0.0.1 (та же машина).
  --agi-port <port>       Переменная AGI_PORT; по умолчанию 4573.
  --http-url <url>        Базовый URL сервиса для варианта с CURL(). По умолчанию http://127.0.0.1:8080.
  --token <token>         Токен маршрутизации для варианта с CURL() (создаётся командой
                          "crm-telephony tokens create --kind routing"). По умолчанию заглушка.
  --fallback <dial>       Куда идут звонящие, когда маршрута нет, например PJSIP/101 или Local/600@from-internal.
                          Переменная ROUTING_FALLBACK_DIAL; по умолчанию Local/s@crm-route-fallback (определите его).
  --tech <tech>           Технология каналов добавочных. По умолчанию PJSIP.
  --pbx <id>              При нескольких АТС: id АТС, для которой этот диалплан (как в
                          CRM_TELEPHONY_CONFIG), чтобы маршрутизация отвечала её добавочными, а записи
                          искались на ней. По умолчанию АТС по умолчанию.
  -h, --help              Показать эту справку.
`,
  'cli.dialplan.badStyle': '--style должен быть plain или freepbx, а не "{style}".',
  'cli.dialplan.badPort': '{from} должен быть номером порта.',
  'cli.dialplan.badPbx': '--pbx должен быть id АТС, как в CRM_TELEPHONY_CONFIG (строчные латинские буквы, цифры, - и _), а не "{pbx}".',
  'cli.dialplan.badValue': '{flag} не может содержать перевод строки или ";".',
  'cli.dialplan.noRecordingSubroutine': 'примечание: подпрограмма записи разговоров не включена: {message}',

  // ---- calls-from-capture.ts ---------------------------------------------------------------------
  'cli.fromCapture.usage': `Использование: crm-telephony calls from-capture <file.ami> [параметры]

Прогоняет сохранённый сеанс AMI (в точности байты, присланные АТС, с приветствием или без) через
движок звонков и печатает записи о звонках одним массивом JSON, по объекту на звонок, в порядке их
начала: id, direction, externalNumber, normalizedNumber, did, rang, answeredBy, disposition,
startedAt, answeredAt, endedAt, ringSeconds, talkSeconds, transfers, hangupBy, recording и остальные
поля записи (см. src/calls/README.md). Время берётся из самой записи сеанса (заголовки Timestamp,
EventTime в CEL, поля Cdr); null, если его там нет. Звонки, не закончившиеся к концу записи,
заканчиваются там (endReason "capture-ended").

Параметры:
  --region <CC>            Регион номеров без кода страны (US, RU, DE, GB...).
                           Переменная DEFAULT_REGION; по умолчанию US.
  --pbx-id <id>            Id звонков — "<pbx-id>:<Linkedid>". По умолчанию "{pbxId}", как у сервиса.
  --trunk <endpoint>       Транк, имя которого похоже на добавочный (можно повторять).
                           Переменная TRUNK_ENDPOINTS (через запятую).
  --inbound-context <ctx>  Контекст, куда приходят внешние звонки (можно повторять; заменяет
                           значения по умолчанию). Переменная INBOUND_CONTEXTS (через запятую).
  -h, --help               Показать эту справку.

Пример:
  {example}

Код выхода: 0 — запись разобрана (даже если звонков в ней нет), 2 — файла нет, он не читается или
это не запись AMI, либо неверна командная строка.
`,
  'cli.fromCapture.needFile': 'Укажите запись сеанса для разбора, например: crm-telephony calls from-capture session.ami',
  'cli.fromCapture.oneFile':
    'Укажите один файл записи; получено {count, plural, one {# файл} few {# файла} many {# файлов} other {# файла}} ({files}). Запускайте команду для каждого файла отдельно.',
  'cli.fromCapture.notCapture':
    '"{file}" не запись AMI: в нём нет ни одного сообщения AMI (нет приветствия "Asterisk Call Manager/", нет блока "Event:" или "Response:"). Нужны сырые байты сеанса AMI, как их прислала АТС, например сохранённые в Wireshark ("Follow TCP Stream", сторона АТС, Show as Raw) на порту AMI (5038).',
  'cli.fromCapture.skipped':
    'примечание: {count, plural, one {# фрагмент} few {# фрагмента} many {# фрагментов} other {# фрагмента}} "{file}" не {count, plural, one {разобрался} few {разобрались} many {разобрались} other {разобрались}} как AMI и {count, plural, one {пропущен} few {пропущены} many {пропущены} other {пропущены}}; звонки ниже — из остального.',
  'cli.fromCapture.emptyPbxId': '--pbx-id пуст: укажите id АТС, который использует сервис (по умолчанию "default").',
  'cli.fromCapture.isFolder': '"{file}" — это папка; укажите файл .ami в ней.',
  'cli.fromCapture.empty': '"{file}" пуст: запись AMI начинается с "Asterisk Call Manager/" или блока "Event:".',
  'cli.fromCapture.noFile': 'Файла "{file}" нет (искали {path}). Проверьте путь или укажите полный путь к записи.',

  // ---- suitecrm-sync.ts ------------------------------------------------------------------------------
  'cli.sync.usage': `Использование: crm-telephony suitecrm sync [--full] [параметры]

Копирует пользователей SuiteCRM (с их добавочными), организации, контакты и лиды в справочник,
где их находит поиск звонящего. Без --full забирается только изменённое с прошлой синхронизации
(первая синхронизация читает всё); удалённые в SuiteCRM записи убираются, когда заданы
SUITECRM_USERNAME и SUITECRM_PASSWORD, и в любом случае при каждой синхронизации с --full.

Параметры:
  --full               Прочитать всё и убрать то, чего в SuiteCRM больше нет.
  --json               Напечатать итог в JSON.
{store}
Настройки SuiteCRM (окружение): SUITECRM_URL (корень сайта), SUITECRM_CLIENT_ID и
SUITECRM_CLIENT_SECRET (клиент OAuth2 "Client Credentials": Admin -> OAuth2 Clients and
Tokens), необязательные SUITECRM_USERNAME и SUITECRM_PASSWORD (удаления), SUITECRM_EXTENSION_FIELD
(по умолчанию asterisk_ext_c), SUITECRM_MODULES, SUITECRM_*_PHONE_FIELDS, SUITECRM_PAGE_SIZE.

Код выхода: 0 — синхронизировано; 1 — SuiteCRM или база отказали, дали сбой или недоступны
(синхронизированное до сбоя сохраняется); 2 — неверна командная строка или настройки.
`,
  'cli.sync.noArguments': '"suitecrm sync" не принимает аргументов (получено {got}); для полной синхронизации — --full.',
  'cli.sync.invalidSettings': 'Настройки SuiteCRM неверны:',
  'cli.sync.stopped': 'Остановлено.',
  'cli.sync.kept': 'Синхронизированное раньше сохранено; следующая синхронизация продолжит с этого места.',
  'cli.sync.progressLabel': 'Синхронизация {module}',
  'cli.sync.progress': '{done, number} из ~{total, number}',
  'cli.sync.done':
    'Синхронизировано из SuiteCRM ({url}) в {database} за {seconds, number, ::.0} с ({kind, select, full {полная синхронизация} first {первая синхронизация: всё} other {изменения с прошлой синхронизации}}):',
  'cli.sync.module': '  {module} прочитано {listed, number}, записано {written, number}, без изменений {unchanged, number}, удалено {removed, number}',
  'cli.sync.directory':
    'Теперь в справочнике из SuiteCRM: {users, plural, one {# активный пользователь} few {# активных пользователя} many {# активных пользователей} other {# активного пользователя}}, {accounts, plural, one {# организация} few {# организации} many {# организаций} other {# организации}}, {contacts, plural, one {# контакт} few {# контакта} many {# контактов} other {# контакта}}, {leads, plural, one {# лид} few {# лида} many {# лидов} other {# лида}}.',
  'cli.sync.fixInSuiteCrm': 'Исправьте в SuiteCRM:',

  // ---- doctor.ts ------------------------------------------------------------------------------------
  'cli.doctor.usage': `Использование: crm-telephony doctor [--json] [--timeout <ms>]

Проверяет установку, с которой запустился бы сервис (то же окружение: AMI_*, CRM_TELEPHONY_CONFIG,
DATABASE_URL, HTTP_*, AGI_*, CDR_*, RECORDINGS_*, SUITECRM_*), и печатает по строке на проверку:
ОК, ВНИМАНИЕ или СБОЙ, с тем, что изменить. Ничего не меняет.

  --json           Один объект JSON (на английском): {shape}.
  --timeout <ms>   Сколько ждать каждую АТС и SuiteCRM (по умолчанию 5000).

Код выхода: 0 — сбоев нет (предупреждения допустимы), 1 — проверка не прошла, 2 — неверны настройки.
`,
  'cli.doctor.badTimeout': '--timeout — целое число миллисекунд, не меньше 100.',
  'cli.doctor.status': '{status, select, fail {СБОЙ} warn {ВНИМАНИЕ} other {ОК}}',
  'cli.doctor.finished':
    '{failed, plural, =0 {Все проверки пройдены} one {# проверка не пройдена} few {# проверки не пройдены} many {# проверок не пройдено} other {# проверки не пройдено}}{warned, plural, =0 {} one {, # предупреждение} few {, # предупреждения} many {, # предупреждений} other {, # предупреждения}}.',
  'cli.doctor.check.settings': 'настройки',
  'cli.doctor.check.store': 'хранилище',
  'cli.doctor.check.httpPort': 'порт HTTP',
  'cli.doctor.check.agiPort': 'порт FastAGI',
  'cli.doctor.check.pbx': 'АТС {id} ({address})',
  'cli.doctor.check.pbxPart': '{pbx}, {part, select, events {события} timestamps {timestampevents} clock {часы} other {права}}',
  'cli.doctor.check.cdr': 'АТС {id}, CDR',
  'cli.doctor.check.recordings': 'записи разговоров',
  'cli.doctor.check.recordingsOf': 'записи разговоров АТС {id}',
  'cli.doctor.check.crm': 'CRM',
  'cli.doctor.check.suitecrm': 'SuiteCRM',
  'cli.doctor.check.extensionField': 'поле добавочного в SuiteCRM',
  'cli.doctor.check.lookup': 'поиск в SuiteCRM',
  'cli.doctor.check.widget': 'виджет SuiteCRM',
  'cli.doctor.check.calls': 'звонки в SuiteCRM',
  'cli.doctor.check.legacy': 'удаления в SuiteCRM',
  'cli.doctor.settingsRead':
    'прочитаны; {count, plural, =0 {АТС не задана (AMI_HOST или CRM_TELEPHONY_CONFIG): сервис запустил бы демо-АТС} one {# АТС: {ids}} few {# АТС: {ids}} many {# АТС: {ids}} other {# АТС: {ids}}}',
  'cli.doctor.failedAt': '{where}: {message}',
  'cli.doctor.storeOpened':
    '{database}: открыто, миграции применены, {users, plural, one {# пользователь} few {# пользователя} many {# пользователей} other {# пользователя}}',
  'cli.doctor.serviceAnswers': 'сервис работает и отвечает на {url}',
  'cli.doctor.portFree': '{where} свободен для сервиса',
  'cli.doctor.agiOff': 'AGI_PORT=0: FastAGI выключен (маршрутизация только через HTTP)',
  'cli.doctor.agiInUse': '{where} занят — видимо, работающим сервисом',
  'cli.doctor.cannotConnect': 'не удаётся подключиться: {message}',
  'cli.doctor.pbxReached': 'доступна; вход выполнен как "{username}" (Asterisk Call Manager {version})',
  'cli.doctor.noEvents':
    'после входа не пришло ни одного события: дайте пользователю AMI read = system,call,agent,dialplan,cdr,user в manager.conf (README, "Configuration"), затем "manager reload" на АТС',
  'cli.doctor.eventsFlow': 'события идут (после входа пришло FullyBooted)',
  'cli.doctor.timestamps': 'в событиях есть время АТС',
  'cli.doctor.noTimestamps':
    'в событиях нет Timestamp: добавьте timestampevents = yes в раздел [general] файла manager.conf, чтобы время ответа и разговора оставалось точным, пока сервис догоняет события (README)',
  'cli.doctor.clock':
    'часы АТС {direction, select, ahead {спешат} other {отстают}} относительно этой машины на {unit, select, ms {{amount} мс} other {{amount, number, ::.0} с}}',
  'cli.doctor.clockOff': '{clock}: запустите NTP (chrony, systemd-timesyncd) на обеих, иначе время в CDR и время звонков разойдутся',
  'cli.doctor.noClock': 'АТС не сообщила своё время в ответе на Ping: часы сравнить не удалось',
  'cli.doctor.rightsUnlisted': 'АТС не перечислила действия пользователя AMI ({reason}): права в manager.conf проверить не удалось',
  'cli.doctor.noReason': 'без объяснения',
  'cli.doctor.rightsOk': 'пользователю AMI разрешены {actions}',
  'cli.doctor.rightMissing':
    'пользователю AMI не разрешено {action} ({why, select, clickToCall {звонок по клику} other {звонки, идущие после переподключения}}): дайте ему {right} в manager.conf',
  'cli.doctor.noCdrSource': 'нет источника CDR: звонки, начавшиеся и закончившиеся, пока сервис отрезан от АТС, не попадут в журнал',
  'cli.doctor.cdrReadable': '{source}: читается',
  'cli.doctor.folderReadable': '{folder} читается',
  'cli.doctor.sftpOk': '{where}: вход выполнен (ключ узла совпадает), {folder} читается',
  'cli.doctor.noRecordingsFolder':
    '{folder} {code, select, ENOENT {здесь нет} other {не читается ({code})}}: подключите туда папку записей АТС (RECORDINGS_LOCAL_DIR) или забирайте их по SFTP (RECORDINGS_SOURCE=sftp); до тех пор у звонков не будет записей',
  'cli.doctor.embedded': 'встроенный справочник (SUITECRM_URL не задан)',
  'cli.doctor.apiFound': '{version, select, v8 {SuiteCRM {release} на {site}: его API отвечают под {root}} other {SuiteCRM {release} на {site}: его API отвечают в корне сайта}}',
  'cli.doctor.tokenOk': '{url}: клиент OAuth2 получил токен',
  'cli.doctor.noExtensions':
    'У пользователей есть поле "{field}", но ни у одного из {listed} прочитанных в нём нет добавочного: впишите каждому сотруднику его добавочный в профиле SuiteCRM, иначе никто не получит всплывающих карточек',
  'cli.doctor.extensions': '"{field}": добавочный есть у {count} из {listed} пользователей',
  'cli.doctor.notExtensions':
    'не добавочный (только цифры, * и #): {list}{more, plural, =0 {} one { и ещё #} few { и ещё #} many { и ещё #} other { и ещё #}}',
  'cli.doctor.noExtensionField':
    'В модуле Users SuiteCRM нет поля "{field}"{version, select, v8 { (в новом SuiteCRM 8 его нет)} other {}}: установите пакет crm-telephony (npx crm-telephony suitecrm package{version, select, v8 { --suitecrm 8} other {}}, затем {version, select, v8 {Administration -> Module Loader} other {Admin -> Module Loader}}), который его добавляет, или добавьте поле сами ({version, select, v8 {Administration -> Studio} other {Admin -> Studio}} -> Users -> Fields -> Add Field: TextField asterisk_ext, хранится как asterisk_ext_c), или укажите в SUITECRM_EXTENSION_FIELD поле, где хранятся добавочные ваших пользователей',
  'cli.doctor.lookupFailed': '{module} с полями {fields}: {message} (поле, которого нет в SuiteCRM: исправьте {variable})',
  'cli.doctor.lookupOk': '{found} читаются со своими полями телефонов (crm-telephony lookup <number> найдёт любой)',
  'cli.doctor.callsOk': 'читаются; своих полей в Calls не нужно (наш id звонка и ссылка на запись пишутся в описание)',
  'cli.doctor.legacyOff': 'SUITECRM_USERNAME не задан: удаления находит полная синхронизация (SUITECRM_RECONCILE_INTERVAL_MS)',
  'cli.doctor.legacyOk': '{url}: вход как "{username}"; удаления видны между полными синхронизациями',
  'cli.doctor.noWidgetSecret':
    'CRM_WIDGET_SECRET не задан: телефонный виджет внутри SuiteCRM не сможет войти. Задайте секрет, который напечатала "npx crm-telephony suitecrm package" (или соберите пакет с --secret-env из заданного вами)',
  'cli.doctor.widgetSecret':
    'CRM_WIDGET_SECRET задан ({count, plural, =1 {один секрет} one {# секрет, подписывает первый} few {# секрета, подписывает первый} many {# секретов, подписывает первый} other {# секрета, подписывает первый}}); он должен совпадать с секретом в установленном пакете',
} satisfies Translation<typeof en>;
