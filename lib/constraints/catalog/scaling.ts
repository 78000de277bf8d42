/** EC2 Auto Scaling groups and Application Auto Scaling targets and policies. */
import { defaultAutoName } from "../autoname";
import { apiReference, botocore } from "../botocore";
import type { TypeConstraints } from "../model";
import { crossField, items, oneOf, pattern, range } from "../rules";
import { NO_CONSTRAINT, tagRules } from "./common";
import { doc } from "./docs";

const SIZES = apiReference(
  "autoscaling",
  "CreateAutoScalingGroupType.DesiredCapacity",
  "This number must be greater than or equal to the minimum size of the group and less than or equal to the maximum size of the group.",
);

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

export const SCALING: Record<string, TypeConstraints> = {
  "aws:autoscaling/group:Group": {
    autoName: defaultAutoName(),
    fields: {
      name: [botocore("autoscaling", "CreateAutoScalingGroupType.AutoScalingGroupName")],
      minSize: [
        range(
          0,
          undefined,
          apiReference("autoscaling", "CreateAutoScalingGroupType.MinSize", "The minimum size of the group."),
          { integer: true },
        ),
      ],
      maxSize: [
        range(
          0,
          undefined,
          apiReference("autoscaling", "CreateAutoScalingGroupType.MaxSize", "The maximum size of the group."),
          { integer: true },
        ),
      ],
      desiredCapacity: [range(0, undefined, SIZES, { integer: true })],
      "enabledMetrics[]": [
        oneOf(
          [
            "GroupMinSize",
            "GroupMaxSize",
            "GroupDesiredCapacity",
            "GroupInServiceInstances",
            "GroupPendingInstances",
            "GroupStandbyInstances",
            "GroupTerminatingInstances",
            "GroupTotalInstances",
            "GroupInServiceCapacity",
            "GroupPendingCapacity",
            "GroupStandbyCapacity",
            "GroupTerminatingCapacity",
            "GroupTotalCapacity",
            "WarmPoolDesiredCapacity",
            "WarmPoolWarmedCapacity",
            "WarmPoolPendingCapacity",
            "WarmPoolTerminatingCapacity",
            "WarmPoolTotalCapacity",
            "GroupAndWarmPoolDesiredCapacity",
            "GroupAndWarmPoolTotalCapacity",
          ],
          apiReference(
            "autoscaling",
            "EnableMetricsCollectionQuery.Metrics",
            "You can specify one or more of the following metrics: GroupMinSize GroupMaxSize GroupDesiredCapacity GroupInServiceInstances GroupPendingInstances GroupStandbyInstances GroupTerminatingInstances GroupTotalInstances GroupInServiceCapacity GroupPendingCapacity GroupStandbyCapacity GroupTerminatingCapacity GroupTotalCapacity WarmPoolDesiredCapacity WarmPoolWarmedCapacity WarmPoolPendingCapacity WarmPoolTerminatingCapacity WarmPoolTotalCapacity GroupAndWarmPoolDesiredCapacity GroupAndWarmPoolTotalCapacity",
          ),
        ),
      ],
      metricsGranularity: [
        oneOf(
          ["1Minute"],
          apiReference(
            "autoscaling",
            "EnableMetricsCollectionQuery.Granularity",
            "The only valid value is 1Minute.",
          ),
        ),
      ],
      "tags[].key": [botocore("autoscaling", "Tag.Key")],
      "tags[].value": [botocore("autoscaling", "Tag.Value")],
      tags: [
        items(
          undefined,
          50,
          doc(
            "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-tagging.html",
            "Tag Auto Scaling groups and instances: Tag naming and usage restrictions",
            "The maximum number of tags per resource is 50.",
          ),
        ),
      ],
      "launchTemplate.version": [botocore("autoscaling", "LaunchTemplateSpecification.Version")],
      "launchTemplate.name": [botocore("autoscaling", "LaunchTemplateSpecification.LaunchTemplateName")],
      "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.version": [
        botocore("autoscaling", "LaunchTemplateSpecification.Version"),
      ],
      "mixedInstancesPolicy.launchTemplate.overrides[].instanceType": [
        botocore("autoscaling", "LaunchTemplateOverrides.InstanceType"),
      ],
      "mixedInstancesPolicy.launchTemplate.overrides": [
        items(
          undefined,
          40,
          apiReference(
            "autoscaling",
            "LaunchTemplateOverrides.InstanceType",
            "You can specify up to 40 instance types per Auto Scaling group.",
          ),
        ),
      ],
      "mixedInstancesPolicy.instancesDistribution.onDemandBaseCapacity": [
        range(
          0,
          undefined,
          apiReference("autoscaling", "InstancesDistribution.OnDemandBaseCapacity", "Default: 0"),
          { integer: true },
        ),
      ],
      "mixedInstancesPolicy.instancesDistribution.onDemandPercentageAboveBaseCapacity": [
        range(
          0,
          100,
          apiReference(
            "autoscaling",
            "InstancesDistribution.OnDemandPercentageAboveBaseCapacity",
            "Expressed as a number (for example, 20 specifies 20% On-Demand Instances, 80% Spot Instances). If set to 100, only On-Demand Instances are used.",
          ),
          { integer: true },
        ),
      ],
      "mixedInstancesPolicy.instancesDistribution.spotAllocationStrategy": [
        oneOf(
          [
            "capacity-optimized",
            "capacity-optimized-prioritized",
            "lowest-price",
            "price-capacity-optimized",
          ],
          apiReference(
            "autoscaling",
            "InstancesDistribution.SpotAllocationStrategy",
            "The following lists the valid values: capacity-optimized Requests Spot Instances using pools that are optimally chosen based on the available Spot capacity.",
          ),
        ),
      ],
      "mixedInstancesPolicy.instancesDistribution.onDemandAllocationStrategy": [
        oneOf(
          ["lowest-price", "prioritized"],
          apiReference(
            "autoscaling",
            "InstancesDistribution.OnDemandAllocationStrategy",
            "The allocation strategy to apply to your On-Demand Instances when they are launched.",
          ),
        ),
      ],
      "instanceRefresh.strategy": [botocore("autoscaling", "StartInstanceRefreshType.Strategy")],
      "instanceRefresh.preferences.minHealthyPercentage": [
        botocore("autoscaling", "RefreshPreferences.MinHealthyPercentage"),
      ],
      "instanceRefresh.preferences.maxHealthyPercentage": [
        botocore("autoscaling", "RefreshPreferences.MaxHealthyPercentage"),
      ],
      "instanceRefresh.preferences.instanceWarmup": [
        botocore("autoscaling", "RefreshPreferences.InstanceWarmup"),
      ],
      "instanceRefresh.preferences.checkpointDelay": [
        botocore("autoscaling", "RefreshPreferences.CheckpointDelay"),
      ],
      "instanceRefresh.preferences.checkpointPercentages[]": [
        botocore("autoscaling", "RefreshPreferences.CheckpointPercentages", "each"),
      ],
      "instanceRefresh.preferences.scaleInProtectedInstances": [
        botocore("autoscaling", "RefreshPreferences.ScaleInProtectedInstances"),
      ],
      "instanceRefresh.preferences.standbyInstances": [
        botocore("autoscaling", "RefreshPreferences.StandbyInstances"),
      ],
      healthCheckType: [
        oneOf(
          ["EC2", "ELB", "VPC_LATTICE", "EBS"],
          apiReference(
            "autoscaling",
            "CreateAutoScalingGroupType.HealthCheckType",
            "A comma-separated value string of one or more health check types.",
          ),
        ),
      ],
      healthCheckGracePeriod: [
        range(
          0,
          undefined,
          apiReference(
            "autoscaling",
            "CreateAutoScalingGroupType.HealthCheckGracePeriod",
            "The amount of time, in seconds, that Amazon EC2 Auto Scaling waits before checking the health status of an EC2 instance that has come into service and marking it unhealthy due to a failed health check.",
          ),
          { integer: true },
        ),
      ],
    },
    unconstrained: {
      "vpcZoneIdentifiers[]": NO_CONSTRAINT.reference,
      "launchTemplate.id": NO_CONSTRAINT.reference,
      "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.launchTemplateId":
        NO_CONSTRAINT.reference,
      "tags[].propagateAtLaunch": NO_CONSTRAINT.boolean,
      capacityRebalance: NO_CONSTRAINT.boolean,
      protectFromScaleIn: NO_CONSTRAINT.boolean,
      "instanceRefresh.preferences.skipMatching": NO_CONSTRAINT.boolean,
      "instanceRefresh.preferences.autoRollback": NO_CONSTRAINT.boolean,
      forceDelete: NO_CONSTRAINT.providerOnly,
      waitForCapacityTimeout: NO_CONSTRAINT.providerOnly,
      "targetGroupArns[]": NO_CONSTRAINT.reference,
    },
    resource: [
      crossField(
        ["minSize", "maxSize", "desiredCapacity"],
        "minSize <= desiredCapacity <= maxSize",
        SIZES,
        (i) => {
          const [min, max, desired] = [i.minSize, i.maxSize, i.desiredCapacity].map((v) =>
            typeof v === "number" ? v : undefined,
          );
          if (min !== undefined && max !== undefined && min > max)
            return { path: "minSize", problem: `is above maxSize ${max}` };
          if (desired !== undefined && min !== undefined && desired < min)
            return { path: "desiredCapacity", problem: `is below minSize ${min}` };
          if (desired !== undefined && max !== undefined && desired > max)
            return { path: "desiredCapacity", problem: `is above maxSize ${max}` };
          return undefined;
        },
        [
          { minSize: 3, maxSize: 2 },
          { minSize: 1, maxSize: 4, desiredCapacity: 0 },
          { minSize: 1, maxSize: 4, desiredCapacity: 5 },
        ],
      ),
    ],
  },
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
