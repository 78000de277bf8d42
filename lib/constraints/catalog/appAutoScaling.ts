/** Application Auto Scaling: the ECS service's scalable target and its scaling policies. */
import { defaultAutoName } from "../autoname";
import { apiReference, botocore } from "../botocore";
import type { TypeConstraints } from "../model";
import { crossField, pattern, range } from "../rules";
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
    },
    resource: [
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
