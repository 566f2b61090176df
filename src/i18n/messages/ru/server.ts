/** The server's messages in Russian (ICU message syntax; see ../index.ts). */
import type { Translation } from '../index.ts';
import type en from '../en/server.ts';

export default {
} satisfies Translation<typeof en>;
