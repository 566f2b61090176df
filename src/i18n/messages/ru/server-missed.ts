/** Messages in Russian (ICU message syntax; see ../index.ts). */
import type { Translation } from '../index.ts';
import type en from '../en/server-missed.ts';

export default {
  'server.missed.listQuery': 'Укажите scope=mine или scope=all, status=open или status=closed и limit от 1 до 500.',
  'server.missed.allForAdmins': 'Пропущенные звонки всех сотрудников видят только администраторы: для своих укажите scope=mine.',
  'server.missed.notFound': 'Такого пропущенного звонка нет: обновите список.',
  'server.missed.notYours': 'Этот пропущенный звонок закреплён за другим сотрудником: попросите его или администратора передать звонок вам.',
  'server.missed.alreadyClosed': 'Этот пропущенный звонок уже закрыт: обновите список.',
  'server.missed.changedMeanwhile': 'Кто-то только что изменил этот пропущенный звонок: обновите список и повторите.',
  'server.missed.snoozeBody': 'Пришлите JSON с полем "minutes" от 1 до 4320 (три дня).',
  'server.missed.reassignBody': 'Пришлите JSON с полем "userId" нового ответственного из списка /api/missed-items/assignees.',
  'server.missed.noSuchUser': 'Это не активный пользователь: выберите сотрудника из списка.',
  'server.missed.closeBody': 'Пришлите JSON с полем "note" не длиннее 500 символов.',
} satisfies Translation<typeof en>;
