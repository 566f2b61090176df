/** Messages in Russian (ICU message syntax; see ../index.ts). */
import type { Translation } from '../index.ts';
import type en from '../en/crm-missed.ts';

export default {
  'crm.missed.subject':
    'Перезвонить: {kind, select, hidden {скрытый номер} unknown {неизвестный номер} other {{name}}} ({count, plural, one {пропущен # звонок} few {пропущено # звонка} many {пропущено # звонков} other {пропущено # звонка}})',
  'crm.missed.description.oneCall': 'Пропущенный звонок: {at}',
  'crm.missed.description.calls': 'Пропущено звонков: {count} (первый {first}, последний {last})',
  'crm.missed.description.caller': 'Звонивший: {name}',
  'crm.missed.description.number': 'Номер: {number}',
  'crm.missed.description.line': 'Линия: {line}',
  'crm.missed.description.owner':
    'Ответственный: {name} ({reason, select, responsible {ответственный за клиента} lastAgent {последним говорил с этим номером} line {сотрудник линии} fallback {сотрудник резервного номера} admin {администратор} reassigned {назначен вручную} other {больше выбрать было некого}})',
  'crm.missed.description.ownerOutside': 'Ответственный: {name}; в этой CRM такого пользователя нет, поэтому звонок назначен пользователю интеграции',
  'crm.missed.description.noOwner': 'Ответственный: никто (не нашлось ни одного активного пользователя)',
  'crm.missed.closed.callback': 'Клиенту перезвонили {at}{named, select, yes { (сотрудник: {name})} other {}}; разговор записан отдельным звонком.',
  'crm.missed.closed.calledAgain': 'Клиент позвонил снова, и ему ответили {at}{named, select, yes { (сотрудник: {name})} other {}}; этот звонок записан отдельно.',
  'crm.missed.closed.dismissed': 'Закрыто без звонка {at}{named, select, yes { (сотрудник: {name})} other {}}.',
  'crm.missed.closed.note': 'Комментарий: {note}',
} satisfies Translation<typeof en>;
