/** The crm's messages in Russian (ICU message syntax; see ../index.ts). */
import type { Translation } from '../index.ts';
import type en from '../en/crm.ts';

export default {
  'crm.call.inbound': 'Входящий звонок от {kind, select, hidden {скрытого номера} unknown {неизвестного номера} other {{number}}}',
  'crm.call.missed': 'Пропущенный звонок от {kind, select, hidden {скрытого номера} unknown {неизвестного номера} other {{number}}}',
  'crm.call.outbound': 'Исходящий звонок на {kind, select, hidden {скрытый номер} unknown {неизвестный номер} other {{number}}}',
  'crm.description.caller': 'Номер звонившего: {kind, select, hidden {скрыт} unknown {неизвестен} other {{number}}}',
  'crm.description.called': 'Набранный номер: {kind, select, hidden {скрыт} unknown {неизвестен} other {{number}}}',
  'crm.description.disposition':
    'Итог: {disposition, select, answered {отвечен} missed {пропущен} busy {занято} unavailable {недоступен} abandoned {звонивший не дождался ответа} failed {не состоялся} unknown {неизвестен} other {{disposition}}}',
  'crm.description.talk': 'Разговор: {seconds} с',
  'crm.description.talkLong': 'Разговор: {seconds} с ({duration})',
  'crm.description.ring': 'Дозвон: {seconds} с',
  'crm.description.line': 'Линия: {line}',
  'crm.description.agent': 'Сотрудник: доб. {extension}',
  'crm.description.agentNamed': 'Сотрудник: доб. {extension} ({name})',
  'crm.description.clickToCall': 'Набран кликом по номеру (click-to-call)',
  'crm.description.recording': 'Запись: {recording}',
  'crm.duration.minutesSeconds': '{minutes} мин {seconds} с',
  'crm.duration.hoursMinutesSeconds': '{hours} ч {minutes} мин {seconds} с',
} satisfies Translation<typeof en>;
