/**
 * CloudWatch alarms and SNS topics and subscriptions (issue 13). An alarm is split like the other
 * resources: its definition (`alarm`, written by the API) is desired state; its state and reason
 * (`alarmStatus`, written by the alarm controller) are observed. History items are records of their
 * own (`alarmHistory`), each created once by whichever side did what it tells of, so neither side
 * rewrites the other's records.
 */
import type { Tag } from './cache-records.js';

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** One MetricDataQuery of an alarm on metric math, as PutMetricAlarm's Metrics sends it (kept verbatim). */
export type AlarmMetricQuery = Record<string, unknown>;

/** An alarm's definition (kind `alarm`, id: the alarm name). */
export interface AlarmSpec {
  alarmName: string;
  alarmArn: string;
  alarmDescription?: string;
  actionsEnabled: boolean;
  okActions: string[];
  alarmActions: string[];
  insufficientDataActions: string[];
  namespace?: string;
  metricName?: string;
  dimensions: Array<{ Name: string; Value: string }>;
  statistic?: string;
  extendedStatistic?: string;
  periodS?: number;
  unit?: string;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  threshold?: number;
  comparisonOperator: string;
  treatMissingData?: string;
  evaluateLowSampleCountPercentile?: string;
  metrics?: AlarmMetricQuery[];
  thresholdMetricId?: string;
  tags: Tag[];
  /** AlarmConfigurationUpdatedTimestamp. */
  configurationUpdatedAt: string;
  /**
   * A SetAlarmState request the controller has still to apply (CloudWatch sets the state at
   * once, and the next evaluation sets it again from the data). `seq` tells one request from the next.
   */
  stateOverride?: { value: AlarmStateValue; reason: string; reasonData?: string; seq: number };
}

/** An alarm's observed state (kind `alarmStatus`, id: the alarm name). */
export interface AlarmStatusRecord {
  alarmName: string;
  stateValue: AlarmStateValue;
  stateReason: string;
  stateReasonData?: string;
  /** StateUpdatedTimestamp: the last time the state or its reason was written. */
  stateUpdatedAt: string;
  /** StateTransitionedTimestamp: the last time the state value changed. */
  stateTransitionedAt: string;
  /** The last SetAlarmState override applied. */
  overrideSeq?: number;
}

/** One DescribeAlarmHistory item (kind `alarmHistory`, id: `<alarm name>\u0000<ISO time>\u0000<random>`). */
export interface AlarmHistoryRecord {
  alarmName: string;
  timestamp: string;
  historyItemType: 'ConfigurationUpdate' | 'StateUpdate' | 'Action';
  historySummary: string;
  historyData: string;
}

/** An SNS topic (kind `snsTopic`, id: the topic name). */
export interface SnsTopicRecord {
  name: string;
  topicArn: string;
  /** Attributes as SetTopicAttributes/CreateTopic set them (DisplayName, Policy, DeliveryPolicy, …). */
  attributes: Record<string, string>;
  tags: Tag[];
  createdAt: string;
}

/** An SNS subscription (kind `snsSubscription`, id: its uuid, the last part of its ARN). */
export interface SnsSubscriptionRecord {
  id: string;
  topicArn: string;
  protocol: 'http' | 'https';
  endpoint: string;
  owner: string;
  /** The token sent in the SubscriptionConfirmation; ConfirmSubscription must present it. */
  token: string;
  confirmed: boolean;
  rawMessageDelivery: boolean;
  createdAt: string;
}
