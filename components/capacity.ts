/**
 * The capacity check, done at program time so a stack that cannot place its tasks fails `pulumi preview`
 * instead of leaving tasks stuck in PROVISIONING after `pulumi up`.
 *
 * How ECS places a task on an EC2 instance: it subtracts the task's reservation from what the container
 * instance registered. For memory the reservation is the container's soft limit (`memoryReservation`) when
 * set, else its hard limit (`memory`); the hard limit only caps the running container. For CPU it is the
 * container's `cpu` units. So the tasks one instance holds is the smaller of the two quotients.
 */
import type { InstanceTypeInfo } from "./instanceTypes";

/** The task's size as ECS sees it for placement. */
export interface TaskSize {
  /** CPU units reserved per task (1024 = one vCPU). */
  cpu: number;
  /** Hard memory limit in MiB. */
  memory: number;
  /** Soft memory limit in MiB; when set, ECS reserves this much, not `memory`. */
  memoryReservation?: number;
}

/** The memory ECS reserves on an instance for one task, in MiB. */
export function placementMemoryMiB(task: TaskSize): number {
  return task.memoryReservation ?? task.memory;
}

/** How many tasks fit on one instance of the type, by memory and by CPU; `tasks` is the smaller. */
export function instanceFit(
  instance: InstanceTypeInfo,
  task: TaskSize,
): { tasks: number; byMemory: number; byCpu: number } {
  const byMemory = Math.floor(instance.ecsMemoryMiB / placementMemoryMiB(task));
  const byCpu = Math.floor(instance.cpuUnits / task.cpu);
  return { tasks: Math.min(byMemory, byCpu), byMemory, byCpu };
}

/** How many tasks fit on one instance of the type. */
export function tasksPerInstance(instance: InstanceTypeInfo, task: TaskSize): number {
  return instanceFit(instance, task).tasks;
}

/** Why a task does not fit on one instance, or undefined when it does. */
export function taskFitProblem(
  instanceType: string,
  instance: InstanceTypeInfo,
  task: TaskSize,
): string | undefined {
  const fit = instanceFit(instance, task);
  if (fit.tasks > 0) return undefined;
  const memory = placementMemoryMiB(task);
  const memoryKind = task.memoryReservation === undefined ? "memory" : "memoryReservation";
  const short: string[] = [];
  if (fit.byMemory === 0)
    short.push(`${memory} MiB (${memoryKind}) > ${instance.ecsMemoryMiB} MiB available for tasks`);
  if (fit.byCpu === 0) short.push(`${task.cpu} CPU units > ${instance.cpuUnits}`);
  return `a task does not fit on one ${instanceType} instance: ${short.join(" and ")}; choose a larger instance type or a smaller task`;
}

/** One service's share of the cluster at its peak. */
export interface ServiceDemand {
  /** The service's name, for messages. */
  name: string;
  /** Its task's size. */
  task: TaskSize;
  /** Tasks it may run at once at its peak: at most maxTasks, plus what a deployment adds. */
  peakTasks: number;
  /** Why the peak is what it is, e.g. "maxTasks 6 + 1 for a rolling deploy". */
  why: string;
}

/** The cluster's instances, for the check. */
export interface ClusterSize {
  /** Instance type name, for messages. */
  instanceType: string;
  /** Its facts. */
  instance: InstanceTypeInfo;
  /** Most instances the Auto Scaling group may run. */
  maxInstances: number;
}

/**
 * How many instances of the size hold every service's peak tasks, packing the largest tasks first, each into
 * the first instance with room for both its CPU and its memory (first-fit decreasing). A heuristic: it may
 * count an instance more than a perfect packing would (so it errs towards refusing), never fewer; with one
 * service it is exact, the peak divided by the tasks one instance holds, rounded up.
 */
export function instancesNeeded(instance: InstanceTypeInfo, services: readonly ServiceDemand[]): number {
  const tasks = services
    .flatMap((s) =>
      Array.from({ length: s.peakTasks }, () => ({ cpu: s.task.cpu, memory: placementMemoryMiB(s.task) })),
    )
    .sort(
      (a, b) =>
        b.memory / instance.ecsMemoryMiB +
        b.cpu / instance.cpuUnits -
        (a.memory / instance.ecsMemoryMiB + a.cpu / instance.cpuUnits),
    );
  const free: { cpu: number; memory: number }[] = [];
  for (const task of tasks) {
    const slot = free.find((f) => f.cpu >= task.cpu && f.memory >= task.memory);
    if (slot) {
      slot.cpu -= task.cpu;
      slot.memory -= task.memory;
    } else {
      free.push({ cpu: instance.cpuUnits - task.cpu, memory: instance.ecsMemoryMiB - task.memory });
    }
  }
  return free.length;
}

/**
 * Problems with the whole cluster's plan, or none: a task that fits on no instance, or the services' peak tasks
 * together needing more than `maxInstances`. The message names each service's share.
 */
export function clusterFitProblems(cluster: ClusterSize, services: readonly ServiceDemand[]): string[] {
  const unfit = services.flatMap((s) => {
    const problem = taskFitProblem(cluster.instanceType, cluster.instance, s.task);
    return problem ? [`${s.name}: ${problem}`] : [];
  });
  if (unfit.length > 0) return unfit;
  const needed = instancesNeeded(cluster.instance, services);
  if (needed <= cluster.maxInstances) return [];
  const shares = services.map((s) => {
    const fit = instanceFit(cluster.instance, s.task);
    return `${s.name}: ${s.peakTasks} tasks (${s.why}) of ${s.task.cpu} CPU units and ${placementMemoryMiB(s.task)} MiB, ${fit.tasks} per instance alone`;
  });
  return [
    `the services' peak tasks need ${needed} ${cluster.instanceType} instances (${cluster.instance.cpuUnits} CPU units and ${cluster.instance.ecsMemoryMiB} MiB for tasks each), but maxInstances is ${cluster.maxInstances}: ${shares.join("; ")}; raise maxInstances to ${needed} or lower maxTasks`,
  ];
}
