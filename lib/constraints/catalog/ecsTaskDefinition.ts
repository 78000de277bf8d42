/** ECS: the task definition and the container definitions document it carries. */
import { apiReference, botocore } from "../botocore";
import type { DocumentConstraints, TypeConstraints } from "../model";
import { custom, jsonDocument, range } from "../rules";
import { NO_CONSTRAINT, regionRule } from "./common";
import { ECS_TAGS, ecsName, NAME_QUOTE } from "./ecs";

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

/** A container's memory, hard limit or reservation alike: at least 6 MiB. */
const containerMemory = range(
  6,
  undefined,
  apiReference(
    "ecs",
    "ContainerDefinition.memory",
    "So, don't specify less than 6 MiB of memory for your containers.",
  ),
  { integer: true },
);

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
    "[].memory": [containerMemory],
    "[].memoryReservation": [containerMemory],
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

export const ECS_TASK_DEFINITION: Record<string, TypeConstraints> = {
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
