/** The service's words about missed-call items (ICU message syntax; see ../index.ts). */
export default {
  'server.missed.listQuery': 'Use scope=mine or scope=all, status=open or status=closed, and a limit from 1 to 500.',
  'server.missed.allForAdmins': 'Everyone’s missed calls are for administrators: use scope=mine for yours.',
  'server.missed.notFound': 'There is no such missed-call item: reload the list.',
  'server.missed.notYours': 'This missed call belongs to someone else: ask them or an administrator to hand it to you.',
  'server.missed.alreadyClosed': 'This missed call is already closed: reload the list.',
  'server.missed.changedMeanwhile': 'Someone changed this missed call a moment ago: reload the list and try again.',
  'server.missed.snoozeBody': 'Send the snooze as JSON with "minutes" from 1 to 4320 (three days).',
  'server.missed.reassignBody': 'Send the new owner as JSON with "userId": pick one from /api/missed-items/assignees.',
  'server.missed.noSuchUser': 'That person is not an active user: pick one from the list.',
  'server.missed.closeBody': 'Send the closing note as JSON with "note", at most 500 characters.',
} as const;
