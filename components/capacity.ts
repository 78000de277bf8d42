/**
 * The capacity check, done at program time so a stack that cannot place its tasks fails `pulumi preview`
 * instead of leaving tasks stuck in PROVISIONING after `pulumi up`.
 *
 * How ECS places a task on an EC2 instance: it subtracts the task's reservation from what the container
 * instance registered. For memory the reservation is the container's soft limit (`memoryReservation`) when
 * set, else its hard limit (`memory`); the hard limit only caps the running container. For CPU it is the
 * container's `cpu` units. So the tasks one instance holds is the smaller of the two quotients.
 */
import type { InstanceTypeInfo } from "../stacks/instanceTypes";

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

/** What the capacity check needs to know. */
export interface CapacityPlan {
  /** Instance type name, for messages. */
  instanceType: string;
  /** The instance type's facts. */
  instance: InstanceTypeInfo;
  /** The task's size. */
  task: TaskSize;
  /** Most tasks autoscaling may run. */
  maxTasks: number;
  /** Most instances the Auto Scaling group may run. */
  maxInstances: number;
}

/**
 * Problems with the plan, or none: a task that fits on no instance, `maxTasks` that cannot all be placed on
 * `maxInstances`, or no room left for one replacement task at `maxTasks` (a rolling deploy with 100% minimum
 * healthy starts a new task before it stops an old one, so at full scale it needs one slot more).
 */
export function capacityProblems(plan: CapacityPlan): string[] {
  const { instanceType, instance, task, maxTasks, maxInstances } = plan;
  const fit = instanceFit(instance, task);
  const memory = placementMemoryMiB(task);
  const memoryKind = task.memoryReservation === undefined ? "memory" : "memoryReservation";
  if (fit.tasks === 0) {
    const short: string[] = [];
    if (fit.byMemory === 0) {
      short.push(`${memory} MiB (${memoryKind}) > ${instance.ecsMemoryMiB} MiB available for tasks`);
    }
    if (fit.byCpu === 0) short.push(`${task.cpu} CPU units > ${instance.cpuUnits}`);
    return [
      `a task does not fit on one ${instanceType} instance: ${short.join(" and ")}; choose a larger instanceType or a smaller task`,
    ];
  }
  const capacity = fit.tasks * maxInstances;
  const why = `${fit.tasks} per ${instanceType} (by memory ${instance.ecsMemoryMiB} / ${memory} MiB = ${fit.byMemory}, by CPU ${instance.cpuUnits} / ${task.cpu} units = ${fit.byCpu})`;
  if (maxTasks > capacity) {
    return [
      `maxTasks = ${maxTasks} cannot fit on maxInstances = ${maxInstances}: ${why}, so at most ${capacity} tasks; raise maxInstances to ${Math.ceil(maxTasks / fit.tasks)} or lower maxTasks`,
    ];
  }
  if (maxTasks + 1 > capacity) {
    return [
      `maxTasks = ${maxTasks} leaves no room to deploy on maxInstances = ${maxInstances}: ${why}, so at most ${capacity} tasks, and a rolling deploy at full scale needs ${maxTasks + 1}; raise maxInstances to ${Math.ceil((maxTasks + 1) / fit.tasks)} or lower maxTasks to ${capacity - 1}`,
    ];
  }
  return [];
}
