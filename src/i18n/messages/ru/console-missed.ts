/** Messages in Russian (ICU message syntax; see ../index.ts). */
import type { Translation } from '../index.ts';
import type en from '../en/console-missed.ts';

// Names come as they are (no declension), so sentences put them after a colon and avoid verbs
// that agree with the person's gender.
export default {
  'console.missed.navLabel': '{count, plural, =0 {Пропущенные} one {Пропущенные: # ждёт вас} few {Пропущенные: # ждут вас} many {Пропущенные: # ждут вас} other {Пропущенные: # ждут вас}}',

  'console.missed.scope.label': 'Чьи',
  'console.missed.scope.mine': 'Мои',
  'console.missed.scope.all': 'Все',
  'console.missed.status.label': 'Показать',
  'console.missed.status.open': 'Открытые',
  'console.missed.status.closed': 'Закрытые',
  'console.missed.list': 'Пропущенные звонки',
  'console.missed.none.open': 'Никто не ждёт обратного звонка. Отлично.',
  'console.missed.none.closed': 'Закрытых пока нет.',

  'console.missed.count': '{count, plural, one {# пропущенный звонок} few {# пропущенных звонка} many {# пропущенных звонков} other {# пропущенного звонка}}',
  'console.missed.missedAt': 'Пропущен {when}',
  'console.missed.firstLast': 'Первый {first}, последний {last}',
  'console.missed.movesOn': 'Если не перезвонить, в {when} перейдёт к следующему',
  'console.missed.snoozedUntil': 'Отложен до {when}',
  'console.missed.escalated': '{level, plural, one {Передан дальше # раз: вовремя не перезвонили} few {Передан дальше # раза: вовремя не перезвонили} many {Передан дальше # раз: вовремя не перезвонили} other {Передан дальше # раза: вовремя не перезвонили}}',

  'console.missed.why.responsible': 'Ваш: вы ответственный за {type, select, contact {этот контакт} account {этого контрагента} lead {этого лида} other {этого звонящего}}',
  'console.missed.why.lastAgent': 'Ваш: вы последним говорили с этим абонентом',
  'console.missed.why.line': 'Ваш: вы в команде этой линии',
  'console.missed.why.fallback': 'Ваш: к вам идут звонки, которые больше некому принять',
  'console.missed.why.admin': 'Ваш как администратора: больше некому было передать',
  'console.missed.why.reassigned': 'Передан вам',
  'console.missed.why.nobody': 'Ничей: нет активного пользователя, которому его передать',
  'console.missed.whyOther.responsible': 'Ответственный: {name} (за {type, select, contact {контакт} account {контрагента} lead {лида} other {звонящего}})',
  'console.missed.whyOther.lastAgent': 'Ответственный: {name} (последним говорил с абонентом)',
  'console.missed.whyOther.line': 'Ответственный: {name} (команда этой линии)',
  'console.missed.whyOther.fallback': 'Ответственный: {name} (звонки, которые больше некому принять)',
  'console.missed.whyOther.admin': 'Ответственный: {name} (администратор: больше некому было передать)',
  'console.missed.whyOther.reassigned': 'Ответственный: {name} (передан вручную)',

  'console.missed.closed.callback': 'Перезвонили: {name}, {when}',
  'console.missed.closed.calledAgain': 'Ответили на повторный звонок: {name}, {when}',
  'console.missed.closed.dismissed': 'Закрыт: {name}, {when}',
  'console.missed.closed.dismissedNote': 'Закрыт: {name}, {when}: {note}',
  'console.missed.closed.someone': 'неизвестно кто',

  'console.missed.callBack': 'Перезвонить',
  'console.missed.callBackWho': 'Перезвонить: {who}, {number}',
  'console.missed.callBackNumber': 'Перезвонить: {number}',
  'console.missed.snooze': 'Отложить',
  'console.missed.snooze.for': 'Отложить на',
  'console.missed.snooze.15': '15 минут',
  'console.missed.snooze.60': '1 час',
  'console.missed.snooze.tomorrow': 'До завтра, 9:00',
  'console.missed.reassign': 'Передать',
  'console.missed.reassign.to': 'Кому передать',
  'console.missed.reassign.pick': 'Выберите сотрудника',
  'console.missed.reassign.submit': 'Передать звонок',
  'console.missed.close': 'Закрыть',
  'console.missed.close.note': 'Почему (коротко)',
  'console.missed.close.submit': 'Закрыть звонок',
  'console.missed.done.snoozed': 'Отложен до {when}.',
  'console.missed.done.reassigned': 'Передан: {name}.',
  'console.missed.done.closed': 'Закрыт.',

  'console.missed.alerts.heading': 'Пропущенные звонки для вас',
  'console.missed.alert.opened': 'Пропущен',
  'console.missed.alert.counted': 'Звонил снова',
  'console.missed.alert.escalated': 'Передан вам',
  'console.missed.alert.reassigned': 'Передан вам вручную',
  'console.missed.alert.all': 'Все пропущенные',
  'console.missed.alert.dismiss': 'Скрыть',
  'console.missed.alert.dismissWho': 'Скрыть карточку: {who}',

  'console.missed.notify.opened': 'Пропущенный звонок: {who}',
  'console.missed.notify.counted': 'Повторный звонок: {who}, {count, plural, one {# пропущенный звонок} few {# пропущенных звонка} many {# пропущенных звонков} other {# пропущенного звонка}}',
  'console.missed.notify.escalated': 'Вам передан пропущенный звонок: {who}',
  'console.missed.notify.reassigned': 'Вам вручную передан пропущенный звонок: {who}',
} satisfies Translation<typeof en>;
