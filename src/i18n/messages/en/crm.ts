/** The crm's messages in English (ICU message syntax; see ../index.ts). */
export default {
  // A call's subject in the CRM (cut to 50 characters: SuiteCRM's `calls.name`). `kind` is hidden,
  // unknown or number; `number` is the outside number in international format.
  'crm.call.inbound': 'Inbound call from {kind, select, hidden {a hidden number} unknown {an unknown number} other {{number}}}',
  'crm.call.missed': 'Missed call from {kind, select, hidden {a hidden number} unknown {an unknown number} other {{number}}}',
  'crm.call.outbound': 'Outbound call to {kind, select, hidden {a hidden number} unknown {an unknown number} other {{number}}}',
  // A call's description, one line each. Numbers come as plain digits (no grouping).
  'crm.description.caller': 'Caller: {kind, select, hidden {a hidden number} unknown {an unknown number} other {{number}}}',
  'crm.description.called': 'Called: {kind, select, hidden {a hidden number} unknown {an unknown number} other {{number}}}',
  // `disposition`: answered, missed, busy, unavailable, abandoned, failed or unknown.
  'crm.description.disposition': 'Disposition: {disposition}',
  'crm.description.talk': 'Talk: {seconds} s',
  'crm.description.talkLong': 'Talk: {seconds} s ({duration})',
  'crm.description.ring': 'Ring: {seconds} s',
  'crm.description.line': 'Line: {line}',
  'crm.description.agent': 'Agent: ext {extension}',
  'crm.description.agentNamed': 'Agent: ext {extension} ({name})',
  'crm.description.clickToCall': 'Placed with click-to-call',
  'crm.description.recording': 'Recording: {recording}',
  'crm.duration.minutesSeconds': '{minutes} min {seconds} s',
  'crm.duration.hoursMinutesSeconds': '{hours} h {minutes} min {seconds} s',
} as const;
