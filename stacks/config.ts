/**
 * The one reader of stack configuration. `loadStackConfig()` reads every key once through `pulumi.Config`;
 * `parseStackConfig()` is the pure part the tests call directly: it applies the schema's defaults, checks every
 * key and every cross-key rule, and reports all problems at once, each naming the stack, the key, the value and
 * what is allowed.
 */
import * as pulumi from "@pulumi/pulumi";
import { type Architecture, INSTANCE_TYPES, type InstanceTypeInfo, instanceTypeInfo } from "./instanceTypes";
import { type ConfigKey, type ConfigValues, type KeySpec, SCHEMA } from "./schema";

/** The project's config namespace, as in `Pulumi.yaml`'s `name`. */
export const PROJECT = "ecs-json-api";

/** The stack's validated configuration, with derived values resolved. */
export interface StackConfig extends ConfigValues {
  /** The stack's name (`test`, `prod`, ...). */
  stack: string;
  /** The AWS region from `aws:region`. */
  region: string;
  /** True for the `prod` stack, which must be highly available and keep its data. */
  isProd: boolean;
  /** The architecture typed narrowly. */
  architecture: Architecture;
  /** Facts about `instanceType` from the instance table. */
  instance: InstanceTypeInfo;
  /** Tags every resource carries through provider default tags. */
  tags: Record<string, string>;
}

/** Thrown when the stack's configuration is invalid; `problems` lists each one. */
export class StackConfigError extends Error {
  /** Each problem, prefixed with the stack's name. */
  readonly problems: string[];

  constructor(
    readonly stack: string,
    problems: string[],
  ) {
    super(
      `Invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${stack}: ${p}`).join("\n"),
    );
    this.name = "StackConfigError";
    this.problems = problems.map((p) => `${stack}: ${p}`);
  }
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

function describeAllowed(spec: KeySpec): string {
  if (spec.type === "boolean") return "true or false";
  if (spec.type === "integer") {
    if (spec.oneOf) return `one of ${spec.oneOf.join(", ")}`;
    return `a whole number from ${spec.min ?? "-inf"} to ${spec.max ?? "inf"}`;
  }
  if (spec.oneOf) return `one of ${spec.oneOf.map((v) => `"${v}"`).join(", ")}`;
  return spec.patternDoc ?? "a string";
}

/** Parses one raw (string) value against its spec; returns the value or a problem text. */
function parseValue(
  key: ConfigKey,
  spec: KeySpec,
  raw: string,
): { value?: number | boolean | string; problem?: string } {
  const bad = () => ({
    problem: `${PROJECT}:${key} = ${JSON.stringify(raw)} is not allowed; expected ${describeAllowed(spec)}`,
  });
  switch (spec.type) {
    case "boolean":
      if (raw === "true" || raw === "false") return { value: raw === "true" };
      return bad();
    case "integer": {
      if (!/^-?\d+$/.test(raw.trim())) return bad();
      const n = Number(raw);
      if (spec.oneOf && !spec.oneOf.includes(n)) return bad();
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) return bad();
      return { value: n };
    }
    case "string":
      if (spec.oneOf && !spec.oneOf.includes(raw)) return bad();
      if (spec.pattern && raw !== "" && !spec.pattern.test(raw)) return bad();
      return { value: raw };
  }
}

/** Problems with an IPv4 CIDR meant for the VPC, or none. */
export function cidrProblems(cidr: string): string[] {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return [`is not an IPv4 CIDR such as 10.0.0.0/16`];
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255)) return [`has an octet above 255`];
  const problems: string[] = [];
  if (prefix < 16 || prefix > 20) {
    problems.push(
      `has prefix /${prefix}; allowed /16 to /20 (AWS's largest VPC is /16; /20 still holds 3 AZs' subnets)`,
    );
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const hostBits = 32 - Math.min(prefix, 32);
  if (prefix <= 32 && address % 2 ** hostBits !== 0)
    problems.push(`has host bits set; the network address must end the prefix`);
  const [a, b] = octets;
  const rfc1918 = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  if (!rfc1918) problems.push(`is not in a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)`);
  return problems;
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
  const values: Record<string, number | boolean | string> = {};
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(SCHEMA, key)) {
      problems.push(`${PROJECT}:${key} is not a known key; known keys are listed in stacks/schema.ts`);
    }
  }
  for (const [key, spec] of Object.entries(SCHEMA) as [ConfigKey, KeySpec][]) {
    const given = raw[key];
    if (given === undefined) {
      values[key] = spec.default;
      continue;
    }
    const parsed = parseValue(key, spec, given);
    if (parsed.problem) problems.push(parsed.problem);
    else values[key] = parsed.value as number | boolean | string;
  }
  if (!region) problems.push(`aws:region is not set; set it in Pulumi.${stack}.yaml (e.g. eu-west-1)`);
  else if (!REGION.test(region))
    problems.push(`aws:region = "${region}" is not an AWS region name such as eu-west-1`);

  const v = values as unknown as ConfigValues;
  const has = (...keys: ConfigKey[]) => keys.every((k) => values[k] !== undefined);
  const k = (key: ConfigKey) => `${PROJECT}:${key}`;

  if (has("vpcCidr")) {
    for (const p of cidrProblems(v.vpcCidr)) problems.push(`${k("vpcCidr")} = "${v.vpcCidr}" ${p}`);
  }
  if (has("minTasks", "maxTasks") && v.maxTasks < v.minTasks) {
    problems.push(`${k("maxTasks")} = ${v.maxTasks} is below ${k("minTasks")} = ${v.minTasks}`);
  }
  if (has("minTasks", "desiredTasks") && v.desiredTasks < v.minTasks) {
    problems.push(`${k("desiredTasks")} = ${v.desiredTasks} is below ${k("minTasks")} = ${v.minTasks}`);
  }
  if (has("maxTasks", "desiredTasks") && v.desiredTasks > v.maxTasks) {
    problems.push(`${k("desiredTasks")} = ${v.desiredTasks} is above ${k("maxTasks")} = ${v.maxTasks}`);
  }
  if (has("minInstances", "maxInstances") && v.maxInstances < v.minInstances) {
    problems.push(
      `${k("maxInstances")} = ${v.maxInstances} is below ${k("minInstances")} = ${v.minInstances}`,
    );
  }
  if (has("taskMemory", "taskMemoryReservation") && v.taskMemoryReservation > v.taskMemory) {
    problems.push(
      `${k("taskMemoryReservation")} = ${v.taskMemoryReservation} is above ${k("taskMemory")} = ${v.taskMemory}; the soft limit must not exceed the hard limit`,
    );
  }
  let instance: InstanceTypeInfo | undefined;
  if (has("instanceType")) {
    instance = instanceTypeInfo(v.instanceType);
    if (!instance) {
      problems.push(
        `${k("instanceType")} = "${v.instanceType}" is not a supported instance type; supported: ${Object.keys(INSTANCE_TYPES).join(", ")}`,
      );
    } else if (has("architecture") && instance.architecture !== v.architecture) {
      problems.push(
        `${k("instanceType")} = "${v.instanceType}" is ${instance.architecture}, but ${k("architecture")} = "${v.architecture}"; the image would not run on it`,
      );
    }
  }
  if (has("hostedZoneId", "domainName") && v.hostedZoneId && !v.domainName) {
    problems.push(
      `${k("hostedZoneId")} = "${v.hostedZoneId}" is set without ${k("domainName")}; set both or neither`,
    );
  }
  if (
    has("hostedZoneId", "domainName", "certificateArn") &&
    v.domainName &&
    !v.hostedZoneId &&
    !v.certificateArn
  ) {
    problems.push(
      `${k("domainName")} = "${v.domainName}" needs ${k("hostedZoneId")} (for a DNS-validated certificate) or ${k("certificateArn")}`,
    );
  }

  const isProd = stack === "prod";
  if (isProd) {
    // What makes prod highly available and keeps its data; each rule names the key to change.
    if (has("minTasks") && v.minTasks < 2)
      problems.push(
        `${k("minTasks")} = ${v.minTasks} must be at least 2 in prod (one task per AZ survives an AZ outage)`,
      );
    if (has("minInstances") && v.minInstances < 2)
      problems.push(
        `${k("minInstances")} = ${v.minInstances} must be at least 2 in prod (instances in two AZs)`,
      );
    if (has("natStrategy") && v.natStrategy !== "OnePerAz")
      problems.push(
        `${k("natStrategy")} = "${v.natStrategy}" must be "OnePerAz" in prod (an AZ outage must not cut the others' egress)`,
      );
    if (has("deletionProtection") && !v.deletionProtection)
      problems.push(`${k("deletionProtection")} = false is not allowed in prod; prod keeps its data`);
  }

  if (problems.length > 0) throw new StackConfigError(stack, problems);
  return {
    ...v,
    stack,
    region: region as string,
    isProd,
    architecture: v.architecture as Architecture,
    instance: instance as InstanceTypeInfo,
    privateZoneName: v.privateZoneName || `internal.${stack}`,
    tags: { project: PROJECT, stack },
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

/** Reads the current stack's configuration through Pulumi and validates it. The only pulumi.Config reader. */
export function loadStackConfig(): StackConfig {
  return parseCliConfig(pulumi.getStack(), pulumi.runtime.allConfig());
}
