/**
 * Cost per million requests from the benchmark's measured throughput (service/bench/results.json, written by
 * `npm run bench`) and the stack's task and instance sizes. The model, stated in what it prints:
 *
 * - The server is single-threaded: the warm route's requests per second is what one busy core serves, and one
 *   vCPU of the instance is taken to serve what one core of the benchmark machine did.
 * - A task is guaranteed its CPU reservation (units / 1024 of a vCPU) when every task on the instance is busy,
 *   so it serves that share of a core's throughput.
 * - An instance holds as many tasks as its CPU units and the memory ECS registers allow (the capacity check's
 *   arithmetic), filled to the capacity provider's target capacity, and each task runs at the CPU target its
 *   autoscaling tracks before more tasks are started.
 * - Instance-hours per million requests follow, at the stack's instance price; the charges that grow with
 *   traffic (logs, load balancer capacity, data transfer, ...) are added from the estimate itself.
 */
import { existsSync, readFileSync } from "node:fs";
import { instanceTypeInfo } from "../../components/instanceTypes";
import type { PlanResource } from "../plan/architecture";
import { estimateStack } from "./estimate";
import { onDemandCount } from "./estimators/compute";
import { SECONDS_PER_MONTH } from "./facts";
import { instancePrice } from "./prices";
import { compareEstimates } from "./report";
import { containersOf, mentions, ofType, serviceTasks } from "./traffic";
import type { Usage } from "./usage";

/** The fields of the benchmark's result file this module relies on. */
export interface BenchResults {
  schema: 1;
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  warm: { requestsPerSecond: number };
}

/** The benchmark's results, or undefined when the file does not exist; throws when it is not a results file. */
export function readBenchResults(file: string): BenchResults | undefined {
  if (!existsSync(file)) return undefined;
  const data = JSON.parse(readFileSync(file, "utf8"));
  const problems: string[] = [];
  if (data?.schema !== 1) problems.push(`schema is ${JSON.stringify(data?.schema)}, expected 1`);
  if (!(data?.warm?.requestsPerSecond > 0)) problems.push("warm.requestsPerSecond is not a positive number");
  for (const key of ["date", "node", "cpuModel"]) {
    if (typeof data?.[key] !== "string") problems.push(`${key} is not a string`);
  }
  if (problems.length) throw new Error(`${file}: ${problems.join("; ")}`);
  return data as BenchResults;
}

export interface CostPerMillion {
  instanceType: string;
  vcpus: number;
  taskCpuUnits: number;
  /** Requests per second one task serves at its full reservation. */
  taskRps: number;
  tasksPerInstance: number;
  /** What bounds the tasks per instance: `CPU` or `memory`. */
  boundBy: "CPU" | "memory";
  cpuTargetPercent: number;
  targetCapacityPercent: number;
  /** Requests per second an instance serves at the targets. */
  instanceRps: number;
  instanceHoursPerMillion: number;
  hourlyPrice: number;
  /** The Spot discount applied to `hourlyPrice`, when the instances are Spot. */
  spotDiscount?: number;
  compute: number;
  /** USD per million requests of the charges that grow with traffic, at the assumed request rate. */
  traffic: number;
  /** Those charges, biggest first. */
  trafficItems: { what: string; usd: number }[];
  total: number;
}

/** The number a target tracking policy tracks for a metric type, if the stack has such a policy. */
function trackedTarget(resources: PlanResource[], metricType: string): number | undefined {
  return ofType(resources, "aws:appautoscaling/policy:Policy").find(
    (p) =>
      p.inputs.targetTrackingScalingPolicyConfiguration?.predefinedMetricSpecification
        ?.predefinedMetricType === metricType,
  )?.inputs.targetTrackingScalingPolicyConfiguration?.targetValue;
}

/** Cost per million requests for the stack's first service, or undefined when its sizes are not known. */
export function costPerMillion(
  region: string,
  resources: PlanResource[],
  bench: BenchResults,
  overrides: Partial<Usage> = {},
): CostPerMillion | undefined {
  const [service] = serviceTasks(resources);
  const asg = ofType(resources, "aws:autoscaling/group:Group")[0];
  if (!service?.taskDefinition || !asg) return undefined;
  const containers = containersOf(service.taskDefinition) as {
    cpu?: number;
    memory?: number;
    memoryReservation?: number;
  }[];
  const taskCpuUnits =
    Number(service.taskDefinition.inputs.cpu) || containers.reduce((sum, c) => sum + (c.cpu ?? 0), 0);
  const taskMemory = containers.reduce((sum, c) => sum + (c.memoryReservation ?? c.memory ?? 0), 0);
  const template = ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate").find((t) =>
    mentions(
      asg.inputs.mixedInstancesPolicy?.launchTemplate?.launchTemplateSpecification ??
        asg.inputs.launchTemplate,
      t,
    ),
  );
  const instanceType: string | undefined =
    asg.inputs.mixedInstancesPolicy?.launchTemplate?.overrides?.[0]?.instanceType ??
    template?.inputs.instanceType;
  const info = instanceType ? instanceTypeInfo(instanceType) : undefined;
  const price = instanceType ? instancePrice(instanceType, region) : undefined;
  if (!info || !price || taskCpuUnits <= 0 || taskMemory <= 0) return undefined;

  const vcpus = info.cpuUnits / 1024;
  const byCpu = Math.floor(info.cpuUnits / taskCpuUnits);
  const byMemory = Math.floor(info.ecsMemoryMiB / taskMemory);
  const tasksPerInstance = Math.min(byCpu, byMemory);
  const taskRps = (Math.min(taskCpuUnits, 1024) / 1024) * bench.warm.requestsPerSecond;
  const cpuTargetPercent = trackedTarget(resources, "ECSServiceAverageCPUUtilization") ?? 100;
  const cp = ofType(resources, "aws:ecs/capacityProvider:CapacityProvider")[0];
  const targetCapacityPercent = cp?.inputs.autoScalingGroupProvider?.managedScaling?.targetCapacity ?? 100;
  const instanceRps = tasksPerInstance * taskRps * (cpuTargetPercent / 100) * (targetCapacityPercent / 100);
  const instanceHoursPerMillion = 1e6 / (instanceRps * 3600);

  const estimate = estimateStack("", region, resources, overrides);
  const spot = onDemandCount(asg.inputs.minSize ?? 1, asg, template) < (asg.inputs.minSize ?? 1);
  const hourlyPrice = spot ? price.usd * (1 - estimate.usage.usage.spotDiscount) : price.usd;
  const compute = instanceHoursPerMillion * hourlyPrice;

  // Charges that grow with traffic: the estimate at the assumed rate less the estimate with no traffic.
  const idle = estimateStack("", region, resources, { ...overrides, requestsPerSecond: 0 });
  const millions = (estimate.usage.usage.requestsPerSecond * SECONDS_PER_MONTH) / 1e6;
  const traffic = millions > 0 ? (estimate.total.min - idle.total.min) / millions : 0;
  const trafficItems =
    millions > 0
      ? compareEstimates(idle, estimate).items.map((d) => ({ what: d.what, usd: d.delta.min / millions }))
      : [];
  return {
    instanceType: instanceType as string,
    vcpus,
    taskCpuUnits,
    taskRps,
    tasksPerInstance,
    boundBy: byCpu <= byMemory ? "CPU" : "memory",
    cpuTargetPercent,
    targetCapacityPercent,
    instanceRps,
    instanceHoursPerMillion,
    hourlyPrice,
    ...(spot ? { spotDiscount: estimate.usage.usage.spotDiscount } : {}),
    compute,
    traffic,
    trafficItems,
    total: compute + traffic,
  };
}
