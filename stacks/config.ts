/**
 * The one reader of stack configuration. `loadStackConfig()` reads every key once through Pulumi;
 * `parseStackConfig()` is the pure part the tests call directly. It applies the defaults, checks every value
 * and every rule between values by asking the components that own them (each names the config key it came
 * from), adds the rules only a stack knows (prod's high availability, the whole cluster's fit, prod deploying
 * only promoted images), and reports all problems at once, each naming the stack, the key, the value and what
 * is allowed.
 */
import * as pulumi from "@pulumi/pulumi";
import { describeAllowed, type Label, show, valueProblems } from "../components/args";
import { clusterFitProblems, type ServiceDemand } from "../components/capacity";
import {
  deploymentArgsProblems,
  isManaged,
  peakTasks,
  type ResolvedDeployment,
  resolveDeployment,
  type Strategy,
} from "../components/deployment";
import { ecsClusterArgsProblems } from "../components/ecsCluster";
import { type Architecture, type InstanceTypeInfo, instanceTypeInfo } from "../components/instanceTypes";
import { JSON_API_HEALTH_PATH, jsonApiArgsProblems } from "../components/jsonApi";
import { jsonBucketProblems } from "../components/jsonBucket";
import { loadBalancerArgsProblems } from "../components/loadBalancer";
import { monitoringArgsProblems } from "../components/monitoring";
import { networkArgsProblems } from "../components/network";
import { type ImageSource, registryArgsProblems } from "../components/registry";
import { planRoutes, type Route, routeCovers } from "../components/routing";
import { serviceArgsProblems, taskSize } from "../components/serviceArgs";
import { type ConfigKey, type KeySpec, SCHEMA } from "./schema";
import { API_SERVICE, parseServiceBlocks, type ServiceBlock } from "./services";

/** The project's config namespace, as in `Pulumi.yaml`'s `name`. */
export const PROJECT = "ecs-json-api";

/** The folder the JSON API is built from. */
export const API_BUILD_FOLDER = "service";

type ValueOf<S> = S extends { type: "integer" }
  ? number
  : S extends { type: "boolean" }
    ? boolean
    : S extends { type: "list" }
      ? string[]
      : S extends { type: "object" }
        ? Record<string, unknown>
        : string;
/** Every key's value, typed by the schema. */
export type ConfigValues = { -readonly [K in ConfigKey]: ValueOf<(typeof SCHEMA)[K]> };

/** A service the stack runs, with everything the program needs to create it. */
export interface ServicePlan {
  /** Its name: `api` for the JSON API. */
  name: string;
  /** The JSON API (its environment comes from the service contract), or any other container. */
  kind: "json-api" | "container";
  /** Where its image comes from. */
  source: ImageSource;
  /** Its LoadBalancedService arguments. */
  args: Pick<
    ServiceBlock,
    | "containerPort"
    | "cpu"
    | "memory"
    | "memoryReservation"
    | "desiredTasks"
    | "minTasks"
    | "maxTasks"
    | "cpuTargetPercent"
    | "memoryTargetPercent"
    | "requestsPerTarget"
    | "healthCheckPath"
  >;
  /** Which requests the load balancer sends it, with the rule's priority. */
  route: Route;
  /** For other services: their environment, user, drain time and data access. */
  container?: Pick<ServiceBlock, "environment" | "user" | "stopTimeoutSeconds" | "reads">;
  /** How its new revisions replace old ones. */
  deployment: ResolvedDeployment;
}

/** The stack's validated configuration. */
export interface StackConfig {
  /** The stack's name (`test`, `prod`, ...). */
  stack: string;
  /** The AWS region from `aws:region`. */
  region: string;
  /** True for the `prod` stack, which must be highly available, keep its data and deploy only releases. */
  isProd: boolean;
  /** Tags every resource carries through provider default tags. */
  tags: Record<string, string>;
  /** Every key's value, defaults applied. */
  values: ConfigValues;
  /** Facts about `instanceType`. */
  instance: InstanceTypeInfo;
  /** The services, the API first. */
  services: ServicePlan[];
  /** The images `release` names, by service. */
  release: Record<string, string>;
  /** Whether any service deploys blue-green, canary or linear (the stack then needs a test listener and hook). */
  managedDeployments: boolean;
}

/** Thrown when the stack's configuration is invalid; `problems` lists each one, prefixed with the stack. */
export class StackConfigError extends Error {
  /** Each problem, prefixed with the stack's name. */
  readonly problems: string[];

  constructor(
    /** The stack whose configuration is invalid. */
    readonly stackName: string,
    problems: string[],
  ) {
    super(
      `Invalid configuration for stack "${stackName}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${stackName}: ${p}`).join("\n"),
    );
    this.name = "StackConfigError";
    this.problems = problems.map((p) => `${stackName}: ${p}`);
  }
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** The config key a component's argument comes from, where the names differ. */
const KEY_OF: Record<string, string> = {
  idleTimeout: "albIdleTimeout",
  accessLogs: "albAccessLogs",
  cpu: "taskCpu",
  memory: "taskMemory",
  memoryReservation: "taskMemoryReservation",
};
/** The label of the flat keys: `ecs-json-api:<key>`. */
const flatKey: Label = (arg) => `${PROJECT}:${KEY_OF[arg] ?? arg}`;
/** The label of the documents bucket, whose `accessLogs` is `bucketAccessLogs`. */
const bucketKey: Label = (arg) => `${PROJECT}:${arg === "accessLogs" ? "bucketAccessLogs" : arg}`;

/** Parses one raw (string) value by its spec's type only; the components check the rest. */
function parseRaw(key: ConfigKey, spec: KeySpec, raw: string): { value?: unknown; problem?: string } {
  const bad = (expected: string) => ({
    problem: `${PROJECT}:${key} = ${JSON.stringify(raw)} is not allowed; expected ${expected}`,
  });
  switch (spec.type) {
    case "boolean":
      return raw === "true" || raw === "false" ? { value: raw === "true" } : bad(describeAllowed(spec));
    case "integer":
      return /^-?\d+$/.test(raw.trim()) ? { value: Number(raw) } : bad(describeAllowed(spec));
    case "list":
      try {
        const v = JSON.parse(raw);
        if (Array.isArray(v) && v.every((s) => typeof s === "string")) return { value: v };
      } catch {}
      return bad("a list of strings");
    case "object":
      try {
        const v = JSON.parse(raw);
        if (v !== null && typeof v === "object" && !Array.isArray(v)) return { value: v };
      } catch {}
      return bad("a map (a YAML mapping in the stack file)");
    default:
      return { value: raw };
  }
}

/** The release as a map of service to image, from its JSON; a problem when it is not one. */
function parseRelease(raw: string): { release: Record<string, string>; problem?: string } {
  if (raw === "") return { release: {} };
  try {
    const v = JSON.parse(raw);
    if (
      v !== null &&
      typeof v === "object" &&
      !Array.isArray(v) &&
      Object.values(v).every((s) => typeof s === "string")
    ) {
      return { release: v };
    }
  } catch {}
  return {
    release: {},
    problem: `${PROJECT}:release = ${show(raw)} is not a JSON object of service names to image references`,
  };
}

/**
 * Applies defaults to the raw values (as the CLI hands them over: strings, keyed without the namespace),
 * validates each key and the rules between keys, and returns the typed config. Throws a StackConfigError
 * listing every problem.
 */
export function parseStackConfig(
  stack: string,
  region: string | undefined,
  raw: Record<string, string | undefined>,
): StackConfig {
  const problems: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(SCHEMA, key)) {
      problems.push(`${PROJECT}:${key} is not a known key; known keys are listed in stacks/schema.ts`);
    }
  }
  const values = {} as Record<string, unknown>;
  const parsed = new Set<string>();
  for (const [key, spec] of Object.entries(SCHEMA) as [ConfigKey, KeySpec][]) {
    const given = raw[key];
    if (given === undefined) {
      values[key] = spec.default;
      parsed.add(key);
      continue;
    }
    const r = parseRaw(key, spec, given);
    if (r.problem) problems.push(r.problem);
    else {
      values[key] = r.value;
      parsed.add(key);
    }
  }
  if (!region) problems.push(`aws:region is not set; set it in Pulumi.${stack}.yaml (e.g. eu-west-1)`);
  else if (!REGION.test(region))
    problems.push(`aws:region = "${region}" is not an AWS region name such as eu-west-1`);
  // Keys that did not parse keep their defaults below, so every other rule is still checked.
  for (const [key, spec] of Object.entries(SCHEMA)) if (!parsed.has(key)) values[key] = spec.default;
  const v = values as ConfigValues;
  // Keys no component owns.
  const imageProblems = valueProblems("image", SCHEMA.image, v.image, flatKey);
  problems.push(...imageProblems);
  const { release, problem: releaseProblem } = parseRelease(v.release);
  if (releaseProblem) problems.push(releaseProblem);

  // Each component's rules, naming the keys its arguments came from.
  const name = `api-${stack}`;
  problems.push(
    ...networkArgsProblems(v, flatKey),
    ...jsonBucketProblems(`${name}-docs`, { ...v, accessLogs: v.bucketAccessLogs }, bucketKey).problems,
    ...ecsClusterArgsProblems(`${name}-cluster`, v, flatKey),
    ...loadBalancerArgsProblems(
      { ...v, idleTimeout: v.albIdleTimeout, accessLogs: v.albAccessLogs },
      flatKey,
    ),
    ...monitoringArgsProblems(v, flatKey),
    ...jsonApiArgsProblems(v, v.albIdleTimeout, flatKey),
    ...deploymentArgsProblems(v, flatKey),
  );
  const stackDeployment = resolveDeployment(v);
  const deploymentOf = (strategy: string): ResolvedDeployment =>
    strategy ? { ...stackDeployment, deploymentStrategy: strategy as Strategy } : stackDeployment;
  const instance = instanceTypeInfo(v.instanceType);
  const capacity = instance
    ? {
        capacity: {
          instanceType: v.instanceType,
          instance,
          minInstances: v.minInstances,
          maxInstances: v.maxInstances,
        },
      }
    : undefined;

  const apiArgs = {
    containerPort: v.containerPort,
    cpu: v.taskCpu,
    memory: v.taskMemory,
    memoryReservation: v.taskMemoryReservation,
    desiredTasks: v.desiredTasks,
    minTasks: v.minTasks,
    maxTasks: v.maxTasks,
    cpuTargetPercent: v.cpuTargetPercent,
    memoryTargetPercent: v.memoryTargetPercent,
    requestsPerTarget: v.requestsPerTarget,
    healthCheckPath: JSON_API_HEALTH_PATH,
  };
  problems.push(...serviceArgsProblems(apiArgs, capacity, flatKey));

  const servicesKey = (path: string) => `${PROJECT}:services${path ? `.${path}` : ""}`;
  const { blocks, problems: blockProblems } = parseServiceBlocks(v.services, servicesKey);
  problems.push(...blockProblems);
  for (const block of blocks) {
    const label: Label = (arg) => servicesKey(`${block.name}.${arg}`);
    problems.push(...serviceArgsProblems(block, capacity, label));
  }

  const { routes, problems: routeProblems } = planRoutes(
    {
      [API_SERVICE]: { paths: v.apiPaths, hosts: v.apiHosts },
      ...Object.fromEntries(blocks.map((b) => [b.name, { paths: b.paths, hosts: b.hosts }])),
    },
    (service, setting) =>
      service === API_SERVICE
        ? `${PROJECT}:${setting === "paths" ? "apiPaths" : "apiHosts"}`
        : servicesKey(`${service}.${setting}`),
  );
  problems.push(...routeProblems);

  const services: ServicePlan[] = [
    {
      name: API_SERVICE,
      kind: "json-api",
      source: v.image && imageProblems.length === 0 ? { image: v.image } : { build: API_BUILD_FOLDER },
      args: apiArgs,
      route: routes[API_SERVICE],
      deployment: stackDeployment,
    },
    ...blocks.map(
      (b): ServicePlan => ({
        name: b.name,
        kind: "container",
        source: b.image ? { image: b.image } : { build: b.build },
        args: b,
        route: routes[b.name],
        container: b,
        deployment: deploymentOf(b.deploymentStrategy),
      }),
    ),
  ];
  // A managed deployment smoke-tests the new revision through its own route: its health path must be on it.
  for (const s of services) {
    if (
      isManaged(s.deployment.deploymentStrategy) &&
      s.route &&
      !routeCovers(s.route, s.args.healthCheckPath)
    ) {
      const key = s.name === API_SERVICE ? flatKey("apiPaths") : servicesKey(`${s.name}.paths`);
      problems.push(
        `${key} does not route ${s.args.healthCheckPath}, the health path the ${s.deployment.deploymentStrategy} deployment's smoke test requests; add it`,
      );
    }
  }
  problems.push(
    ...registryArgsProblems(
      {
        services: Object.fromEntries(services.map((s) => [s.name, s.source])),
        architecture: v.architecture as Architecture,
        release,
        buildImages: v.buildImages,
        imageRepositoryName: v.imageRepositoryName,
      },
      flatKey,
    ),
  );

  // The whole cluster: every service's peak tasks together on maxInstances.
  if (instance) {
    const demands: ServiceDemand[] = services.map((s) => {
      const peak = peakTasks(s.args.maxTasks, s.deployment.deploymentStrategy);
      return { name: s.name, task: taskSize(s.args), peakTasks: peak.tasks, why: peak.why };
    });
    problems.push(
      ...clusterFitProblems(
        { instanceType: v.instanceType, instance, maxInstances: v.maxInstances },
        demands,
      ).map((p) => `${flatKey("maxInstances")}: ${p}`),
    );
  }

  const isProd = stack === "prod";
  if (isProd) {
    // What makes prod highly available, keeps its data and runs only what test proved; each rule names the key.
    for (const s of services) {
      if (s.args.minTasks < 2) {
        const key = s.name === API_SERVICE ? flatKey("minTasks") : servicesKey(`${s.name}.minTasks`);
        problems.push(
          `${key} = ${s.args.minTasks} must be at least 2 in prod (one task per AZ survives an AZ outage)`,
        );
      }
    }
    if (v.minInstances < 2)
      problems.push(
        `${flatKey("minInstances")} = ${v.minInstances} must be at least 2 in prod (instances in two AZs)`,
      );
    if (v.natStrategy !== "OnePerAz")
      problems.push(
        `${flatKey("natStrategy")} = "${v.natStrategy}" must be "OnePerAz" in prod (an AZ outage must not cut the others' egress)`,
      );
    if (!v.deletionProtection)
      problems.push(`${flatKey("deletionProtection")} = false is not allowed in prod; prod keeps its data`);
    if (v.buildImages)
      problems.push(
        `${flatKey("buildImages")} = true is not allowed in prod; prod deploys only images promoted from test (ecs-json-api:release)`,
      );
  }

  const unique = [...new Set(problems)];
  if (unique.length > 0) throw new StackConfigError(stack, unique);
  return {
    stack,
    region: region as string,
    isProd,
    tags: { project: PROJECT, stack },
    values: v,
    instance: instance as InstanceTypeInfo,
    services,
    release,
    managedDeployments: services.some((s) => isManaged(s.deployment.deploymentStrategy)),
  };
}

/**
 * Parses config as the CLI hands it to a program: every key namespaced (`ecs-json-api:maxTasks`, `aws:region`),
 * every value a string. Keys of other namespaces are left to their owners.
 */
export function parseCliConfig(stack: string, all: Record<string, string>): StackConfig {
  const prefix = `${PROJECT}:`;
  const raw: Record<string, string> = {};
  for (const [fullKey, value] of Object.entries(all)) {
    if (fullKey.startsWith(prefix)) raw[fullKey.slice(prefix.length)] = value;
  }
  return parseStackConfig(stack, all["aws:region"], raw);
}

/** Reads the current stack's configuration through Pulumi and validates it. The only config reader. */
export function loadStackConfig(): StackConfig {
  return parseCliConfig(pulumi.getStack(), pulumi.runtime.allConfig());
}
