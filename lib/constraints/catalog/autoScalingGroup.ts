/** EC2 Auto Scaling: the group of container instances. (Application Auto Scaling: appAutoScaling.ts.) */
import { defaultAutoName } from "../autoname";
import { apiReference, botocore } from "../botocore";
import type { TypeConstraints } from "../model";
import { crossField, items, oneOf, range } from "../rules";
import { NO_CONSTRAINT } from "./common";
import { doc } from "./docs";

const SIZES = apiReference(
  "autoscaling",
  "CreateAutoScalingGroupType.DesiredCapacity",
  "This number must be greater than or equal to the minimum size of the group and less than or equal to the maximum size of the group.",
);

export const AUTO_SCALING_GROUP: Record<string, TypeConstraints> = {
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
};
