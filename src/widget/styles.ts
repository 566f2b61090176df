/**
 * The widget's look, as one style element. Every rule is under our own `crmt-` classes: nothing of
 * SuiteCRM's is restyled. Our floating elements set what they rely on, since SuiteCRM's theme
 * styles bare elements (buttons, lists, headings) on the whole page.
 */
export const WIDGET_CSS = `
.crmt-call{display:inline-flex;align-items:center;justify-content:center;box-sizing:border-box;width:22px;height:22px;min-width:0;margin:0 0 0 6px;padding:0;border:1px solid #b8c4d2;border-radius:11px;background:#fff;color:#1f6fb2;vertical-align:middle;cursor:pointer;line-height:1;box-shadow:none;text-transform:none}
.crmt-call:hover{background:#e9f2fb;border-color:#1f6fb2}
.crmt-call:focus-visible{outline:2px solid #1f6fb2;outline-offset:1px}
.crmt-call[disabled]{opacity:.55;cursor:progress}
.crmt-call svg{width:12px;height:12px;fill:currentColor;display:block}
.crmt-pops{position:fixed;right:16px;bottom:16px;z-index:2000;display:flex;flex-direction:column;gap:8px;width:330px;max-width:calc(100vw - 32px);max-height:calc(100vh - 32px);overflow:auto;pointer-events:none;font:13px/1.4 "Lato",system-ui,-apple-system,"Segoe UI",Arial,sans-serif;color:#1d2733;text-align:left}
.crmt-pops > *{pointer-events:auto}
.crmt-pop{box-sizing:border-box;margin:0;padding:10px 12px;background:#fff;border:1px solid #cfd6de;border-left:4px solid #1f6fb2;border-radius:6px;box-shadow:0 4px 16px rgba(0,0,0,.18)}
.crmt-pop--answered{border-left-color:#2e8540}
.crmt-pop--missed,.crmt-pop--answered-elsewhere{border-left-color:#8a94a0;opacity:.85}
.crmt-pop--ended{border-left-color:#8a94a0}
.crmt-pop p{margin:2px 0;padding:0;font-size:13px}
.crmt-pop-head{display:flex;align-items:center;justify-content:space-between;margin:0 0 4px}
.crmt-badge{font-weight:700;font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:#1f6fb2}
.crmt-pop--answered .crmt-badge{color:#2e8540}
.crmt-pop--missed .crmt-badge,.crmt-pop--answered-elsewhere .crmt-badge,.crmt-pop--ended .crmt-badge{color:#5b6570}
.crmt-pop-title{font-size:15px!important;font-weight:700;word-break:break-word}
.crmt-pop-number{font-variant-numeric:tabular-nums}
.crmt-pop-line,.crmt-muted,.crmt-facts{color:#5b6570}
.crmt-pop-detail{color:#1d2733;font-style:italic}
.crmt-pop-close,.crmt-notice-close{margin:0;padding:0 4px;border:0;background:none;color:#5b6570;font-size:18px;line-height:1;cursor:pointer;box-shadow:none;min-width:0;height:auto}
.crmt-candidates{list-style:none;margin:4px 0 0;padding:0}
.crmt-candidate{margin:0 0 4px;padding:0;word-break:break-word}
.crmt-candidate-name{font-weight:700;color:#1f6fb2;text-decoration:underline}
.crmt-facts{display:block;font-size:12px}
.crmt-tag{display:inline-block;padding:0 5px;border-radius:3px;background:#eef1f4;color:#39434d;font-size:11px;text-transform:uppercase}
.crmt-notice{position:fixed;left:16px;bottom:16px;z-index:2000;display:flex;align-items:center;gap:6px;max-width:360px;padding:6px 8px 6px 12px;background:#fff;border:1px solid #cfd6de;border-radius:6px;box-shadow:0 2px 8px rgba(0,0,0,.15);font:12px/1.4 "Lato",system-ui,Arial,sans-serif;color:#39434d}
.crmt-notice[hidden]{display:none}
.crmt-calls{margin-top:10px}
.crmt-calls--8{display:block;margin:0 0 16px;padding:8px 12px;background:#fff;border-radius:4px}
.crmt-calls-title{font-weight:700;padding:2px 0}
.crmt-calls-table{width:100%}
.crmt-calls-table th,.crmt-calls-table td{padding:4px 8px;text-align:left;vertical-align:middle}
.crmt-play{cursor:pointer}
.crmt-player audio{height:28px;max-width:260px}
`;
