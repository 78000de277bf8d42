/**
 * The EC2 instance types the cluster knows how to size tasks for. ECS reserves memory for the agent and the OS,
 * so `ecsMemoryMiB` is what an ECS-optimized instance registers as available (the instance's memory minus the
 * ~6% and the fixed overhead ECS keeps), rounded down; the capacity check plans against that figure, not the
 * nominal size. CPU is in ECS units (1024 per vCPU).
 */
export type Architecture = "x86_64" | "arm64";

export interface InstanceTypeInfo {
  /** CPU architecture; decides the AMI and the image platform. */
  architecture: Architecture;
  /** vCPUs times 1024, the units task definitions use. */
  cpuUnits: number;
  /** Nominal memory in MiB. */
  memoryMiB: number;
  /** Memory an ECS-optimized instance registers for tasks, in MiB. */
  ecsMemoryMiB: number;
}

function info(architecture: Architecture, vcpus: number, memoryGiB: number): InstanceTypeInfo {
  const memoryMiB = memoryGiB * 1024;
  // The ECS agent registers roughly the instance's memory less what the OS and agent use; AWS's guidance
  // (ECS developer guide, "Reserving Amazon ECS container instance memory") is to plan on a few hundred MiB
  // less than nominal. 90% keeps headroom on small instances, where the fixed overhead weighs most.
  return { architecture, cpuUnits: vcpus * 1024, memoryMiB, ecsMemoryMiB: Math.floor(memoryMiB * 0.9) };
}

/** Supported instance types, keyed by name. */
export const INSTANCE_TYPES: Readonly<Record<string, InstanceTypeInfo>> = {
  "t3.small": info("x86_64", 2, 2),
  "t3.medium": info("x86_64", 2, 4),
  "t3.large": info("x86_64", 2, 8),
  "m6i.large": info("x86_64", 2, 8),
  "m6i.xlarge": info("x86_64", 4, 16),
  "m7i.large": info("x86_64", 2, 8),
  "c6i.large": info("x86_64", 2, 4),
  "t4g.small": info("arm64", 2, 2),
  "t4g.medium": info("arm64", 2, 4),
  "t4g.large": info("arm64", 2, 8),
  "m6g.large": info("arm64", 2, 8),
  "m7g.large": info("arm64", 2, 8),
  "m7g.xlarge": info("arm64", 4, 16),
  "c7g.large": info("arm64", 2, 4),
};

/** The instance type's facts, or undefined when this program does not know it. */
export function instanceTypeInfo(instanceType: string): InstanceTypeInfo | undefined {
  return Object.hasOwn(INSTANCE_TYPES, instanceType) ? INSTANCE_TYPES[instanceType] : undefined;
}
