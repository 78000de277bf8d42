/**
 * What an ECS container instance is made of, as pure functions the EcsCluster component and its tests share:
 * the AMI's SSM parameter, the user data that joins the instance to its cluster, and the instance types Spot
 * may substitute.
 */
import { type Architecture, INSTANCE_TYPES, instanceTypeInfo } from "./instanceTypes";

/**
 * The public SSM parameters holding the current ECS-optimized Amazon Linux 2023 AMI per architecture (ECS
 * developer guide, "Retrieving Amazon ECS-optimized Linux AMI metadata"). Resolving the AMI on every
 * deploy picks up AWS's patched releases; a new AMI changes the launch template and rolls the instances.
 */
export const AMI_PARAMETERS: Readonly<Record<Architecture, string>> = {
  x86_64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
  arm64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
};

/** The AMI's root device (`/dev/xvda`) and its snapshot size: the root volume may not be smaller. */
export const ROOT_DEVICE_NAME = "/dev/xvda";
export const AMI_ROOT_SNAPSHOT_GIB = 30;

/** What the ECS agent on each instance needs to know. */
export interface AgentSettings {
  /** The cluster the instance joins. */
  clusterName: string;
  /** Whether the instance runs on Spot capacity. */
  spot: boolean;
  /** Seconds between SIGTERM and SIGKILL when a container is stopped. */
  containerStopTimeoutSeconds: number;
}

/**
 * The agent settings written to `/etc/ecs/ecs.config`, in order:
 * - ECS_CLUSTER: without it the agent joins the cluster named "default".
 * - ECS_ENABLE_CONTAINER_METADATA: writes the task metadata file into each container.
 * - ECS_CONTAINER_STOP_TIMEOUT: the grace period between SIGTERM and SIGKILL on stop and scale-in.
 * - ECS_ENABLE_TASK_IAM_ROLE: serves each bridge-mode task its own role's credentials at 169.254.170.2. The
 *   AL2023 ECS AMI's ecs-init already defaults it to true; it is written here so the one thing the
 *   application's AWS access depends on does not rest on a package default. With IMDS limited to one hop,
 *   the task role is the only credential a bridge-mode container can reach.
 * - ECS_ENABLE_SPOT_INSTANCE_DRAINING (Spot only): drains the instance's tasks on the two-minute
 *   interruption notice so the load balancer stops sending them traffic first.
 */
export function agentConfig(settings: AgentSettings): [key: string, value: string][] {
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(settings.clusterName)) {
    throw new Error(`agentConfig: "${settings.clusterName}" is not an ECS cluster name`);
  }
  const entries: [string, string][] = [
    ["ECS_CLUSTER", settings.clusterName],
    ["ECS_ENABLE_CONTAINER_METADATA", "true"],
    ["ECS_CONTAINER_STOP_TIMEOUT", `${settings.containerStopTimeoutSeconds}s`],
    ["ECS_ENABLE_TASK_IAM_ROLE", "true"],
  ];
  if (settings.spot) entries.push(["ECS_ENABLE_SPOT_INSTANCE_DRAINING", "true"]);
  return entries;
}

/**
 * The instance's user data (before base64): a shell script appending the agent settings to
 * `/etc/ecs/ecs.config`, which the ECS service reads when it starts after cloud-init. The heredoc is quoted,
 * so nothing in it is expanded by the shell.
 */
export function renderUserData(settings: AgentSettings): string {
  const lines = agentConfig(settings).map(([key, value]) => `${key}=${value}`);
  return [
    "#!/bin/bash",
    "# Joins this instance to its ECS cluster; written by the EcsCluster component.",
    "set -euo pipefail",
    "cat >> /etc/ecs/ecs.config <<'EOF'",
    ...lines,
    "EOF",
    "",
  ].join("\n");
}

/**
 * The instance types Spot may launch for `instanceType`: it first, then every other type in the instance
 * table with the same architecture, vCPUs and memory. More types mean more Spot pools (fewer interruptions,
 * better prices); the same size keeps tasks-per-instance, and so the capacity check and managed scaling,
 * true whichever type is launched. Add types to components/instanceTypes.ts to widen the pools.
 */
export function spotInstanceTypes(instanceType: string): string[] {
  const base = instanceTypeInfo(instanceType);
  if (!base) throw new Error(`spotInstanceTypes: unknown instance type "${instanceType}"`);
  const alike = Object.entries(INSTANCE_TYPES)
    .filter(
      ([name, info]) =>
        name !== instanceType &&
        info.architecture === base.architecture &&
        info.cpuUnits === base.cpuUnits &&
        info.memoryMiB === base.memoryMiB,
    )
    .map(([name]) => name)
    .sort();
  return [instanceType, ...alike];
}
