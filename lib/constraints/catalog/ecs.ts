/** ECS: the cluster and its capacity providers, and the rules the ECS entries share. */
import { defaultAutoName } from "../autoname";
import { apiReference, botocore } from "../botocore";
import type { Rule, Source, TypeConstraints } from "../model";
import { crossField, notPrefixed, oneOf, pattern } from "../rules";
import { botocoreTag, NO_CONSTRAINT, tagRules } from "./common";

export const ECS_TAGS = tagRules(botocoreTag("ecs", "Tag.key", "Tag.value"));

/** ECS's name rule: up to 255 letters, numbers, underscores and hyphens. */
export function ecsName(member: string, quote: string): Rule[] {
  return [
    pattern(
      /[A-Za-z0-9_-]{1,255}/,
      "1 to 255 letters, numbers, underscores and hyphens",
      apiReference("ecs", member, quote),
      ["my.service", "json api", "", "a".repeat(256)],
    ),
  ];
}

export const NAME_QUOTE =
  "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.";

/** pulumi-aws's schema documentation of a field (what the provider validates before AWS sees it). */
export function provider(ref: string, quote: string): Source {
  return { kind: "provider", ref: `@pulumi/aws@7.48.0 ${ref}`, quote };
}

export const strategyItem = (prefix: string): Record<string, Rule[]> => ({
  [`${prefix}.base`]: [botocore("ecs", "CapacityProviderStrategyItem.base")],
  [`${prefix}.weight`]: [botocore("ecs", "CapacityProviderStrategyItem.weight")],
});

export const ECS: Record<string, TypeConstraints> = {
  "aws:ecs/cluster:Cluster": {
    autoName: defaultAutoName(),
    fields: {
      name: ecsName("CreateClusterRequest.clusterName", NAME_QUOTE),
      "settings[].name": [botocore("ecs", "ClusterSetting.name")],
      "settings[].value": [
        oneOf(
          ["enhanced", "enabled", "disabled"],
          apiReference(
            "ecs",
            "ClusterSetting.value",
            "The supported values are enhanced, enabled, and disabled.",
          ),
        ),
      ],
    },
    tags: ECS_TAGS,
  },
  "aws:ecs/capacityProvider:CapacityProvider": {
    autoName: defaultAutoName(),
    fields: {
      name: [
        pattern(
          /[A-Za-z0-9_-]{1,255}/,
          "1 to 255 letters, numbers, underscores and hyphens",
          apiReference(
            "ecs",
            "CreateCapacityProviderRequest.name",
            "Up to 255 characters are allowed. They include letters (both upper and lowercase letters), numbers, underscores (_), and hyphens (-).",
          ),
          ["asg.provider", "asg provider", "a".repeat(256)],
        ),
        notPrefixed(
          ["aws", "ecs", "fargate"],
          apiReference(
            "ecs",
            "CreateCapacityProviderRequest.name",
            'The name can\'t be prefixed with "aws", "ecs", or "fargate".',
          ),
        ),
      ],
      "autoScalingGroupProvider.managedTerminationProtection": [
        botocore("ecs", "AutoScalingGroupProvider.managedTerminationProtection"),
      ],
      "autoScalingGroupProvider.managedDraining": [
        botocore("ecs", "AutoScalingGroupProvider.managedDraining"),
      ],
      "autoScalingGroupProvider.managedScaling.status": [botocore("ecs", "ManagedScaling.status")],
      "autoScalingGroupProvider.managedScaling.targetCapacity": [
        botocore("ecs", "ManagedScaling.targetCapacity"),
      ],
      "autoScalingGroupProvider.managedScaling.minimumScalingStepSize": [
        botocore("ecs", "ManagedScaling.minimumScalingStepSize"),
      ],
      "autoScalingGroupProvider.managedScaling.maximumScalingStepSize": [
        botocore("ecs", "ManagedScaling.maximumScalingStepSize"),
      ],
      "autoScalingGroupProvider.managedScaling.instanceWarmupPeriod": [
        botocore("ecs", "ManagedScaling.instanceWarmupPeriod"),
      ],
    },
    unconstrained: {
      "autoScalingGroupProvider.autoScalingGroupArn": NO_CONSTRAINT.reference,
      cluster: NO_CONSTRAINT.reference,
    },
    resource: [
      crossField(
        [
          "autoScalingGroupProvider.managedTerminationProtection",
          "autoScalingGroupProvider.managedScaling.status",
        ],
        // The API reference says termination protection "doesn't work" without managed scaling; AWS's CDK refuses
        // the explicit combination (aws-cdk pull request 23729). Leaving managedScaling out is not refused here.
        "managed termination protection not with managed scaling DISABLED",
        apiReference(
          "ecs",
          "AutoScalingGroupProvider.managedTerminationProtection",
          "When using managed termination protection, managed scaling must also be used otherwise managed termination protection doesn't work.",
        ),
        (i) => {
          const p = (i.autoScalingGroupProvider ?? {}) as {
            managedTerminationProtection?: string;
            managedScaling?: { status?: string };
          };
          return p.managedTerminationProtection === "ENABLED" && p.managedScaling?.status === "DISABLED"
            ? {
                path: "autoScalingGroupProvider.managedTerminationProtection",
                problem: "is ENABLED with managed scaling DISABLED",
              }
            : undefined;
        },
        [
          {
            autoScalingGroupProvider: {
              managedTerminationProtection: "ENABLED",
              managedScaling: { status: "DISABLED" },
            },
          },
        ],
      ),
    ],
    tags: ECS_TAGS,
  },
  "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": {
    fields: strategyItem("defaultCapacityProviderStrategies[]"),
    unconstrained: {
      clusterName: NO_CONSTRAINT.reference,
      "capacityProviders[]": NO_CONSTRAINT.reference,
      "defaultCapacityProviderStrategies[].capacityProvider": NO_CONSTRAINT.reference,
    },
    resource: [
      crossField(
        ["defaultCapacityProviderStrategies[].base"],
        "only one capacity provider of a strategy has a base",
        apiReference(
          "ecs",
          "CapacityProviderStrategyItem.base",
          "Only one capacity provider in a capacity provider strategy can have a base defined.",
        ),
        (i) => onlyOneBase(i.defaultCapacityProviderStrategies, "defaultCapacityProviderStrategies"),
        [
          {
            defaultCapacityProviderStrategies: [
              { capacityProvider: "a", base: 1, weight: 1 },
              { capacityProvider: "b", base: 2, weight: 1 },
            ],
          },
        ],
      ),
    ],
  },
};

export function onlyOneBase(strategies: unknown, field: string) {
  const list = (Array.isArray(strategies) ? strategies : []) as { base?: number }[];
  const withBase = list
    .map((s, i) => [s, i] as const)
    .filter(([s]) => typeof s.base === "number" && s.base > 0);
  return withBase.length > 1
    ? { path: `${field}[${withBase[1][1]}].base`, problem: "is a second base" }
    : undefined;
}
