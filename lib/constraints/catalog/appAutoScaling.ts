/** Application Auto Scaling: the ECS service's scalable target and its scaling policies. */
import { defaultAutoName } from "../autoname";
import { apiReference, botocore } from "../botocore";
import type { TypeConstraints } from "../model";
import { crossField, length, pattern, range } from "../rules";
import { NO_CONSTRAINT, tagRules } from "./common";

const ECS_RESOURCE_ID = pattern(
  /service\/[A-Za-z0-9_-]{1,255}\/[A-Za-z0-9_-]{1,255}/,
  "service/<cluster name>/<service name>",
  apiReference(
    "application-autoscaling",
    "RegisterScalableTargetRequest.ResourceId",
    "ECS service - The resource type is service and the unique identifier is the cluster name and service name. Example: service/my-cluster/my-service.",
  ),
  ["my-cluster/my-service", "service/my-service", "service/my.cluster/my-service"],
);

/** Where a customized metric's queries are. */
const METRICS = "targetTrackingScalingPolicyConfiguration.customizedMetricSpecification.metrics";

interface MetricQuery {
  id?: string;
  expression?: string;
  metricStat?: unknown;
  returnData?: boolean;
}

function metricQueries(i: Record<string, unknown>): MetricQuery[] {
  const config = i.targetTrackingScalingPolicyConfiguration as
    | { customizedMetricSpecification?: { metrics?: MetricQuery[] } }
    | undefined;
  return config?.customizedMetricSpecification?.metrics ?? [];
}

/** A policy's inputs with these customized metric queries (the examples of the rules below). */
function customMetrics(metrics: MetricQuery[]): Record<string, unknown> {
  return {
    targetTrackingScalingPolicyConfiguration: {
      targetValue: 100,
      customizedMetricSpecification: { metrics },
    },
  };
}

export const APP_AUTO_SCALING: Record<string, TypeConstraints> = {
  "aws:appautoscaling/target:Target": {
    fields: {
      serviceNamespace: [
        botocore("application-autoscaling", "RegisterScalableTargetRequest.ServiceNamespace"),
      ],
      scalableDimension: [
        botocore("application-autoscaling", "RegisterScalableTargetRequest.ScalableDimension"),
      ],
      resourceId: [
        botocore("application-autoscaling", "RegisterScalableTargetRequest.ResourceId"),
        ECS_RESOURCE_ID,
      ],
      minCapacity: [
        range(
          0,
          undefined,
          apiReference(
            "application-autoscaling",
            "RegisterScalableTargetRequest.MinCapacity",
            "For the following resources, the minimum value allowed is 0.",
          ),
          { integer: true },
        ),
      ],
      maxCapacity: [
        range(
          0,
          undefined,
          apiReference(
            "application-autoscaling",
            "RegisterScalableTargetRequest.MaxCapacity",
            "The maximum value that you plan to scale out to.",
          ),
          { integer: true },
        ),
      ],
    },
    unconstrained: {
      roleArn: NO_CONSTRAINT.reference,
      "suspendedState.dynamicScalingInSuspended": NO_CONSTRAINT.boolean,
      "suspendedState.dynamicScalingOutSuspended": NO_CONSTRAINT.boolean,
      "suspendedState.scheduledScalingSuspended": NO_CONSTRAINT.boolean,
    },
    resource: [
      crossField(
        ["minCapacity", "maxCapacity"],
        "minCapacity <= maxCapacity",
        apiReference(
          "application-autoscaling",
          "RegisterScalableTargetRequest.MinCapacity",
          "The minimum value that you plan to scale in to.",
        ),
        (i) =>
          typeof i.minCapacity === "number" &&
          typeof i.maxCapacity === "number" &&
          i.minCapacity > i.maxCapacity
            ? { path: "minCapacity", problem: `is above maxCapacity ${i.maxCapacity}` }
            : undefined,
        [{ minCapacity: 4, maxCapacity: 2 }],
      ),
    ],
    tags: tagRules(),
  },
  "aws:appautoscaling/policy:Policy": {
    autoName: defaultAutoName(),
    fields: {
      name: [botocore("application-autoscaling", "PutScalingPolicyRequest.PolicyName")],
      policyType: [botocore("application-autoscaling", "PutScalingPolicyRequest.PolicyType")],
      serviceNamespace: [botocore("application-autoscaling", "PutScalingPolicyRequest.ServiceNamespace")],
      scalableDimension: [botocore("application-autoscaling", "PutScalingPolicyRequest.ScalableDimension")],
      resourceId: [
        botocore("application-autoscaling", "PutScalingPolicyRequest.ResourceId"),
        ECS_RESOURCE_ID,
      ],
      "targetTrackingScalingPolicyConfiguration.targetValue": [
        range(
          -(2 ** 360),
          2 ** 360,
          apiReference(
            "application-autoscaling",
            "TargetTrackingScalingPolicyConfiguration.TargetValue",
            "Values must be in the range of -2^360 to 2^360.",
          ),
        ),
      ],
      "targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType": [
        botocore("application-autoscaling", "PredefinedMetricSpecification.PredefinedMetricType"),
      ],
      "targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.resourceLabel": [
        botocore("application-autoscaling", "PredefinedMetricSpecification.ResourceLabel"),
        pattern(
          /app\/[^/]+\/[0-9a-f]+\/targetgroup\/[^/]+\/[0-9a-f]+/,
          "app/<load-balancer-name>/<id>/targetgroup/<target-group-name>/<id>",
          apiReference(
            "application-autoscaling",
            "PredefinedMetricSpecification.ResourceLabel",
            "The format of the resource label is: app/my-alb/778d41231b141a0f/targetgroup/my-alb-target-group/943f017f100becff.",
          ),
          [
            "my-alb/778d41231b141a0f/targetgroup/my-alb-target-group/943f017f100becff",
            "app/my-alb/778d41231b141a0f/my-alb-target-group/943f017f100becff",
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/943f017f100becff",
          ],
        ),
      ],
      [`${METRICS}[].id`]: [
        botocore("application-autoscaling", "TargetTrackingMetricDataQuery.Id"),
        pattern(
          /[a-z][A-Za-z0-9_]*/,
          "a lowercase letter, then letters, numbers and underscores",
          apiReference(
            "application-autoscaling",
            "TargetTrackingMetricDataQuery.Id",
            "The valid characters are letters, numbers, and underscores. The first character must be a lowercase letter.",
          ),
          ["Requests", "1m", "requests-per-task"],
        ),
      ],
      [`${METRICS}[].expression`]: [
        botocore("application-autoscaling", "TargetTrackingMetricDataQuery.Expression"),
      ],
      [`${METRICS}[].label`]: [botocore("application-autoscaling", "TargetTrackingMetricDataQuery.Label")],
      [`${METRICS}[].metricStat.stat`]: [
        botocore("application-autoscaling", "TargetTrackingMetricStat.Stat"),
        length(
          1,
          undefined,
          apiReference(
            "application-autoscaling",
            "TargetTrackingMetricStat.Stat",
            "It can include any CloudWatch statistic or extended statistic.",
          ),
        ),
      ],
      [`${METRICS}[].metricStat.metric.namespace`]: [
        botocore("application-autoscaling", "TargetTrackingMetric.Namespace"),
      ],
      [`${METRICS}[].metricStat.metric.metricName`]: [
        botocore("application-autoscaling", "TargetTrackingMetric.MetricName"),
      ],
      [`${METRICS}[].metricStat.metric.dimensions[].name`]: [
        botocore("application-autoscaling", "TargetTrackingMetricDimension.Name"),
      ],
      [`${METRICS}[].metricStat.metric.dimensions[].value`]: [
        botocore("application-autoscaling", "TargetTrackingMetricDimension.Value"),
      ],
      "targetTrackingScalingPolicyConfiguration.scaleInCooldown": [
        range(
          0,
          undefined,
          apiReference(
            "application-autoscaling",
            "TargetTrackingScalingPolicyConfiguration.ScaleInCooldown",
            "The amount of time, in seconds, after a scale-in activity completes before another scale-in activity can start.",
          ),
          { integer: true },
        ),
      ],
      "targetTrackingScalingPolicyConfiguration.scaleOutCooldown": [
        range(
          0,
          undefined,
          apiReference(
            "application-autoscaling",
            "TargetTrackingScalingPolicyConfiguration.ScaleOutCooldown",
            "The amount of time, in seconds, to wait for a previous scale-out activity to take effect.",
          ),
          { integer: true },
        ),
      ],
    },
    unconstrained: {
      "targetTrackingScalingPolicyConfiguration.disableScaleIn": NO_CONSTRAINT.boolean,
      [`${METRICS}[].returnData`]: NO_CONSTRAINT.boolean,
    },
    resource: [
      crossField(
        [`${METRICS}[].expression`, `${METRICS}[].metricStat`],
        "each metric query has an expression or a metric, not both",
        apiReference(
          "application-autoscaling",
          "TargetTrackingMetricDataQuery.Expression",
          "Within each <code>TargetTrackingMetricDataQuery</code> object, you must specify either <code>Expression</code> or <code>MetricStat</code>, but not both.",
        ),
        (i) => {
          const at = metricQueries(i).findIndex(
            (q) => (q.expression === undefined) === (q.metricStat === undefined),
          );
          return at < 0
            ? undefined
            : { path: `${METRICS}[${at}]`, problem: "needs exactly one of expression and metricStat" };
        },
        [
          customMetrics([
            {
              id: "m1",
              expression: "m2",
              metricStat: {
                stat: "Sum",
                metric: { namespace: "AWS/ApplicationELB", metricName: "RequestCount" },
              },
            },
          ]),
          customMetrics([{ id: "m1" }]),
        ],
      ),
      crossField(
        [`${METRICS}[].returnData`],
        "with math, exactly one query returns data",
        apiReference(
          "application-autoscaling",
          "TargetTrackingMetricDataQuery.ReturnData",
          "You must specify <code>false</code> for <code>ReturnData</code> for all the other metrics and expressions used in the metric specification.",
        ),
        (i) => {
          const queries = metricQueries(i);
          if (!queries.some((q) => q.expression !== undefined)) return undefined;
          const n = queries.filter((q) => q.returnData !== false).length;
          return n === 1
            ? undefined
            : { path: METRICS, problem: `has ${n} queries that return data (unset means true)` };
        },
        [
          customMetrics([
            {
              id: "m1",
              metricStat: {
                stat: "Sum",
                metric: { namespace: "AWS/ApplicationELB", metricName: "RequestCount" },
              },
            },
            { id: "e1", expression: "m1/2", returnData: true },
          ]),
        ],
      ),
      crossField(
        [
          "targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.resourceLabel",
          "targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType",
        ],
        "a resource label only with ALBRequestCountPerTarget",
        apiReference(
          "application-autoscaling",
          "PredefinedMetricSpecification.ResourceLabel",
          "You can't specify a resource label unless the metric type is ALBRequestCountPerTarget and there is a target group attached to the Spot Fleet or ECS service.",
        ),
        (i) => {
          const spec = (
            (i.targetTrackingScalingPolicyConfiguration ?? {}) as {
              predefinedMetricSpecification?: { predefinedMetricType?: string; resourceLabel?: string };
            }
          ).predefinedMetricSpecification;
          return spec?.resourceLabel && spec.predefinedMetricType !== "ALBRequestCountPerTarget"
            ? {
                path: "targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.resourceLabel",
                problem: `is set for ${spec.predefinedMetricType}`,
              }
            : undefined;
        },
        [
          {
            targetTrackingScalingPolicyConfiguration: {
              targetValue: 60,
              predefinedMetricSpecification: {
                predefinedMetricType: "ECSServiceAverageCPUUtilization",
                resourceLabel: "app/my-alb/778d41231b141a0f/targetgroup/my-alb-target-group/943f017f100becff",
              },
            },
          },
        ],
      ),
    ],
  },
};
