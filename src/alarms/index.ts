/** Alarms evaluated as CloudWatch evaluates them (issue 13): the pure evaluation, the notification, the controller. */
export { AlarmController, historyOp, ALARM_HISTORY_ID_SEP, type AlarmControllerOptions, type AlarmDataFetch, type TopicPublisher } from './controller.js';
export { evaluateAlarm, evaluationPeriods, isStaticOperator, settledWhenBreaching, breaches, STATIC_OPERATORS, type TreatMissingData } from './evaluate.js';
export { alarmMessage, alarmSubject, regionName } from './message.js';
