import type { SubnetRow } from '../../schema/tables/index.js';
import { policyOf } from '../alerts/context.js';
import type { AppConfig } from '../config.js';

/** A subnet's own alert thresholds, as the API takes them: null resets one to the server's default. */
export interface AlertOverrides {
  downAfterFailures?: number | null;
  alertUpAfter?: number | null;
  alertReminderMinutes?: number | null;
  alertSendResolved?: boolean | null;
  alertDegradedShare?: number | null;
  alertDegradedMinHosts?: number | null;
}

export const OVERRIDE_KEYS = ['downAfterFailures', 'alertUpAfter', 'alertReminderMinutes', 'alertSendResolved', 'alertDegradedShare', 'alertDegradedMinHosts'] as const;

/** The overrides a request names (a key left out keeps the stored value). */
export function overrideColumns(input: AlertOverrides): AlertOverrides {
  return Object.fromEntries(OVERRIDE_KEYS.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
}

/** The thresholds in force for the subnet, and its own values (null: the server's default). */
export function thresholdsView(row: SubnetRow, config: AppConfig) {
  const p = policyOf(row, config);
  return {
    alerts: {
      downAfterFailures: p.downAfter,
      upAfter: p.upAfter,
      reminderMinutes: p.reminderMinutes,
      sendResolved: p.sendResolved,
      degradedShare: p.degradedShare,
      degradedMinHosts: p.degradedMinHosts,
    },
    alertOverrides: Object.fromEntries(OVERRIDE_KEYS.map((k) => [k, row[k]])) as { [K in (typeof OVERRIDE_KEYS)[number]]: SubnetRow[K] },
  };
}
