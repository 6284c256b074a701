// LogDeliveryConfigurations as describe calls show them: each desired delivery with the Status the
// delivery controller's observations give it, and PendingLogDeliveryConfiguration while a change
// has not been delivered yet (botocore's LogDeliveryConfiguration and PendingModifiedValues shapes).
import type { LogDeliveryAccess } from '../../core/index.js';
import { configKey } from '../../logs/index.js';
import type { LogDeliverySetting } from '../../store/index.js';
import type { LogDeliveryConfiguration, PendingLogDeliveryConfiguration } from '../model/shapes.js';

export type ObservedDelivery = LogDeliveryAccess['observed'];

function details(d: Pick<LogDeliverySetting, 'logType' | 'destinationType' | 'logGroup' | 'logFormat'>): PendingLogDeliveryConfiguration {
  return { LogType: d.logType, DestinationType: d.destinationType, DestinationDetails: { CloudWatchLogsDetails: { LogGroup: d.logGroup } }, LogFormat: d.logFormat };
}

/** The delivery an observation's key names (configKey: `<destination>:<format>:<group>`). */
function fromKey(logType: LogDeliverySetting['logType'], key: string): LogDeliverySetting {
  const [destination, format, ...group] = key.split(':');
  return { logType, destinationType: destination as 'cloudwatch-logs', logFormat: format as 'json' | 'text', logGroup: group.join(':'), enabled: true };
}

/**
 * The configurations of a cluster (`clusterIds` = [its id]) or a group (its member clusters): a
 * delivery is `active` once every member delivers it, `error` when one could not (with the
 * controller's message), `enabling` before any delivered, `modifying` while members still deliver
 * an earlier configuration (shown, the new one pending), `disabling` until the controller stopped it.
 * Without observations (the answer of a create or modify) every delivery is `enabling`/`disabling`.
 */
export function presentLogDelivery(desired: LogDeliverySetting[] | undefined, clusterIds: string[], observed?: ObservedDelivery):
  { configurations: LogDeliveryConfiguration[]; pending: PendingLogDeliveryConfiguration[] } {
  const configurations: LogDeliveryConfiguration[] = [];
  const pending: PendingLogDeliveryConfiguration[] = [];
  for (const d of desired ?? []) {
    const seen = observed ? clusterIds.map((id) => observed(id, d.logType)) : [];
    if (!d.enabled) {
      if (!observed || seen.some((o) => o)) configurations.push({ ...details(d), Status: 'disabling' });
      continue;
    }
    const key = configKey(d);
    const error = seen.find((o) => o?.configKey === key && o.status === 'error');
    const older = seen.find((o) => o && o.configKey !== key);
    if (error) {
      configurations.push({ ...details(d), Status: 'error', ...(error.message ? { Message: error.message } : {}) });
    } else if (seen.length > 0 && seen.every((o) => o?.configKey === key && o.status === 'active')) {
      configurations.push({ ...details(d), Status: 'active' });
    } else if (older) {
      configurations.push({ ...details(fromKey(d.logType, older.configKey)), Status: 'modifying' });
      pending.push(details(d));
    } else {
      configurations.push({ ...details(d), Status: 'enabling' });
    }
  }
  return { configurations, pending };
}
