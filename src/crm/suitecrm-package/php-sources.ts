/**
 * The PHP of the SuiteCRM package, as text. Kept to the minimum: one logic hook that prints one
 * script element, one install step that stores two settings, one label. Everything else (the
 * widget itself) is TypeScript served by our service, where it can be tested and updated without
 * touching SuiteCRM.
 *
 * Written for SuiteCRM 7.x on PHP 7.4 to 8.x, and to pass the Module Loader's package scanner
 * (`ModuleInstall/ModuleScanner.php`, when `moduleInstaller.packageScan` is on): no file-system
 * functions, no callbacks (`array_map`...), no variable functions, no backticks, only file types
 * it accepts (.php, .txt).
 */

/** A PHP single-quoted string literal: only `\` and `'` need escaping there. */
export function phpString(value: string): string {
  if (value.includes('\0')) throw new TypeError('a NUL byte cannot go into the package');
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The language label of a custom field (`asterisk_ext_c` -> `LBL_ASTERISK_EXT`). */
export function fieldLabel(field: string): string {
  return `LBL_${field.replace(/_c$/, '').toUpperCase()}`;
}

/** Where the hook reads its settings: `$sugar_config['crm_telephony'][...]`. */
export const CONFIG_KEY = 'crm_telephony';
export const HOOK_CLASS = 'CrmTelephonyWidgetHook';
export const HOOK_FILE = 'custom/include/CrmTelephony/CrmTelephonyWidgetHook.php';

/**
 * Runs in the page once SuiteCRM's page has fully loaded, then adds the widget's own script.
 * Loading the widget only after `load` means nothing of SuiteCRM waits for our service: a
 * `<script src defer>` would hold back DOMContentLoaded (and with it every SuiteCRM
 * `$(document).ready` handler) for as long as our service takes to answer, which is forever when
 * it hangs. The attributes travel from this element to the widget's; the token leaves this one.
 */
export const LOADER_JS =
  '(function(s){try{if(!s||window.crmTelephonyLoader)return;window.crmTelephonyLoader=true;' +
  'var go=function(){var e=document.createElement("script");e.async=true;e.src=s.getAttribute("data-src");' +
  'e.setAttribute("data-crm-telephony","1");var a=["data-service","data-user","data-language","data-token"];' +
  'for(var i=0;i<a.length;i++){e.setAttribute(a[i],s.getAttribute(a[i])||"")}s.removeAttribute("data-token");' +
  '(document.head||document.documentElement).appendChild(e)};' +
  'if(document.readyState==="complete"){setTimeout(go,0)}else{window.addEventListener("load",go)}}catch(x){}})(document.currentScript);';

export interface HookSourceOptions {
  /** Seconds a sign-in token stays valid. */
  tokenTtlSeconds: number;
  /** Shown in the file's header. */
  version: string;
}

export function hookSource(o: HookSourceOptions): string {
  if (/['\\]/.test(LOADER_JS)) throw new Error('the loader must be free of quotes and backslashes to sit in a PHP string');
  return `<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

/*
 * crm-telephony ${o.version}: the phone widget in SuiteCRM's pages (an after_ui_frame logic hook).
 *
 * For a signed-in user on a normal page it prints one script element which, once the page has
 * loaded, loads <service>/widget/widget.js with the user's id, the user's language (SuiteCRM's
 * $GLOBALS['current_language'], e.g. ru_RU: the widget speaks it) and a sign-in token:
 *
 *     v1.<user id>.<expiry, Unix seconds>.<HMAC-SHA256 of "v1.<user id>.<expiry>", lower-case hex>
 *
 * keyed with $sugar_config['${CONFIG_KEY}']['widget_secret'] (config_override.php), which is also
 * the service's CRM_WIDGET_SECRET. The widget trades it for a session at once, so it lives
 * ${o.tokenTtlSeconds} seconds.
 *
 * It prints nothing for AJAX, popup, PDF, export and body-only requests, for portal and group
 * users, and nothing at all when anything is amiss: a missing widget is better than a broken page.
 */
class ${HOOK_CLASS}
{
    const TOKEN_TTL = ${o.tokenTtlSeconds};

    const LOADER = '${LOADER_JS}';

    public function render($event, $arguments)
    {
        try {
            echo $this->markup();
        } catch (\\Throwable $e) {
            if (isset($GLOBALS['log'])) {
                $GLOBALS['log']->error('crm-telephony widget hook skipped: ' . get_class($e));
            }
        }
    }

    /** The script element for this request, or '' when none belongs here. */
    public function markup()
    {
        if (!$this->isPageRequest()) {
            return '';
        }
        $config = isset($GLOBALS['sugar_config']['${CONFIG_KEY}']) ? $GLOBALS['sugar_config']['${CONFIG_KEY}'] : null;
        if (!is_array($config) || !isset($config['service_url'], $config['widget_secret'])) {
            return '';
        }
        if (!is_string($config['service_url']) || !is_string($config['widget_secret'])) {
            return '';
        }
        $service = rtrim($config['service_url'], '/');
        $secret = $config['widget_secret'];
        if (strlen($secret) < 32 || !preg_match('#^https?://[^\\s"\\'<>]+$#', $service)) {
            return '';
        }
        $user = isset($GLOBALS['current_user']) ? $GLOBALS['current_user'] : null;
        if (!is_object($user) || empty($user->id) || !empty($user->portal_only) || !empty($user->is_group)) {
            return '';
        }
        $userId = (string) $user->id;
        if (!preg_match('/^[A-Za-z0-9_-]{1,36}$/', $userId)) {
            return '';
        }
        $payload = 'v1.' . $userId . '.' . (time() + self::TOKEN_TTL);
        $token = $payload . '.' . hash_hmac('sha256', $payload, $secret);
        return '<script data-crm-telephony-loader="1"'
            . ' data-src="' . $this->attribute($service . '/widget/widget.js') . '"'
            . ' data-service="' . $this->attribute($service) . '"'
            . ' data-user="' . $this->attribute($userId) . '"'
            . ' data-language="' . $this->attribute($this->language()) . '"'
            . ' data-token="' . $this->attribute($token) . '">'
            . self::LOADER
            . '</script>';
    }

    /**
     * The language SuiteCRM shows this user the page in ('ru_RU', 'en_us'): the one they chose at
     * sign-in or in their profile, which SuiteCRM also writes into <html lang>. '' when unknown.
     */
    private function language()
    {
        $language = isset($GLOBALS['current_language']) ? $GLOBALS['current_language'] : '';
        return is_string($language) && preg_match('/^[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8}){0,3}$/', $language) ? $language : '';
    }

    private function isPageRequest()
    {
        foreach (array('to_pdf', 'sugar_body_only', 'ajax_load', 'to_csv', 'print') as $flag) {
            if (!empty($_REQUEST[$flag])) {
                return false;
            }
        }
        $action = isset($_REQUEST['action']) && is_string($_REQUEST['action']) ? strtolower($_REQUEST['action']) : '';
        if ($action === 'popup' || $action === 'subpanelviewer' || $action === 'quickcreate') {
            return false;
        }
        $requestedWith = isset($_SERVER['HTTP_X_REQUESTED_WITH']) && is_string($_SERVER['HTTP_X_REQUESTED_WITH']) ? strtolower($_SERVER['HTTP_X_REQUESTED_WITH']) : '';
        return $requestedWith !== 'xmlhttprequest';
    }

    private function attribute($value)
    {
        return htmlspecialchars((string) $value, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
    }
}
`;
}

export interface InstallScriptOptions {
  serviceUrl: string;
  secret: string;
}

/** Runs once at the end of the install (installdefs `post_execute`): stores the two settings. */
export function installScriptSource(o: InstallScriptOptions): string {
  return `<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

/*
 * crm-telephony: stores where the service is and the secret the widget's sign-in tokens are signed
 * with in config_override.php, as $sugar_config['${CONFIG_KEY}']. Installing a newer package
 * replaces both. To change them by hand, edit config_override.php (and the service's
 * CRM_WIDGET_SECRET with it).
 */
require_once 'modules/Configurator/Configurator.php';

$crmTelephonyConfigurator = new Configurator();
$crmTelephonyConfigurator->config['${CONFIG_KEY}'] = array(
    'service_url' => ${phpString(o.serviceUrl)},
    'widget_secret' => ${phpString(o.secret)},
);
$crmTelephonyConfigurator->handleOverride();
`;
}

/** The extension field's label on the Users module. */
export function languageSource(field: string): string {
  return `<?php
// crm-telephony: the label of the Users field that holds each user's phone extensions.
$mod_strings[${phpString(fieldLabel(field))}] = 'Phone extension';
`;
}

export interface ManifestOptions {
  version: string;
  publishedAt: Date;
  extensionField: string;
  serviceUrl: string;
}

export const PACKAGE_ID = 'crm_telephony';
export const INSTALL_SCRIPT = 'scripts/crm_telephony_install.php';
export const LANGUAGE_FILE = 'language/Users/en_us.crm_telephony.php';

/** The Users field that holds each user's extensions, as installdefs `custom_fields` lists it (both packages). */
export function usersFieldDefinition(field: string): string {
  return `        array(
            'name' => ${phpString(field)},
            'label' => ${phpString(fieldLabel(field))},
            'help' => 'Phone extensions of this user, comma-separated (e.g. 101 or 101,201)',
            'type' => 'varchar',
            'max_size' => 100,
            'require_option' => 'optional',
            'default_value' => '',
            'ext1' => '',
            'ext2' => '',
            'ext3' => '',
            'ext4' => '',
            'audited' => 0,
            'mass_update' => 0,
            'duplicate_merge' => 0,
            'reportable' => 1,
            'importable' => 'true',
            'module' => 'Users',
        ),`;
}

/** `$manifest` as both packages' manifest.php set it: which SuiteCRM major version the Module Loader accepts. */
export function manifestArray(o: ManifestOptions & { name: string; suitecrmMajor: 7 | 8 }): string {
  const published = o.publishedAt.toISOString().slice(0, 19).replace('T', ' ');
  return `$manifest = array(
    'name' => ${phpString(o.name)},
    'description' => ${phpString(`Phone widget from crm-telephony (${o.serviceUrl}) and the Users field ${o.extensionField}`)},
    'author' => 'crm-telephony',
    'version' => ${phpString(o.version)},
    'published_date' => ${phpString(published)},
    'type' => 'module',
    'is_uninstallable' => true,
    'remove_tables' => 'prompt',
    'readme' => 'README.txt',
    'acceptable_sugar_flavors' => array('CE'),
    'acceptable_sugar_versions' => array(
        'regex_matches' => array('^6\\\\.5\\\\.'),
    ),
    'acceptable_suitecrm_versions' => array(
        'regex_matches' => array('^${o.suitecrmMajor}\\\\.'),
    ),
);
`;
}

export function manifestSource(o: ManifestOptions): string {
  return `<?php
/*
 * crm-telephony ${o.version} for SuiteCRM 7: the phone widget (screen pops, click-to-call, a
 * "Phone calls" panel) served by ${o.serviceUrl}, and the Users field ${o.extensionField}.
 * Install: Admin -> Module Loader. See README.txt.
 *
 * SuiteCRM 7 reports two versions: $sugar_version is 6.5.x (the SugarCRM base) and
 * $suitecrm_version is 7.x. The Module Loader checks acceptable_suitecrm_versions when it is
 * present and then ignores acceptable_sugar_versions, which only older loaders read.
 */
${manifestArray({ ...o, name: 'crm-telephony', suitecrmMajor: 7 })}
$installdefs = array(
    'id' => '${PACKAGE_ID}',
    'copy' => array(
        array(
            'from' => '<basepath>/files/custom/include/CrmTelephony',
            'to' => 'custom/include/CrmTelephony',
        ),
    ),
    'logic_hooks' => array(
        array(
            'module' => '',
            'hook' => 'after_ui_frame',
            'order' => 100,
            'description' => 'crm-telephony widget',
            'file' => '${HOOK_FILE}',
            'class' => '${HOOK_CLASS}',
            'function' => 'render',
        ),
    ),
    'language' => array(
        array(
            'from' => '<basepath>/${LANGUAGE_FILE}',
            'to_module' => 'Users',
            'language' => 'en_us',
        ),
    ),
    'custom_fields' => array(
${usersFieldDefinition(o.extensionField)}
    ),
    'post_execute' => array(
        '<basepath>/${INSTALL_SCRIPT}',
    ),
);
`;
}

export interface ReadmeOptions {
  version: string;
  serviceUrl: string;
  extensionField: string;
}

export function readmeText(o: ReadmeOptions): string {
  return `crm-telephony ${o.version} for SuiteCRM 7
==========================================

What it installs
- An after_ui_frame logic hook (${HOOK_FILE}) that adds the
  phone widget from ${o.serviceUrl} to every page of a signed-in user: screen pops for calls
  to your extension, click-to-call buttons beside phone numbers, and a "Phone calls" panel on
  contact, account and lead pages, in the language the user reads SuiteCRM in. The widget signs
  in to the phone service with a token signed for you by SuiteCRM, valid for a few minutes;
  there is no second password.
- The Users field ${o.extensionField} ("Phone extension"): each user's extensions, e.g. 101 or
  101,201. The package creates the field but puts it on no layout (step 2 below).
- The service's address and the shared secret, in config_override.php as
  $sugar_config['${CONFIG_KEY}'] ('service_url', 'widget_secret').

This package holds that secret: keep it like a password, and delete it once installed.

Install
1. Admin -> Module Loader -> Upload this zip -> Install. SuiteCRM then shows this text:
   press Commit at the bottom of the page. Nothing is installed until Commit.
2. Put the extension field on the Users layouts: Admin -> Studio -> Users -> Layouts -> Edit
   View, drag "Phone extension" from the Toolbox into a panel, Save & Deploy; the same for
   Detail View. Then fill in each agent's extension (or set it through the API); the phone
   service reads it on every sync. If the field is already on those layouts (an earlier
   install, or added in Studio by hand), leave it: once is enough.
3. Give the phone service the secret in this package: set CRM_WIDGET_SECRET to the secret the
   "crm-telephony suitecrm package" command printed when it built this zip (a package built
   with --secret-env holds the service's own CRM_WIDGET_SECRET: nothing to change). Set
   CORS_ORIGINS to this SuiteCRM's origin (e.g. https://crm.example.com) and restart the service.
4. The phone service must be reachable from the browsers over HTTPS (its session cookie is
   Secure and SameSite=None); http works only on localhost.

When the phone service is down, pages look and work as without the package. Until the service
has the same secret as the package, the widget cannot sign in and stays away.

Replacing it with a rebuilt or newer package: Admin -> Module Loader -> Uninstall this one,
keeping the tables (the extensions and the field's place on the layouts stay), then install the
new one as above. A package built without --secret-env holds a new secret: the service needs it
(step 3) from the moment the new package is committed; build with --secret-env to keep the
service's secret instead.

Uninstall: Admin -> Module Loader -> Uninstall (keep the tables to keep the extensions).
The two settings stay in config_override.php; remove them there if you like.
`;
}
