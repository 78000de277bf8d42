/**
 * How a service's new revision replaces the old one, with ECS's own deployment strategies (ECS developer guide,
 * "Amazon ECS blue/green deployments", "canary deployments", "linear deployments"):
 * - `rolling`: new tasks replace old ones in the one target group, guarded by the circuit breaker; a release
 *   that starts and passes health checks reaches every task.
 * - `blue-green`: the new revision starts in full in a second target group, gets test traffic first (a
 *   lifecycle hook smoke-tests it through the load balancer's test listener), then all production traffic at
 *   once, and the old one stays for `bakeMinutes` to roll back to.
 * - `canary`: the same, but `canaryPercent` of production traffic first for `canaryBakeMinutes`, then the rest.
 * - `linear`: production traffic in steps of `linearStepPercent`, `linearStepBakeMinutes` apart.
 * Every strategy keeps the circuit breaker (tasks that fail to start or fail health checks), and the three
 * managed ones add alarm-based rollback: a release whose 5xx rate or p99 latency alarms while traffic shifts or
 * bakes is rolled back by ECS.
 *
 * The managed strategies run both revisions in full at once: ECS scales the new one to the full desired count
 * before shifting traffic ("SCALE_UP"), so the capacity check counts twice the service's peak.
 */
import type * as pulumi from "@pulumi/pulumi";
import { RELEASE_ALARM_MINUTES } from "./alarms";
import {
  type ArgValues,
  argName,
  boolean,
  checkArgs,
  integer,
  type Label,
  string,
  type ValueOf,
} from "./args";

/** The strategies, as config names them, and as ECS does. */
export const STRATEGIES = {
  rolling: "ROLLING",
  "blue-green": "BLUE_GREEN",
  canary: "CANARY",
  linear: "LINEAR",
} as const;
export type Strategy = keyof typeof STRATEGIES;

/** The deployment arguments: each one's default, documentation and rule (ranges from the ECS API reference). */
export const DEPLOYMENT_ARGS = {
  deploymentStrategy: string(
    "How a new revision replaces the old: rolling, blue-green, canary or linear (the last three roll back on alarms).",
    "rolling",
    { oneOf: Object.keys(STRATEGIES) },
  ),
  bakeMinutes: integer(
    "Minutes the old revision stays after all traffic moved, to roll back to (blue-green, canary, linear).",
    10,
    // ECS DeploymentConfiguration bakeTimeInMinutes: 0-1440.
    { min: 0, max: 1440 },
  ),
  canaryPercent: integer("Percent of production traffic the canary gets first.", 10, {
    // ECS CanaryConfiguration canaryPercent: 0.1-100 in steps of 0.1; whole percents here.
    min: 1,
    max: 100,
  }),
  canaryBakeMinutes: integer("Minutes the canary serves its share before the rest of the traffic moves.", 5, {
    min: 0,
    max: 1440,
  }),
  linearStepPercent: integer("Percent of production traffic each linear step moves.", 10, {
    // ECS LinearConfiguration stepPercent: 3.0-100 in steps of 0.1.
    min: 3,
    max: 100,
  }),
  linearStepBakeMinutes: integer("Minutes between linear steps.", 6, { min: 0, max: 1440 }),
  resetTrafficRouting: boolean(
    "For one up: write the listener rules' actions and the services' target groups as declared, which ECS owns under a managed strategy; set it to switch a service between rolling and a managed strategy.",
    false,
  ),
} as const;

type Given = { [K in keyof typeof DEPLOYMENT_ARGS]?: ValueOf<(typeof DEPLOYMENT_ARGS)[K]> };
export type DeploymentArgs = Given;
export type ResolvedDeployment = ArgValues<typeof DEPLOYMENT_ARGS> & { deploymentStrategy: Strategy };

/** Every problem with the deployment arguments, each naming its argument through `label`. */
export function deploymentArgsProblems(args: Given, label: Label = argName): string[] {
  const { problems, values } = checkArgs(DEPLOYMENT_ARGS, args, label);
  if (
    problems.length === 0 &&
    isManaged(values.deploymentStrategy as Strategy) &&
    values.bakeMinutes < RELEASE_ALARM_MINUTES
  ) {
    problems.push(
      `${label("bakeMinutes")} = ${values.bakeMinutes} ends a ${values.deploymentStrategy} deployment before its release alarms can fire (they need ${RELEASE_ALARM_MINUTES} minutes of production traffic), so a bad release is never rolled back; use at least ${RELEASE_ALARM_MINUTES}`,
    );
  }
  return problems;
}

/** The arguments with defaults applied (after deploymentArgsProblems found none). */
export function resolveDeployment(args: Given): ResolvedDeployment {
  const { values } = checkArgs(DEPLOYMENT_ARGS, args);
  return { ...values, deploymentStrategy: values.deploymentStrategy as Strategy };
}

/** Whether ECS manages the traffic shift (two target groups, test listener, hook, alarm rollback). */
export function isManaged(strategy: Strategy): boolean {
  return strategy !== "rolling";
}

/**
 * The most tasks a service runs at once: its maxTasks, plus what a deployment adds. A rolling deploy at full
 * scale starts one task before it stops one (minimum healthy 100%); a managed deploy runs the new revision in
 * full beside the old one.
 */
export function peakTasks(maxTasks: number, strategy: Strategy): { tasks: number; why: string } {
  return isManaged(strategy)
    ? {
        tasks: 2 * maxTasks,
        why: `maxTasks ${maxTasks} twice: a ${strategy} deploy runs both revisions in full`,
      }
    : { tasks: maxTasks + 1, why: `maxTasks ${maxTasks} + 1 for a rolling deploy` };
}

/** One lifecycle hook: a Lambda function ECS invokes, with the role ECS invokes it as, and its parameters. */
export interface LifecycleHook {
  /** The function's ARN. */
  functionArn: pulumi.Input<string>;
  /** The role ECS assumes to invoke it. */
  roleArn: pulumi.Input<string>;
  /** What the function receives as `hookDetails`, as JSON. */
  details: pulumi.Input<string>;
}

/**
 * The ECS service's `deploymentConfiguration` for the strategy; the smoke test runs once test traffic reaches
 * the new revision and before any production traffic does (POST_TEST_TRAFFIC_SHIFT).
 */
export function deploymentConfiguration(d: ResolvedDeployment, hook: LifecycleHook | undefined) {
  if (!isManaged(d.deploymentStrategy)) return { strategy: STRATEGIES.rolling };
  return {
    strategy: STRATEGIES[d.deploymentStrategy],
    // The provider takes the minutes as strings.
    bakeTimeInMinutes: String(d.bakeMinutes),
    ...(d.deploymentStrategy === "canary"
      ? {
          canaryConfiguration: {
            canaryPercent: d.canaryPercent,
            canaryBakeTimeInMinutes: String(d.canaryBakeMinutes),
          },
        }
      : {}),
    ...(d.deploymentStrategy === "linear"
      ? {
          linearConfiguration: {
            stepPercent: d.linearStepPercent,
            stepBakeTimeInMinutes: String(d.linearStepBakeMinutes),
          },
        }
      : {}),
    ...(hook
      ? {
          lifecycleHooks: [
            {
              targetType: "AWS_LAMBDA",
              hookTargetArn: hook.functionArn,
              roleArn: hook.roleArn,
              lifecycleStages: ["POST_TEST_TRAFFIC_SHIFT"],
              hookDetails: hook.details,
            },
          ],
        }
      : {}),
  };
}

/**
 * How long a deployment may take before `pulumi up` gives up waiting for it: the tasks' start, the hook, the
 * canary or the linear steps, the bake, and the old revision's draining, with room to spare.
 */
export function deploymentTimeoutMinutes(d: ResolvedDeployment): number {
  const start = 20;
  if (!isManaged(d.deploymentStrategy)) return start;
  const shifting =
    d.deploymentStrategy === "canary"
      ? d.canaryBakeMinutes
      : d.deploymentStrategy === "linear"
        ? Math.ceil(100 / d.linearStepPercent) * d.linearStepBakeMinutes
        : 0;
  return start + shifting + d.bakeMinutes + 10;
}

/** One request the pre-traffic smoke test makes, and what it must answer (hooks/smokeTest.ts reads these). */
export interface SmokeCheck {
  /** The path, e.g. `/api/foo`. */
  path: string;
  /** The status it must answer. */
  status: number;
  /** The JSON value the body must hold, when given. */
  json?: unknown;
}

/** The hook a service's managed deployments call, and the checks it runs for the service. */
export interface SmokeTestHook {
  /** The hook function's ARN. */
  functionArn: pulumi.Input<string>;
  /** The role ECS invokes it with. */
  invokeRoleArn: pulumi.Input<string>;
  /** The checks, in order. */
  checks: SmokeCheck[];
}

/** The hook's details for a service: where its test route is, and what to check there (as JSON). */
export function hookDetails(args: {
  loadBalancerArnSuffix: string;
  testListenerPort: number;
  https: boolean;
  host: string;
  checks: SmokeCheck[];
}): string {
  return JSON.stringify({
    loadBalancer: args.loadBalancerArnSuffix,
    port: args.testListenerPort,
    protocol: args.https ? "https" : "http",
    host: args.host,
    checks: args.checks,
  });
}
