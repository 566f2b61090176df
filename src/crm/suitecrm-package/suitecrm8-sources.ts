/**
 * The SuiteCRM 8 package, as text. SuiteCRM 8 is an Angular app served by Symfony, with SuiteCRM 7
 * kept underneath (`public/legacy`); the legacy `after_ui_frame` hook of the SuiteCRM 7 package
 * runs only in the legacy pages SuiteCRM 8 shows in iframes, never in the Angular record pages. So
 * on 8 the widget comes from a backend extension, `extensions/crmTelephony/`, which SuiteCRM 8
 * itself loads (SuiteCRM-Core v8.7.1, `config/core_services.yaml`: classes under `extensions/`
 * are autowired, autoconfigured services in the `App\Extension\` namespace; `config/services.yaml`
 * imports `extensions/* /config/*.php`) and keeps across upgrades (`config/services/system/
 * upgrades.yaml`: `toKeep: extensions`):
 *
 * - `backend/WidgetLoaderSubscriber.php`, a kernel.response subscriber, adds the same small loader
 *   as on 7 (LOADER_JS: the widget loads after the page's `load` event) to the app's page, the
 *   responses of the routes `index` (`/`) and `nativeAuth` (`/auth`) of
 *   `core/backend/Engine/Controller/IndexController.php`. The page is the same for every user and
 *   is fetched once per tab (signing in does not reload it), so it carries no user and no token.
 * - `backend/WidgetTokenProcess.php`, a process handler (`App\Process\Service\ProcessHandlerInterface`,
 *   tagged by `_instanceof` in core_services.yaml): the widget asks SuiteCRM's own GraphQL API
 *   (`createProcess`, type `crm-telephony-widget-token`, with the `X-XSRF-TOKEN` header that
 *   `App\Security\CSRFValidationListener` requires on /api) and gets the signed-in user's id,
 *   language and a token, signed exactly as the SuiteCRM 7 hook signs it (src/web/auth/crm-sso.ts).
 *   `requiredAuthRole` ROLE_USER: `ProcessProcessor` refuses anyone not signed in.
 * - `config/crm_telephony.php`: the service's address and the shared secret, as container parameters.
 *
 * The legacy Module Loader of SuiteCRM 8 installs the extension (installdefs `copy_core_extensions`,
 * `public/legacy/ModuleInstall/ModuleInstaller.php`: copies into `extensions/` and empties the
 * Symfony cache, so the new services load on the next request) and the Users field (installdefs
 * `custom_fields`, as on 7). The PHP passes the package scanner (only .php and .txt, no file
 * functions, callbacks, variable functions, echo or backticks) and depends on few SuiteCRM names:
 * the two Process names (implemented: a change there breaks the container) and the Users entity
 * with `getIsGroup`/`getPortalOnly` (only checked at run time: a rename means no token, said in
 * SuiteCRM's log); everything else is Symfony's (PSR logger, parameter bag, token storage, request
 * stack).
 */
import { LOADER_JS, fieldLabel, manifestArray, phpString, usersFieldDefinition } from './php-sources.ts';

export const EXTENSION_NAME = 'crmTelephony';
export const EXTENSION_DIR = `extensions/${EXTENSION_NAME}`;
export const PACKAGE8_ID = 'crm_telephony_suitecrm8';
export const PROCESS_TYPE = 'crm-telephony-widget-token';
export const LOADER_FILE = `${EXTENSION_DIR}/backend/WidgetLoaderSubscriber.php`;
export const PROCESS_FILE = `${EXTENSION_DIR}/backend/WidgetTokenProcess.php`;
export const SETTINGS_FILE = `${EXTENSION_DIR}/config/crm_telephony.php`;
export const LANGUAGE8_FILE = 'language/Users/en_us.crm_telephony.php';
const NAMESPACE = `App\\Extension\\${EXTENSION_NAME}\\backend`;

export interface Suitecrm8SourceOptions {
  version: string;
  publishedAt: Date;
  serviceUrl: string;
  secret: string;
  extensionField: string;
  tokenTtlSeconds: number;
}

/** The shared part of both PHP classes: where the settings are and whether they are usable. */
const SETTINGS_DOC = `The settings are container parameters (config/crm_telephony.php): crm_telephony.service_url and
 * crm_telephony.widget_secret, the service's CRM_WIDGET_SECRET. Missing or unusable settings mean
 * no widget, never an error.`;

export function loaderSubscriberSource(o: Pick<Suitecrm8SourceOptions, 'version'>): string {
  if (/['\\]/.test(LOADER_JS)) throw new Error('the loader must be free of quotes and backslashes to sit in a PHP string');
  return `<?php
/*
 * crm-telephony ${o.version}: the phone widget in SuiteCRM 8's pages.
 *
 * Adds one script element to the app's page (the responses of the routes 'index', '/', and
 * 'nativeAuth', '/auth': the same index.html for everyone, fetched once per tab), before </body>:
 *
 *   <script data-crm-telephony-loader="1" data-suitecrm="8" data-src="<service>/widget/widget.js"
 *           data-service="<service>">loader</script>
 *
 * The loader adds <service>/widget/widget.js only once the page's load event has fired, so
 * nothing of SuiteCRM ever waits for our service. The widget then asks SuiteCRM who is signed in
 * (WidgetTokenProcess) and signs in to the service as that user.
 *
 * ${SETTINGS_DOC}
 * Anything unexpected leaves the page as it was.
 */

namespace ${NAMESPACE};

use Psr\\Log\\LoggerInterface;
use Symfony\\Component\\DependencyInjection\\ParameterBag\\ParameterBagInterface;
use Symfony\\Component\\EventDispatcher\\EventSubscriberInterface;
use Symfony\\Component\\HttpKernel\\Event\\ResponseEvent;
use Symfony\\Component\\HttpKernel\\KernelEvents;

class WidgetLoaderSubscriber implements EventSubscriberInterface
{
    const LOADER = '${LOADER_JS}';

    /** IndexController's routes that answer with the app's index.html. */
    const PAGES = array('index', 'nativeAuth');

    private $params;

    private $logger;

    public function __construct(ParameterBagInterface $params, ?LoggerInterface $logger = null)
    {
        $this->params = $params;
        $this->logger = $logger;
    }

    public static function getSubscribedEvents(): array
    {
        // After Symfony's ResponseListener (priority 0) has settled the Content-Type.
        return array(KernelEvents::RESPONSE => array('onResponse', -16));
    }

    public function onResponse(ResponseEvent $event): void
    {
        try {
            if (!$event->isMainRequest()) {
                return;
            }
            $request = $event->getRequest();
            if ($request->getMethod() !== 'GET' || !in_array($request->attributes->get('_route'), self::PAGES, true)) {
                return;
            }
            $response = $event->getResponse();
            $type = (string) $response->headers->get('Content-Type', '');
            if ($response->getStatusCode() !== 200 || ($type !== '' && stripos($type, 'text/html') !== 0)) {
                return;
            }
            $html = $response->getContent();
            if (!is_string($html) || strpos($html, 'data-crm-telephony-loader') !== false) {
                return;
            }
            $end = strripos($html, '</body>');
            $markup = $this->markup();
            if ($end === false || $markup === '') {
                return;
            }
            $response->setContent(substr($html, 0, $end) . $markup . substr($html, $end));
        } catch (\\Throwable $e) {
            if ($this->logger !== null) {
                $this->logger->error('crm-telephony widget loader skipped: ' . get_class($e));
            }
        }
    }

    /** The script element, or '' when the settings are missing or unusable. */
    public function markup(): string
    {
        $service = $this->params->has('crm_telephony.service_url') ? $this->params->get('crm_telephony.service_url') : null;
        if (!is_string($service) || !preg_match('#^https?://[^\\s"\\'<>]+$#', rtrim($service, '/'))) {
            return '';
        }
        $service = rtrim($service, '/');
        return '<script data-crm-telephony-loader="1" data-suitecrm="8"'
            . ' data-src="' . $this->attribute($service . '/widget/widget.js') . '"'
            . ' data-service="' . $this->attribute($service) . '">'
            . self::LOADER
            . '</script>';
    }

    private function attribute($value): string
    {
        return htmlspecialchars((string) $value, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
    }
}
`;
}

export function tokenProcessSource(o: Pick<Suitecrm8SourceOptions, 'version' | 'tokenTtlSeconds'>): string {
  return `<?php
/*
 * crm-telephony ${o.version}: who the widget is, for SuiteCRM 8's signed-in user.
 *
 * A SuiteCRM process handler: the widget, running in SuiteCRM's own page, posts
 *
 *   mutation { createProcess(input: {type: "${PROCESS_TYPE}", options: {...}}) { process { status data } } }
 *
 * to SuiteCRM's /api/graphql with the session cookie and the X-XSRF-TOKEN header (SuiteCRM's
 * CSRF check on /api: another site cannot make this request, nor read its answer). SuiteCRM runs
 * it only for a signed-in user (requiredAuthRole ROLE_USER). The answer's data:
 *
 *   user      the SuiteCRM user id
 *   language  the language the user chose for SuiteCRM at sign-in ('ru_RU'), or ''
 *   token     v1.<user id>.<expiry, Unix seconds>.<HMAC-SHA256 of "v1.<user id>.<expiry>", hex>
 *
 * signed as the SuiteCRM 7 hook signs it, valid ${o.tokenTtlSeconds} seconds. No data for group and
 * portal users, for an id outside [A-Za-z0-9_-]{1,36}, or without usable settings.
 *
 * ${SETTINGS_DOC}
 */

namespace ${NAMESPACE};

use App\\Process\\Entity\\Process;
use App\\Process\\Service\\ProcessHandlerInterface;
use Psr\\Log\\LoggerInterface;
use Symfony\\Component\\DependencyInjection\\ParameterBag\\ParameterBagInterface;
use Symfony\\Component\\HttpFoundation\\RequestStack;
use Symfony\\Component\\Security\\Core\\Authentication\\Token\\Storage\\TokenStorageInterface;

class WidgetTokenProcess implements ProcessHandlerInterface
{
    const PROCESS_TYPE = '${PROCESS_TYPE}';

    const TOKEN_TTL = ${o.tokenTtlSeconds};

    private $params;

    private $tokens;

    private $requests;

    private $logger;

    public function __construct(ParameterBagInterface $params, TokenStorageInterface $tokens, RequestStack $requests, ?LoggerInterface $logger = null)
    {
        $this->params = $params;
        $this->tokens = $tokens;
        $this->requests = $requests;
        $this->logger = $logger;
    }

    public function getProcessType(): string
    {
        return self::PROCESS_TYPE;
    }

    public function requiredAuthRole(): string
    {
        return 'ROLE_USER';
    }

    public function getRequiredACLs(Process $process): array
    {
        return array();
    }

    public function configure(Process $process): void
    {
        // Synchronous and stored nowhere: the process type serves as its id.
        $process->setId(self::PROCESS_TYPE);
        $process->setAsync(false);
    }

    public function validate(Process $process): void
    {
    }

    public function run(Process $process)
    {
        $process->setStatus('error');
        $process->setMessages(array());
        try {
            $grant = $this->grant(time());
            if ($grant !== null) {
                $process->setData($grant);
                $process->setStatus('success');
            }
        } catch (\\Throwable $e) {
            if ($this->logger !== null) {
                $this->logger->error('crm-telephony widget token refused: ' . get_class($e));
            }
        }
    }

    /** The signed-in user's id, language and token, or null. */
    public function grant(int $now): ?array
    {
        $secret = $this->params->has('crm_telephony.widget_secret') ? $this->params->get('crm_telephony.widget_secret') : null;
        if (!is_string($secret) || strlen($secret) < 32) {
            return null;
        }
        $token = $this->tokens->getToken();
        $user = $token !== null ? $token->getUser() : null;
        if (!is_object($user)) {
            return null;
        }
        if (!($user instanceof \\App\\Module\\Users\\Entity\\User)) {
            // Signed in, but not as SuiteCRM's user class: a SuiteCRM release that renamed it. Said
            // in SuiteCRM's log, or every widget would wait for a sign-in forever without a word.
            if ($this->logger !== null) {
                $this->logger->warning('crm-telephony widget token: the signed-in user is a ' . get_class($user) . ', not App\\Module\\Users\\Entity\\User; update the crm-telephony package for this SuiteCRM release');
            }
            return null;
        }
        if ($user->getIsGroup() === true || $user->getPortalOnly() === true) {
            return null;
        }
        $userId = (string) $user->getId();
        if (!preg_match('/^[A-Za-z0-9_-]{1,36}$/', $userId)) {
            return null;
        }
        $payload = 'v1.' . $userId . '.' . ($now + self::TOKEN_TTL);
        return array(
            'user' => $userId,
            'language' => $this->language(),
            'token' => $payload . '.' . hash_hmac('sha256', $payload, $secret),
        );
    }

    /** The language chosen at sign-in (SuiteCRM's UserHandler keeps it in the session as ui_language). */
    private function language(): string
    {
        $request = $this->requests->getMainRequest();
        if ($request === null || !$request->hasSession()) {
            return '';
        }
        $language = $request->getSession()->get('ui_language', '');
        return is_string($language) && preg_match('/^[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8}){0,3}$/', $language) ? $language : '';
    }
}
`;
}

export function settingsSource(o: Pick<Suitecrm8SourceOptions, 'version' | 'serviceUrl' | 'secret'>): string {
  return `<?php
/*
 * crm-telephony ${o.version}: where the phone service is, and the secret the widget's sign-in tokens
 * are signed with (the service's CRM_WIDGET_SECRET). Keep this file like a password. After editing
 * it, empty SuiteCRM's cache (php bin/console cache:clear) for SuiteCRM to read it again.
 */

if (!isset($container)) {
    return;
}

$container->setParameter('crm_telephony.service_url', ${phpString(o.serviceUrl)});
$container->setParameter('crm_telephony.widget_secret', ${phpString(o.secret)});
`;
}

export function language8Source(field: string): string {
  return `<?php
// crm-telephony: the label of the Users field that holds each user's phone extensions.
$mod_strings[${phpString(fieldLabel(field))}] = 'Phone extension';
`;
}

export function manifest8Source(o: Pick<Suitecrm8SourceOptions, 'version' | 'publishedAt' | 'extensionField' | 'serviceUrl'>): string {
  return `<?php
/*
 * crm-telephony ${o.version} for SuiteCRM 8: the phone widget (screen pops, click-to-call, a
 * "Phone calls" panel) served by ${o.serviceUrl}, as a backend extension
 * (extensions/${EXTENSION_NAME}), and the Users field ${o.extensionField}.
 * Install: Administration -> Module Loader. See README.txt.
 *
 * SuiteCRM 8's legacy part reports $suitecrm_version 8.x (public/legacy/suitecrm_version.php);
 * the Module Loader checks acceptable_suitecrm_versions when it is present.
 */
${manifestArray({ ...o, name: 'crm-telephony for SuiteCRM 8', suitecrmMajor: 8 })}
$installdefs = array(
    'id' => '${PACKAGE8_ID}',
    // SuiteCRM 8's Module Loader copies these under the extensions/ folder beside public/, then
    // empties SuiteCRM's cache so that the new services load on the next request.
    'copy_core_extensions' => array(
        array(
            'from' => '<basepath>/${EXTENSION_DIR}',
            'to' => '${EXTENSION_NAME}',
        ),
    ),
    'language' => array(
        array(
            'from' => '<basepath>/${LANGUAGE8_FILE}',
            'to_module' => 'Users',
            'language' => 'en_us',
        ),
    ),
    'custom_fields' => array(
${usersFieldDefinition(o.extensionField)}
    ),
);
`;
}

export function readme8Text(o: Pick<Suitecrm8SourceOptions, 'version' | 'serviceUrl' | 'extensionField'>): string {
  return `crm-telephony ${o.version} for SuiteCRM 8
==========================================

What it installs
- A SuiteCRM 8 backend extension, extensions/${EXTENSION_NAME}/ (beside public/), that adds the
  phone widget from ${o.serviceUrl} to SuiteCRM's pages: screen pops for calls to your
  extension, click-to-call buttons beside phone numbers, and a "Phone calls" panel with the
  recordings player on contact, account and lead records. The widget signs in to the phone
  service as the SuiteCRM user who is signed in, with a token SuiteCRM signs for them; there is
  no second password. SuiteCRM upgrades keep the extensions/ folder.
- The Users field ${o.extensionField} ("Phone extension"): each user's extensions, e.g. 101 or
  101,201.
- The service's address and the shared secret, in
  extensions/${EXTENSION_NAME}/config/crm_telephony.php.

This package holds that secret: keep it like a password, and delete it once installed.

Install
1. Administration -> Module Loader -> Upload this zip -> Install. SuiteCRM then shows this
   text: press Commit at the bottom of the page. Nothing is installed until Commit.
   The Module Loader copies the extension and empties SuiteCRM's cache; reload the page.
   The web server's user must be able to write the extensions/ folder (SuiteCRM's installer
   checks the same).
2. Put the extension field on the Users layouts: Administration -> Studio -> Users -> Layouts
   -> Edit View, drag "Phone extension" into a panel, Save & Deploy; the same for Detail View.
   Then fill in each agent's extension; the phone service reads it on every sync.
3. Give the phone service the secret in this package: set CRM_WIDGET_SECRET to the secret the
   "crm-telephony suitecrm package --suitecrm 8" command printed when it built this zip (a
   package built with --secret-env holds the service's own: nothing to change). Set
   CORS_ORIGINS to this SuiteCRM's origin (e.g. https://crm.example.com) and restart the service.
4. The phone service must be reachable from the browsers over HTTPS (its session cookie is
   Secure and SameSite=None); http works only on localhost.

When the phone service is down, pages look and work as without the package: the widget is
added only after SuiteCRM's page has loaded.

To change the service's address or the secret later: edit
extensions/${EXTENSION_NAME}/config/crm_telephony.php, then run php bin/console cache:clear in
SuiteCRM's folder (or install a rebuilt package).

Uninstall: Administration -> Module Loader -> Uninstall. SuiteCRM preselects "Remove Tables",
which also removes the Users field with every extension in it: choose "Do Not Remove Tables" to
keep them. The Module Loader removes extensions/${EXTENSION_NAME} and empties the cache.
`;
}

/** Every file of the SuiteCRM 8 package, in zip order (options already checked). */
export function suitecrm8Files(o: Suitecrm8SourceOptions): { path: string; content: string }[] {
  return [
    { path: 'manifest.php', content: manifest8Source(o) },
    { path: 'README.txt', content: readme8Text(o) },
    { path: LOADER_FILE, content: loaderSubscriberSource(o) },
    { path: PROCESS_FILE, content: tokenProcessSource(o) },
    { path: SETTINGS_FILE, content: settingsSource(o) },
    { path: LANGUAGE8_FILE, content: language8Source(o.extensionField) },
  ];
}
