/**
 * CloudWatch: logs that expire and alarms that tell someone.
 */
import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { asArray, controls } from "./common";

export const logRetention: ResourceValidationPolicy = {
  name: "cloudwatch-log-retention",
  description: "Every log group sets a retention, so logs neither vanish at once nor pile up forever.",
  enforcementLevel: "mandatory",
  severity: "low",
  tags: controls("CloudWatch.16", "CKV_AWS_66"),
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, _args, report) => {
    const days = group.retentionInDays;
    if (days === undefined || days === null || days === 0)
      report("retentionInDays is not set (logs never expire)");
  }),
};

export const alarmActions: ResourceValidationPolicy = {
  name: "cloudwatch-alarm-actions",
  description: "Every metric alarm has an action for its ALARM state, and its actions are enabled.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("CloudWatch.15", "CloudWatch.17"),
  validateResource: validateResourceOfType(aws.cloudwatch.MetricAlarm, (alarm, _args, report) => {
    if (asArray(alarm.alarmActions).length === 0) report("no alarmActions: the alarm would tell nobody");
    if (alarm.actionsEnabled === false) report("actionsEnabled is false");
  }),
};

export const observabilityPolicies = [logRetention, alarmActions];
