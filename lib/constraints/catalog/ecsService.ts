/** ECS: the service, with its deployment strategies, lifecycle hooks and load balancers. */
import { defaultAutoName } from "../autoname";
import { apiReference, botocore } from "../botocore";
import type { TypeConstraints } from "../model";
import { crossField, range } from "../rules";
import { NO_CONSTRAINT } from "./common";
import { ECS_TAGS, ecsName, NAME_QUOTE, onlyOneBase, provider, strategyItem } from "./ecs";

const HOOK_STAGES = botocore("ecs", "DeploymentLifecycleHook.lifecycleStages", "each");

export const ECS_SERVICE: Record<string, TypeConstraints> = {
  "aws:ecs/service:Service": {
    autoName: defaultAutoName(),
    fields: {
      name: ecsName("CreateServiceRequest.serviceName", NAME_QUOTE),
      desiredCount: [
        range(
          0,
          undefined,
          apiReference(
            "ecs",
            "CreateServiceRequest.desiredCount",
            "The number of instantiations of the specified task definition to place and keep running in your service.",
          ),
          { integer: true },
        ),
      ],
      launchType: [botocore("ecs", "CreateServiceRequest.launchType")],
      schedulingStrategy: [botocore("ecs", "CreateServiceRequest.schedulingStrategy")],
      propagateTags: [botocore("ecs", "CreateServiceRequest.propagateTags")],
      healthCheckGracePeriodSeconds: [
        range(
          0,
          2147483647,
          provider(
            "ecs/service.d.ts healthCheckGracePeriodSeconds",
            "Seconds to ignore failing load balancer health checks on newly instantiated tasks to prevent premature shutdown, up to 2147483647.",
          ),
          { integer: true },
        ),
      ],
      ...strategyItem("capacityProviderStrategies[]"),
      "orderedPlacementStrategies[].type": [botocore("ecs", "PlacementStrategy.type")],
      // The field a strategy may name depends on its type, so the rule reads each strategy whole.
      "orderedPlacementStrategies[]": [
        {
          text: "spread: instanceId, host or an attribute; binpack: cpu or memory",
          source: apiReference(
            "ecs",
            "PlacementStrategy.field",
            "For the spread placement strategy, valid values are instanceId (or host, which has the same effect), or any platform or custom attribute that's applied to a container instance, such as attribute:ecs.availability-zone. For the binpack placement strategy, valid values are cpu and memory.",
          ),
          whole: true,
          refuses: [
            { type: "binpack", field: "instanceId" },
            { type: "spread", field: "cpu" },
          ],
          check: (v) => {
            const { type, field } = (v ?? {}) as { type?: string; field?: string };
            if (field === undefined) return [];
            if (type === "binpack" && !["cpu", "memory"].includes(field))
              return [{ path: ".field", value: field, problem: "is not cpu or memory for binpack" }];
            if (type === "spread" && !/^(instanceId|host|attribute:.+)$/.test(field))
              return [
                {
                  path: ".field",
                  value: field,
                  problem: "is not instanceId, host or an attribute for spread",
                },
              ];
            return [];
          },
        },
      ],
      "placementConstraints[].type": [botocore("ecs", "PlacementConstraint.type")],
      "loadBalancers[].containerName": ecsName("ContainerDefinition.name", NAME_QUOTE),
      "deploymentConfiguration.strategy": [botocore("ecs", "DeploymentConfiguration.strategy")],
      "deploymentConfiguration.bakeTimeInMinutes": [
        range(
          0,
          1440,
          provider(
            "types/input.d.ts ServiceDeploymentConfiguration.bakeTimeInMinutes",
            "Valid range: 0-1440 minutes.",
          ),
          { integer: true },
        ),
      ],
      "deploymentConfiguration.canaryConfiguration.canaryPercent": [
        range(
          0.1,
          100,
          apiReference(
            "ecs",
            "CanaryConfiguration.canaryPercent",
            "Valid values are multiples of 0.1 from 0.1 to 100.0.",
          ),
          { step: 0.1 },
        ),
      ],
      "deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes": [
        range(
          0,
          1440,
          apiReference(
            "ecs",
            "CanaryConfiguration.canaryBakeTimeInMinutes",
            "Valid values are 0 to 1440 minutes (24 hours).",
          ),
          { integer: true },
        ),
      ],
      "deploymentConfiguration.linearConfiguration.stepPercent": [
        range(
          3,
          100,
          apiReference(
            "ecs",
            "LinearConfiguration.stepPercent",
            "Valid values are multiples of 0.1 from 3.0 to 100.0.",
          ),
          { step: 0.1 },
        ),
      ],
      "deploymentConfiguration.linearConfiguration.stepBakeTimeInMinutes": [
        range(
          0,
          1440,
          apiReference(
            "ecs",
            "LinearConfiguration.stepBakeTimeInMinutes",
            "Valid values are 0 to 1440 minutes (24 hours).",
          ),
          { integer: true },
        ),
      ],
      "deploymentConfiguration.lifecycleHooks[].lifecycleStages[]": [HOOK_STAGES],
      "deploymentConfiguration.lifecycleHooks[].targetType": [
        botocore("ecs", "DeploymentLifecycleHook.targetType"),
      ],
      "deploymentConfiguration.lifecycleHooks[].timeoutConfiguration.timeoutInMinutes": [
        botocore("ecs", "DeploymentLifecycleHookTimeoutConfiguration.timeoutInMinutes"),
      ],
      "deploymentConfiguration.lifecycleHooks[].timeoutConfiguration.action": [
        botocore("ecs", "DeploymentLifecycleHookTimeoutConfiguration.action"),
      ],
      "alarms.alarmNames[]": [botocore("cloudwatch", "PutMetricAlarmInput.AlarmName")],
    },
    unconstrained: {
      cluster: NO_CONSTRAINT.reference,
      taskDefinition: NO_CONSTRAINT.reference,
      deploymentMaximumPercent:
        "the API reference documents the meaning and default (200) but no range for maximumPercent",
      deploymentMinimumHealthyPercent:
        "the API reference documents the meaning and default (100) but no range for minimumHealthyPercent",
      "deploymentCircuitBreaker.enable": NO_CONSTRAINT.boolean,
      "deploymentCircuitBreaker.rollback": NO_CONSTRAINT.boolean,
      "alarms.enable": NO_CONSTRAINT.boolean,
      "alarms.rollback": NO_CONSTRAINT.boolean,
      enableEcsManagedTags: NO_CONSTRAINT.boolean,
      enableExecuteCommand: NO_CONSTRAINT.boolean,
      waitForSteadyState: NO_CONSTRAINT.providerOnly,
      forceNewDeployment: NO_CONSTRAINT.providerOnly,
      forceDelete: NO_CONSTRAINT.providerOnly,
      "capacityProviderStrategies[].capacityProvider": NO_CONSTRAINT.reference,
      "loadBalancers[].targetGroupArn": NO_CONSTRAINT.reference,
      "loadBalancers[].containerPort":
        "the API reference gives no range; it must be a port the named container maps (the program's tests check that)",
      "loadBalancers[].advancedConfiguration.alternateTargetGroupArn": NO_CONSTRAINT.reference,
      "loadBalancers[].advancedConfiguration.productionListenerRule": NO_CONSTRAINT.reference,
      "loadBalancers[].advancedConfiguration.testListenerRule": NO_CONSTRAINT.reference,
      "loadBalancers[].advancedConfiguration.roleArn": NO_CONSTRAINT.reference,
      "deploymentConfiguration.lifecycleHooks[].hookTargetArn": NO_CONSTRAINT.reference,
      "deploymentConfiguration.lifecycleHooks[].roleArn": NO_CONSTRAINT.reference,
      "deploymentConfiguration.lifecycleHooks[].hookDetails":
        "free-form JSON the hook target receives; the API reference sets no limit",
      "placementConstraints[].expression":
        "a cluster query expression; ECS parses it, no static limit documented",
      "networkConfiguration.subnets[]": NO_CONSTRAINT.reference,
      "networkConfiguration.securityGroups[]": NO_CONSTRAINT.reference,
      "networkConfiguration.assignPublicIp": NO_CONSTRAINT.boolean,
    },
    resource: [
      crossField(
        ["capacityProviderStrategies[].base"],
        "only one capacity provider of a strategy has a base",
        apiReference(
          "ecs",
          "CapacityProviderStrategyItem.base",
          "Only one capacity provider in a capacity provider strategy can have a base defined.",
        ),
        (i) => onlyOneBase(i.capacityProviderStrategies, "capacityProviderStrategies"),
        [
          {
            capacityProviderStrategies: [
              { capacityProvider: "a", base: 1, weight: 1 },
              { capacityProvider: "b", base: 2, weight: 1 },
            ],
          },
        ],
      ),
      crossField(
        ["deploymentConfiguration.strategy", "deploymentConfiguration.bakeTimeInMinutes"],
        "a BLUE_GREEN deployment sets bakeTimeInMinutes",
        apiReference(
          "ecs",
          "DeploymentConfiguration.bakeTimeInMinutes",
          "You must provide this parameter when you use the BLUE_GREEN deployment strategy.",
        ),
        (i) => {
          const dc = (i.deploymentConfiguration ?? {}) as { strategy?: string; bakeTimeInMinutes?: unknown };
          return dc.strategy === "BLUE_GREEN" && dc.bakeTimeInMinutes === undefined
            ? { path: "deploymentConfiguration.bakeTimeInMinutes", problem: "is missing for BLUE_GREEN" }
            : undefined;
        },
        [{ deploymentConfiguration: { strategy: "BLUE_GREEN" } }],
      ),
      crossField(
        [
          "deploymentConfiguration.strategy",
          "deploymentConfiguration.canaryConfiguration",
          "deploymentConfiguration.linearConfiguration",
        ],
        "canaryConfiguration only with CANARY, linearConfiguration only with LINEAR",
        apiReference(
          "ecs",
          "DeploymentConfiguration.canaryConfiguration",
          "Configuration for canary deployment strategy.",
        ),
        (i) => {
          const dc = (i.deploymentConfiguration ?? {}) as {
            strategy?: string;
            canaryConfiguration?: unknown;
            linearConfiguration?: unknown;
          };
          if (dc.canaryConfiguration && dc.strategy !== "CANARY") {
            return {
              path: "deploymentConfiguration.canaryConfiguration",
              problem: `is set with strategy ${dc.strategy ?? "ROLLING"}`,
            };
          }
          if (dc.linearConfiguration && dc.strategy !== "LINEAR") {
            return {
              path: "deploymentConfiguration.linearConfiguration",
              problem: `is set with strategy ${dc.strategy ?? "ROLLING"}`,
            };
          }
          return undefined;
        },
        [
          { deploymentConfiguration: { strategy: "LINEAR", canaryConfiguration: { canaryPercent: 10 } } },
          { deploymentConfiguration: { linearConfiguration: { stepPercent: 10 } } },
        ],
      ),
      crossField(
        ["deploymentConfiguration.strategy", "loadBalancers[].advancedConfiguration"],
        "BLUE_GREEN, LINEAR and CANARY deployments behind a load balancer set advancedConfiguration",
        apiReference(
          "ecs",
          "LoadBalancer.advancedConfiguration",
          "The advanced settings for the load balancer used in blue/green deployments. Specify the alternate target group, listener rules, and IAM role required for traffic shifting during blue/green deployments.",
        ),
        (i) => {
          const dc = (i.deploymentConfiguration ?? {}) as { strategy?: string };
          const lbs = (Array.isArray(i.loadBalancers) ? i.loadBalancers : []) as {
            advancedConfiguration?: unknown;
          }[];
          const n = lbs.findIndex((lb) => !lb.advancedConfiguration);
          return ["BLUE_GREEN", "LINEAR", "CANARY"].includes(dc.strategy ?? "") && n >= 0
            ? { path: `loadBalancers[${n}].advancedConfiguration`, problem: `is missing for ${dc.strategy}` }
            : undefined;
        },
        [
          {
            deploymentConfiguration: { strategy: "BLUE_GREEN", bakeTimeInMinutes: 10 },
            loadBalancers: [
              {
                targetGroupArn:
                  "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/0123456789abcdef",
                containerName: "api",
                containerPort: 8080,
              },
            ],
          },
        ],
      ),
    ],
    tags: ECS_TAGS,
  },
};
