/**
 * The usage an estimate assumes: traffic, payload sizes, log volume, the Spot discount. Each assumption has a
 * command-line flag, a default and the reason for the default (derived from the stack, measured, or assumed),
 * and the estimate prints them all. Pure.
 */
import type { PlanResource } from "../plan/architecture";

/** Usage assumptions, per stack. */
export interface Usage {
  /** Average requests per second reaching the load balancer. */
  requestsPerSecond: number;
  /** Bytes of a request as the load balancer receives it. */
  requestBytes: number;
  /** Bytes of a response (status line, headers, body) as the load balancer sends it. */
  responseBytes: number;
  /** Bytes of application log per request. */
  logBytesPerRequest: number;
  /** Requests a client sends on one connection before closing it. */
  requestsPerConnection: number;
  /** Fraction of the on-demand price a Spot instance saves (0 to 1). */
  spotDiscount: number;
  /** Compressed size of one container image, in MB. */
  imageMb: number;
  /** Invocations of each Lambda function per month. */
  lambdaInvocationsPerMonth: number;
}

export type UsageKey = keyof Usage;

interface Assumption {
  /** The command-line flag that overrides it. */
  flag: string;
  /** What it means, for the printed list. */
  label: string;
  /** Why the default is what it is. */
  why: string;
  value: number;
  min: number;
  max: number;
}

/** The defaults that do not depend on the stack, and why each is what it is. */
const FIXED: Readonly<Record<Exclude<UsageKey, "requestsPerSecond">, Omit<Assumption, "flag" | "label">>> = {
  requestBytes: {
    value: 115,
    why: "measured: curl's GET /api/foo, request line and headers",
    min: 1,
    max: 1e6,
  },
  responseBytes: {
    value: 650,
    why: "measured: 639 and 659 bytes (status line, headers, body) for /api/foo and /api/bar from the local service",
    min: 1,
    max: 1e9,
  },
  logBytesPerRequest: {
    value: 230,
    why: "measured: the service's one line per request is 218 bytes locally; a container's 12-character hostname adds 10",
    min: 0,
    max: 1e6,
  },
  requestsPerConnection: {
    value: 1,
    why: "assumed: clients without keep-alive, the costliest case for load balancer capacity units and flow logs",
    min: 1,
    max: 1e6,
  },
  spotDiscount: {
    value: 0,
    why: "Spot prices change hourly and are not in the table; 0 prices Spot at the on-demand rate, the most AWS charges (the group sets no maximum price)",
    min: 0,
    max: 1,
  },
  imageMb: {
    value: 100,
    why: "assumed: a Node slim base and production dependencies; images share layers, so retained images × size overstates storage",
    min: 0,
    max: 1e6,
  },
  lambdaInvocationsPerMonth: {
    value: 0,
    why: "the program has no function on a request path or a schedule",
    min: 0,
    max: 1e12,
  },
};

const FLAGS: Readonly<Record<UsageKey, { flag: string; label: string }>> = {
  requestsPerSecond: { flag: "--rps", label: "requests per second" },
  requestBytes: { flag: "--request-bytes", label: "request size, bytes" },
  responseBytes: { flag: "--response-bytes", label: "response size, bytes" },
  logBytesPerRequest: { flag: "--log-bytes-per-request", label: "log bytes per request" },
  requestsPerConnection: { flag: "--requests-per-connection", label: "requests per connection" },
  spotDiscount: { flag: "--spot-discount", label: "Spot discount (0-1)" },
  imageMb: { flag: "--image-mb", label: "image size, MB" },
  lambdaInvocationsPerMonth: {
    flag: "--lambda-invocations",
    label: "Lambda invocations per function a month",
  },
};

/**
 * Whether a scaling policy tracks the load balancer's requests per task per minute: AWS's predefined
 * ALBRequestCountPerTarget (one target group), or a customized metric summing RequestCountPerTarget over a service's
 * target groups (a managed deployment's two).
 */
function tracksRequests(policy: PlanResource): boolean {
  const config = policy.inputs.targetTrackingScalingPolicyConfiguration;
  if (config?.predefinedMetricSpecification?.predefinedMetricType === "ALBRequestCountPerTarget") return true;
  const metrics: { metricStat?: { metric?: { namespace?: string; metricName?: string } } }[] =
    config?.customizedMetricSpecification?.metrics ?? [];
  return metrics.some(
    (m) =>
      m.metricStat?.metric?.namespace === "AWS/ApplicationELB" &&
      m.metricStat.metric.metricName === "RequestCountPerTarget",
  );
}

/**
 * The request rate task autoscaling holds a service at when it runs its minimum task count: the scalable
 * target's minimum times the requests-per-task policy's target (requests per task per minute), summed over
 * services. Undefined when no service scales on requests.
 */
export function floorRequestRate(resources: PlanResource[]): { rps: number; why: string } | undefined {
  const targets = resources.filter((r) => r.type === "aws:appautoscaling/target:Target");
  const policies = resources.filter((r) => r.type === "aws:appautoscaling/policy:Policy");
  const parts: string[] = [];
  let rps = 0;
  for (const target of targets) {
    const policy = policies.find(
      (p) => p.inputs.resourceId === target.inputs.resourceId && tracksRequests(p),
    );
    const perTaskPerMinute = policy?.inputs.targetTrackingScalingPolicyConfiguration?.targetValue;
    if (typeof perTaskPerMinute !== "number" || typeof target.inputs.minCapacity !== "number") continue;
    rps += (target.inputs.minCapacity * perTaskPerMinute) / 60;
    parts.push(`${target.inputs.minCapacity} × ${perTaskPerMinute}`);
  }
  if (parts.length === 0) return undefined;
  return {
    rps: Math.round(rps * 100) / 100,
    why: `derived: the load task autoscaling holds at the minimum task count (${parts.join(" + ")} requests per task per minute, ÷ 60)`,
  };
}

/** A stack's usage and the printed reason for each value. */
export interface StackUsage {
  usage: Usage;
  assumptions: (Assumption & { key: UsageKey; overridden: boolean })[];
}

/** The stack's usage: defaults (the request rate derived from its resources), then `overrides`. */
export function stackUsage(resources: PlanResource[], overrides: Partial<Usage> = {}): StackUsage {
  const floor = floorRequestRate(resources);
  const defaults: Record<UsageKey, Omit<Assumption, "flag" | "label">> = {
    requestsPerSecond: {
      value: floor?.rps ?? 0,
      why: floor?.why ?? "no service scales on requests per target: no traffic assumed",
      min: 0,
      max: 1e9,
    },
    ...FIXED,
  };
  const assumptions = (Object.keys(FLAGS) as UsageKey[]).map((key) => {
    const overridden = overrides[key] !== undefined;
    return {
      key,
      ...FLAGS[key],
      ...defaults[key],
      value: overridden ? (overrides[key] as number) : defaults[key].value,
      why: overridden ? "set on the command line" : defaults[key].why,
      overridden,
    };
  });
  const usage = Object.fromEntries(assumptions.map((a) => [a.key, a.value])) as unknown as Usage;
  return { usage, assumptions };
}

/**
 * Usage flags from a command line (`--rps 50 --response-bytes=2048`), and the arguments left over. Every problem
 * is reported at once: an unknown flag, a missing or non-numeric value, a value out of range.
 */
export function parseUsageFlags(args: string[]): { overrides: Partial<Usage>; rest: string[] } {
  const byFlag = new Map((Object.keys(FLAGS) as UsageKey[]).map((k) => [FLAGS[k].flag, k]));
  const overrides: Partial<Usage> = {};
  const rest: string[] = [];
  const problems: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const key = byFlag.get(flag);
    if (!key) {
      rest.push(args[i]);
      continue;
    }
    const raw = inline ?? args[++i];
    const value = Number(raw);
    const { min, max } = key === "requestsPerSecond" ? { min: 0, max: 1e9 } : FIXED[key];
    if (raw === undefined || raw.trim() === "" || !Number.isFinite(value)) {
      problems.push(`${flag} needs a number`);
    } else if (value < min || value > max) {
      problems.push(`${flag} ${raw} is out of range: expected ${min} to ${max}`);
    } else overrides[key] = value;
  }
  if (problems.length) throw new Error(`usage flags: ${problems.join("; ")}`);
  return { overrides, rest };
}

/** The flags, for usage messages. */
export const USAGE_FLAGS: readonly string[] = Object.values(FLAGS).map((f) => `${f.flag} <${f.label}>`);
