/** Messages in English (ICU message syntax; see ../index.ts): issue 17's missed part. */
export default {
  // A missed-call item's planned callback in the CRM (the subject is cut to 50 characters, the name
  // first: SuiteCRM's `calls.name`). `kind` is hidden, unknown or name; `name` is the caller's name, else
  // the number in international format.
  'crm.missed.subject': 'Call back {kind, select, hidden {a hidden number} unknown {an unknown number} other {{name}}} (missed {count, plural, one {# call} other {# calls}})',
  // Its description, one line each. Times come as `2026-12-07 10:15 UTC`.
  'crm.missed.description.oneCall': 'Missed call at {at}',
  'crm.missed.description.calls': 'Missed calls: {count} (first at {first}, last at {last})',
  'crm.missed.description.caller': 'Caller: {name}',
  'crm.missed.description.number': 'Number: {number}',
  'crm.missed.description.line': 'Line: {line}',
  // `reason`: responsible, lastAgent, line, fallback, admin, reassigned or nobody.
  'crm.missed.description.owner':
    'Owner: {name} ({reason, select, responsible {responsible for the caller} lastAgent {last talked to this number} line {the line’s user} fallback {the fallback extension’s user} admin {an administrator} reassigned {reassigned by a person} other {nobody else could be chosen}})',
  'crm.missed.description.ownerOutside': 'Owner: {name}, who is not a user of this CRM: the call is assigned to the integration’s user',
  'crm.missed.description.noOwner': 'Owner: nobody (no active user could be chosen)',
  // How the item closed. `named` is yes when we know who, else no.
  'crm.missed.closed.callback': 'Called back{named, select, yes { by {name}} other {}} at {at}; the conversation is logged as a call of its own.',
  'crm.missed.closed.calledAgain': 'The customer called again and was answered{named, select, yes { by {name}} other {}} at {at}; that call is logged as a call of its own.',
  'crm.missed.closed.dismissed': 'Closed without a call{named, select, yes { by {name}} other {}} at {at}.',
  'crm.missed.closed.note': 'Note: {note}',
} as const;
