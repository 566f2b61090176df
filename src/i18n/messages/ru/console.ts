/** The console's messages in Russian (ICU message syntax; see ../index.ts). */
import type { Translation } from '../index.ts';
import type en from '../en/console.ts';

export default {
  'console.chart.todayCalls': '{count, plural, one {Сегодня: # звонок} few {Сегодня: # звонка} many {Сегодня: # звонков} other {Сегодня: # звонка}}',
} satisfies Translation<typeof en>;
