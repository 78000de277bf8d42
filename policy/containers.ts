/**
 * ECS task definitions and services, and the ECR repository their image comes from. Container definitions
 * arrive as the JSON string AWS takes, so they are parsed first; an unreadable one is itself a violation.
 */
import * as aws from "@pulumi/aws";
import {
  type ReportViolation,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import {
  asArray,
  controls,
  isProdUrn,
  PROD_STACKS_CONFIG,
  parseJson,
  referenced,
  resourcesOf,
} from "./common";

type Container = aws.ecs.ContainerDefinition;

/** The task definition's containers, or undefined (and a violation) when the JSON is unreadable. */
function containersOf(definitions: unknown, report: ReportViolation): Container[] | undefined {
  const parsed = parseJson(definitions);
  if (!Array.isArray(parsed)) {
    report("containerDefinitions is not a JSON array of container definitions");
    return undefined;
  }
  return parsed as Container[];
}

/** A task definition check applied container by container. */
function eachContainer(check: (c: Container, report: (message: string) => void) => void) {
  return validateResourceOfType(aws.ecs.TaskDefinition, (td, _args, report) => {
    for (const c of containersOf(td.containerDefinitions, report) ?? []) {
      check(c, (message) => report(`container "${c.name}": ${message}`));
    }
  });
}

export const hostNamespaces: ResourceValidationPolicy = {
  name: "ecs-task-no-host-namespaces",
  description: "Task definitions share neither the host's network (host mode) nor its process namespace.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: controls("ECS.17", "ECS.3", "CKV_AWS_335"),
  validateResource: validateResourceOfType(aws.ecs.TaskDefinition, (td, _args, report) => {
    if (td.networkMode === "host") report("networkMode is host");
    if (td.pidMode === "host") report("pidMode is host");
    if (td.ipcMode === "host") report("ipcMode is host");
  }),
};

export const notPrivileged: ResourceValidationPolicy = {
  name: "ecs-container-not-privileged",
  description: "No container runs privileged.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: controls("ECS.4", "CKV_AWS_334"),
  validateResource: eachContainer((c, report) => {
    if (c.privileged === true) report("privileged is true");
  }),
};

export const readOnlyRoot: ResourceValidationPolicy = {
  name: "ecs-container-read-only-root",
  description: "Every container's root filesystem is read-only; writable paths are explicit volumes.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("ECS.5", "CKV_AWS_336"),
  validateResource: eachContainer((c, report) => {
    if (c.readonlyRootFilesystem !== true) report("readonlyRootFilesystem is not true");
  }),
};

/** `root`, `0`, and either with a group (`root:root`, `0:0`) are root; ECS.20 names `root` and `0`. */
function isRootUser(user: unknown): boolean {
  const name = String(user).split(":")[0].trim();
  return name === "root" || name === "0";
}

export const nonRootUser: ResourceValidationPolicy = {
  name: "ecs-container-non-root-user",
  description: "Every container names a non-root user; an unset user means the image's, usually root.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("ECS.20"),
  validateResource: eachContainer((c, report) => {
    if (c.user === undefined || c.user === "") report("user is not set (the container would run as root)");
    else if (isRootUser(c.user)) report(`user "${c.user}" is root`);
  }),
};

export const awslogs: ResourceValidationPolicy = {
  name: "ecs-container-awslogs",
  description:
    "Every container logs to CloudWatch Logs through the awslogs driver with a group and a region.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("ECS.9"),
  validateResource: eachContainer((c, report) => {
    const log = c.logConfiguration;
    if (!log) report("no logConfiguration");
    else if (log.logDriver !== "awslogs") report(`logDriver is "${log.logDriver}", not awslogs`);
    else {
      for (const option of ["awslogs-group", "awslogs-region"]) {
        if (!log.options?.[option]) report(`logConfiguration.options lacks ${option}`);
      }
    }
  }),
};

/** Names ECS.8 lists, and name fragments that say "this is a secret". */
const SECRET_NAMES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"];
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
/** Values that are credentials whatever the name: AWS access key ids, PEM private keys. */
const SECRET_VALUE = /\b(AKIA|ASIA)[0-9A-Z]{16}\b|-----BEGIN [A-Z ]*PRIVATE KEY-----/;

export const noSecretsInEnvironment: ResourceValidationPolicy = {
  name: "ecs-container-no-secrets-in-environment",
  description:
    "No container environment variable looks like a secret (by name or value); secrets go in `secrets` with " +
    "valueFrom, so they never sit in plain text in the task definition.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: controls("ECS.8"),
  validateResource: eachContainer((c, report) => {
    for (const { name, value } of asArray(c.environment)) {
      const n = String(name);
      if (SECRET_NAMES.includes(n) || SECRET_NAME.test(n))
        report(`environment variable ${n} looks like a secret`);
      else if (SECRET_VALUE.test(String(value))) report(`environment variable ${n} holds a credential`);
    }
  }),
};

export const roleSeparation: ResourceValidationPolicy = {
  name: "ecs-task-role-separation",
  description:
    "Task definitions name an execution role (what ECS needs to start the task) and, when the app uses AWS, a " +
    "different task role (what the app may do); a task with no task role gets no credentials at all.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("CKV_AWS_249"),
  validateResource: validateResourceOfType(aws.ecs.TaskDefinition, (td, _args, report) => {
    if (!td.executionRoleArn) report("executionRoleArn is not set");
    if (td.taskRoleArn && td.taskRoleArn === td.executionRoleArn) {
      report("taskRoleArn and executionRoleArn are the same role");
    }
  }),
};

export const dynamicHostPorts: ResourceValidationPolicy = {
  name: "ecs-task-dynamic-host-ports",
  description:
    "Bridge-mode task definitions map every container port to host port 0 (dynamic), so several tasks fit on " +
    "one instance and the target group learns each task's port.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: ["design:bridge-dynamic-ports"],
  validateResource: validateResourceOfType(aws.ecs.TaskDefinition, (td, args, report) => {
    const mode = td.networkMode ?? "bridge";
    if (mode !== "bridge") args.notApplicable(`networkMode ${mode} has no dynamic host ports`);
    for (const c of containersOf(td.containerDefinitions, report) ?? []) {
      for (const pm of asArray(c.portMappings)) {
        if (pm.hostPort !== undefined && pm.hostPort !== 0) {
          report(
            `container "${c.name}": containerPort ${pm.containerPort} is bound to host port ${pm.hostPort}`,
          );
        }
      }
    }
  }),
};

export const circuitBreaker: ResourceValidationPolicy = {
  name: "ecs-service-circuit-breaker",
  description:
    "Services roll a failing deployment back automatically (deployment circuit breaker with rollback).",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: ["design:reliability"],
  validateResource: validateResourceOfType(aws.ecs.Service, (svc, _args, report) => {
    const cb = svc.deploymentCircuitBreaker;
    if (cb?.enable !== true || cb.rollback !== true) {
      report("deploymentCircuitBreaker must have enable and rollback set to true");
    }
  }),
};

export const alarmRollbackInProd: ResourceValidationPolicy = {
  name: "ecs-service-alarm-rollback-prod",
  description:
    "In production stacks, services name CloudWatch alarms that roll a bad release back (deployment alarms with " +
    "rollback): a release that starts fine but answers errors or slowly must not stay.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: ["design:reliability"],
  configSchema: PROD_STACKS_CONFIG,
  validateResource: validateResourceOfType(aws.ecs.Service, (svc, args, report) => {
    const { prodStacks } = args.getConfig<{ prodStacks?: string[] }>();
    if (!isProdUrn(args.urn, prodStacks)) args.notApplicable("not a production stack");
    const alarms = svc.alarms as { enable?: boolean; rollback?: boolean; alarmNames?: string[] } | undefined;
    if (alarms?.enable !== true || alarms.rollback !== true || asArray(alarms.alarmNames).length === 0) {
      report(
        "alarms must name at least one alarm, with enable and rollback set to true, in a production stack",
      );
    }
  }),
};

export const capacityProviderStrategy: ResourceValidationPolicy = {
  name: "ecs-service-capacity-provider",
  description:
    "Services place tasks through an explicit capacity provider strategy (so managed scaling adds instances), " +
    "never a launchType.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: ["design:capacity-provider"],
  validateResource: validateResourceOfType(aws.ecs.Service, (svc, _args, report) => {
    if (svc.launchType !== undefined) report(`launchType "${svc.launchType}" bypasses the capacity provider`);
    if (asArray(svc.capacityProviderStrategies).length === 0) report("no capacityProviderStrategies");
  }),
};

export const serviceNoPublicIp: ResourceValidationPolicy = {
  name: "ecs-service-no-public-ip",
  description: "Services never assign public IP addresses to tasks.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: controls("ECS.2", "CKV_AWS_333"),
  validateResource: validateResourceOfType(aws.ecs.Service, (svc, _args, report) => {
    if (svc.networkConfiguration?.assignPublicIp === true)
      report("networkConfiguration.assignPublicIp is true");
  }),
};

export const ecrScanOnPush: ResourceValidationPolicy = {
  name: "ecr-scan-on-push",
  description: "ECR repositories scan every image on push.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("ECR.1", "CKV_AWS_163"),
  validateResource: validateResourceOfType(aws.ecr.Repository, (repo, _args, report) => {
    if (repo.imageScanningConfiguration?.scanOnPush !== true)
      report("imageScanningConfiguration.scanOnPush is not true");
  }),
};

export const ecrImmutableTags: ResourceValidationPolicy = {
  name: "ecr-immutable-tags",
  description: "ECR repositories have immutable tags: a tag, once pushed, always names the same image.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("ECR.2", "CKV_AWS_51"),
  validateResource: validateResourceOfType(aws.ecr.Repository, (repo, _args, report) => {
    if (repo.imageTagMutability !== "IMMUTABLE") {
      report(
        `imageTagMutability is ${JSON.stringify(repo.imageTagMutability ?? "MUTABLE")}, not "IMMUTABLE"`,
      );
    }
  }),
};

export const ecrLifecyclePolicy: StackValidationPolicy = {
  name: "ecr-lifecycle-policy",
  description: "Every ECR repository has a lifecycle policy, so old images expire.",
  enforcementLevel: "mandatory",
  severity: "low",
  tags: controls("ECR.3"),
  validateStack: (args, report) => {
    const policies = resourcesOf(args, aws.ecr.LifecyclePolicy);
    for (const repo of resourcesOf(args, aws.ecr.Repository)) {
      if (!policies.some((p) => referenced(p, "repository", [repo]).length > 0)) {
        report(`${repo.name}: no lifecycle policy`, repo.urn);
      }
    }
  },
};

export const containerPolicies = [
  hostNamespaces,
  notPrivileged,
  readOnlyRoot,
  nonRootUser,
  awslogs,
  noSecretsInEnvironment,
  roleSeparation,
  dynamicHostPorts,
  circuitBreaker,
  alarmRollbackInProd,
  capacityProviderStrategy,
  serviceNoPublicIp,
  ecrScanOnPush,
  ecrImmutableTags,
  ecrLifecyclePolicy,
];
