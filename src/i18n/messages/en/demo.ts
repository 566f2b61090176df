/** The demo's messages in English (ICU message syntax; see ../index.ts). */
export default {
  'demo.call.badRequest': 'Choose the extension to ring (such as 101). You may add the caller’s number, and whether the call is answered here, elsewhere or not at all (here, elsewhere or none).',
  'demo.call.noExtension': 'You have no extension of your own, so choose the one to ring: {extensions}.',
  'demo.call.noExtensions': 'No user has an extension yet. Give a user one on the Users page, then simulate the call again.',
  'demo.call.unknownExtension': 'No user has extension {extension}. Choose one of these: {extensions}.',
  'demo.call.badNumber': '“{from}” is not a phone number. Type the caller’s number with its country code, such as +1 555 123 0001, or leave it empty for one of the demo callers.',
  'demo.call.fromIsExtension': '{from} is an extension, not an outside number. Type the caller’s number with its country code, such as +1 555 123 0001, or leave it empty for one of the demo callers.',
} as const;
