/** ECS: the cluster, its capacity providers, the service and the task definition with its container definitions. */
import { defaultAutoName } from "../autoname";
import { apiReference, botocore } from "../botocore";
import type { DocumentConstraints, Rule, Source, TypeConstraints } from "../model";
import { crossField, custom, jsonDocument, notPrefixed, oneOf, pattern, range } from "../rules";
import { botocoreTag, NO_CONSTRAINT, regionRule, tagRules } from "./common";

const ECS_TAGS = tagRules(botocoreTag("ecs", "Tag.key", "Tag.value"));

/** ECS's name rule: up to 255 letters, numbers, underscores and hyphens. */
function ecsName(member: string, quote: string): Rule[] {
  return [
    pattern(
      /[A-Za-z0-9_-]{1,255}/,
      "1 to 255 letters, numbers, underscores and hyphens",
      apiReference("ecs", member, quote),
      ["my.service", "json api", "", "a".repeat(256)],
    ),
  ];
}

const NAME_QUOTE =
  "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.";

/** pulumi-aws's schema documentation of a field (what the provider validates before AWS sees it). */
function provider(ref: string, quote: string): Source {
  return { kind: "provider", ref: `@pulumi/aws@7.48.0 ${ref}`, quote };
}

const strategyItem = (prefix: string): Record<string, Rule[]> => ({
  [`${prefix}.base`]: [botocore("ecs", "CapacityProviderStrategyItem.base")],
  [`${prefix}.weight`]: [botocore("ecs", "CapacityProviderStrategyItem.weight")],
});

const healthCheck = (member: string, min: number, max: number, quote: string) =>
  range(min, max, apiReference("ecs", `HealthCheck.${member}`, quote), { integer: true });

const IMAGE = apiReference(
  "ecs",
  "ContainerDefinition.image",
  "For images using tags (repository-url/image:tag), up to 255 characters total are allowed, including letters (uppercase and lowercase), numbers, hyphens, underscores, colons, periods, forward slashes, and number signs (#). For images using digests (repository-url/image@digest), the 255 character limit applies only to the repository URL and image name (everything before the @ sign). The only supported hash function is sha256, and the hash value after sha256: must be exactly 64 characters (only letters A-F, a-f, and numbers 0-9 are allowed).",
);

const isMap = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

const LOG_OPTIONS = apiReference(
  "ecs",
  "LogConfiguration.options",
  "mode Required: No Valid values: non-blocking | blocking",
);
const LOG_GROUP_NAME = botocore("logs", "CreateLogGroupRequest.logGroupName");
const REGION = regionRule();

/** The container definitions document, as RegisterTaskDefinition reads it. */
const CONTAINER_DEFINITIONS: DocumentConstraints = {
  fields: {
    "[].name": ecsName("ContainerDefinition.name", NAME_QUOTE),
    "[].image": [
      custom(
        "an image by tag (255 characters of letters, digits, -_:./#) or by sha256 digest (64 hex)",
        IMAGE,
        (v) => {
          if (typeof v !== "string") return "is not a string";
          const at = v.indexOf("@");
          if (at < 0) {
            if (v.length > 255) return `has ${v.length} characters`;
            return /^[A-Za-z0-9\-_:./#]+$/.test(v)
              ? undefined
              : "has a character outside letters, digits and -_:./#";
          }
          const [name, digest] = [v.slice(0, at), v.slice(at + 1)];
          if (name.length > 255) return `has ${name.length} characters before the @`;
          return /^sha256:[A-Fa-f0-9]{64}$/.test(digest)
            ? undefined
            : "has a digest that is not sha256: and 64 hex digits";
        },
        [
          "repo@sha256:0123",
          "repo@md5:0123456789abcdef0123456789abcdef",
          "repo:my tag",
          `${"r".repeat(250)}:latest`,
        ],
      ),
    ],
    "[].memory": [
      range(
        6,
        undefined,
        apiReference(
          "ecs",
          "ContainerDefinition.memory",
          "So, don't specify less than 6 MiB of memory for your containers.",
        ),
        { integer: true },
      ),
    ],
    "[].memoryReservation": [
      range(
        6,
        undefined,
        apiReference(
          "ecs",
          "ContainerDefinition.memory",
          "So, don't specify less than 6 MiB of memory for your containers.",
        ),
        { integer: true },
      ),
    ],
    "[].cpu": [
      range(
        0,
        undefined,
        apiReference("ecs", "ContainerDefinition.cpu", "The number of cpu units reserved for the container."),
        { integer: true },
      ),
    ],
    "[].portMappings[].protocol": [botocore("ecs", "PortMapping.protocol")],
    "[].portMappings[].appProtocol": [botocore("ecs", "PortMapping.appProtocol")],
    "[].portMappings[].hostPort": [
      custom(
        "not a reserved port (22, 2375, 2376, 51678-51680)",
        apiReference(
          "ecs",
          "PortMapping.hostPort",
          "The default reserved ports are 22 for SSH, the Docker ports 2375 and 2376, and the Amazon ECS container agent ports 51678-51680.",
        ),
        (v) => {
          const n = Number(v);
          return [22, 2375, 2376, 51678, 51679, 51680].includes(n) ? `is reserved` : undefined;
        },
        [22, 2376, 51679],
      ),
    ],
    "[].logConfiguration.logDriver": [botocore("ecs", "LogConfiguration.logDriver")],
    "[].logConfiguration.options": [
      {
        text: "awslogs options: mode non-blocking or blocking, awslogs-region a region, awslogs-group a log group name",
        source: LOG_OPTIONS,
        refuses: [{ mode: "async" }, { "awslogs-region": "eu-west-9" }, { "awslogs-group": "api logs" }],
        whole: true,
        check: (v, ctx) => {
          if (!isMap(v)) return [{ value: v, problem: "is not a map" }];
          const out = [];
          if (v.mode !== undefined && !["non-blocking", "blocking"].includes(String(v.mode))) {
            out.push({ path: ".mode", value: v.mode, problem: "is not non-blocking or blocking" });
          }
          if (v["awslogs-region"] !== undefined) {
            for (const f of REGION.check(v["awslogs-region"], ctx)) {
              out.push({ ...f, path: ".awslogs-region", rule: { text: REGION.text, source: REGION.source } });
            }
          }
          if (v["awslogs-group"] !== undefined) {
            for (const f of LOG_GROUP_NAME.check(v["awslogs-group"], ctx)) {
              out.push({
                ...f,
                path: ".awslogs-group",
                rule: { text: LOG_GROUP_NAME.text, source: LOG_GROUP_NAME.source },
              });
            }
          }
          return out;
        },
      },
    ],
    "[].user": [
      custom(
        "user, user:group, uid, uid:gid, user:gid or uid:group; a UID or GID a positive integer",
        apiReference(
          "ecs",
          "ContainerDefinition.user",
          "If specifying a UID or GID, you must specify it as a positive integer. user user:group uid uid:gid user:gid uid:group",
        ),
        (v) => {
          const parts = String(v).split(":");
          if (parts.length > 2 || parts.some((p) => p === "")) return "is not user[:group]";
          return parts.some((p) => /^-?\d+$/.test(p) && Number(p) < 0) ? "has a negative id" : undefined;
        },
        ["app:", "app:staff:extra", "-1", "1000:-5"],
      ),
    ],
    "[].healthCheck.command": [
      {
        text: "starts with CMD or CMD-SHELL",
        source: apiReference(
          "ecs",
          "HealthCheck.command",
          "The string array must start with CMD to run the command arguments directly, or CMD-SHELL to run the command with the container's default shell.",
        ),
        refuses: [["curl", "-f", "http://localhost/health"], "CMD-SHELL curl -f http://localhost/health"],
        whole: true,
        check: (v) =>
          Array.isArray(v) && (v[0] === "CMD" || v[0] === "CMD-SHELL")
            ? []
            : [{ value: v, problem: "does not start with CMD or CMD-SHELL" }],
      },
    ],
    "[].healthCheck.interval": [
      healthCheck(
        "interval",
        5,
        300,
        "The time period in seconds between each health check execution. You may specify between 5 and 300 seconds.",
      ),
    ],
    "[].healthCheck.timeout": [healthCheck("timeout", 2, 60, "You may specify between 2 and 60 seconds.")],
    "[].healthCheck.retries": [healthCheck("retries", 1, 10, "You may specify between 1 and 10 retries.")],
    "[].healthCheck.startPeriod": [
      healthCheck("startPeriod", 0, 300, "You can specify between 0 and 300 seconds."),
    ],
  },
  unconstrained: {
    "[].essential": NO_CONSTRAINT.boolean,
    "[].readonlyRootFilesystem": NO_CONSTRAINT.boolean,
    "[].privileged": NO_CONSTRAINT.boolean,
    "[].linuxParameters.initProcessEnabled": NO_CONSTRAINT.boolean,
    "[].portMappings[].containerPort":
      "the API reference gives no range for the container port; the service's load balancer must name a mapped one (the program's own tests check that)",
    "[].environment[].name":
      "the API reference documents no character set or length for environment variable names",
    "[].environment[].value":
      "the API reference documents no character set or length for environment variable values",
    "[].stopTimeout":
      "the API reference gives a range only for Fargate (2-120 s); on EC2 the agent's limit applies",
  },
  resource: [
    {
      fields: ["[].memory", "[].memoryReservation"],
      text: "memory greater than memoryReservation",
      source: apiReference(
        "ecs",
        "ContainerDefinition.memory",
        "If you specify both a container-level memory and memoryReservation value, memory must be greater than memoryReservation.",
      ),
      check: (doc) =>
        (Array.isArray(doc) ? doc : []).flatMap((c, i) => {
          const { memory, memoryReservation } = (c ?? {}) as { memory?: number; memoryReservation?: number };
          return typeof memory === "number" &&
            typeof memoryReservation === "number" &&
            memory <= memoryReservation
            ? [
                {
                  path: `[${i}].memoryReservation`,
                  value: memoryReservation,
                  problem: `is not below memory ${memory}`,
                },
              ]
            : [];
        }),
      refuses: [[{ name: "api", image: "api:1", memory: 256, memoryReservation: 512 }]],
    },
  ],
};

const HOOK_STAGES = botocore("ecs", "DeploymentLifecycleHook.lifecycleStages", "each");

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
      "deploymentConfiguration.lifecycleHooks[].lifecycleStages": [HOOK_STAGES],
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
  "aws:ecs/taskDefinition:TaskDefinition": {
    fields: {
      family: ecsName("RegisterTaskDefinitionRequest.family", NAME_QUOTE),
      networkMode: [botocore("ecs", "RegisterTaskDefinitionRequest.networkMode")],
      "requiresCompatibilities[]": [
        botocore("ecs", "RegisterTaskDefinitionRequest.requiresCompatibilities", "each"),
      ],
      cpu: [
        range(
          128,
          196608,
          apiReference(
            "ecs",
            "RegisterTaskDefinitionRequest.cpu",
            "Supported values are between 128 CPU units (0.125 vCPUs) and 196608 CPU units (192 vCPUs).",
          ),
          { integer: true },
        ),
      ],
      containerDefinitions: [
        jsonDocument(
          CONTAINER_DEFINITIONS,
          apiReference(
            "ecs",
            "RegisterTaskDefinitionRequest.containerDefinitions",
            "A list of container definitions in JSON format that describe the different containers that make up your task.",
          ),
        ),
      ],
    },
    unconstrained: {
      executionRoleArn: NO_CONSTRAINT.reference,
      taskRoleArn: NO_CONSTRAINT.reference,
      memory:
        "the API reference lists Fargate's memory values only; on EC2 the task memory is optional and unbounded",
      skipDestroy: NO_CONSTRAINT.providerOnly,
      trackLatest: NO_CONSTRAINT.providerOnly,
    },
    tags: ECS_TAGS,
  },
};

function onlyOneBase(strategies: unknown, field: string) {
  const list = (Array.isArray(strategies) ? strategies : []) as { base?: number }[];
  const withBase = list
    .map((s, i) => [s, i] as const)
    .filter(([s]) => typeof s.base === "number" && s.base > 0);
  return withBase.length > 1
    ? { path: `${field}[${withBase[1][1]}].base`, problem: "is a second base" }
    : undefined;
}
