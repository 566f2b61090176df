/** Messages in Russian (ICU message syntax; see ../index.ts). */
import type { Translation } from '../index.ts';
import type en from '../en/console-missed.ts';

export default {} satisfies Translation<typeof en>;
