/** How long the program keeps logs: one rule for every log group, log bucket and log expiry it creates. */
import { integer } from "./args";

/** CloudWatch Logs accepts only these retention periods (PutRetentionPolicy API, `retentionInDays`). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The retention argument every component with logs takes. */
export const logRetentionDays = integer("Retention of the logs, in days.", 7, { oneOf: LOG_RETENTION_DAYS });
