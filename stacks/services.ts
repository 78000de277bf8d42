/**
 * The services a stack runs: the JSON API, configured by the stack's flat keys (as it always was), and any
 * other service in the structured key `ecs-json-api:services`, one block each:
 *
 * ```yaml
 * ecs-json-api:services:
 *   web:                        # the service's name: a lower-case letter, then letters, digits or '-'
 *     build: web                # a folder with a Dockerfile, built by the program; or image: <repo>@sha256:...
 *     containerPort: 8080
 *     healthCheckPath: /healthz
 *     paths: ["/", "/index.html"]
 *     cpu: 128
 *     memory: 128
 *     memoryReservation: 64
 *     environment: { GREETING: hello }
 *     reads: none               # or documents: read-only access to the JSON bucket
 * ```
 *
 * Every setting has the default and the rule of the LoadBalancedService argument it feeds (SERVICE_SETTINGS
 * below); a problem names the key path, e.g. `ecs-json-api:services.web.cpu = 64 is not allowed`.
 */
import { type ArgSpec, integer, string, valueProblems } from "../components/args";
import { STRATEGIES } from "../components/deployment";
import { DIGEST_REFERENCE, SERVICE_NAME } from "../components/registry";
import { SERVICE_ARGS } from "../components/serviceArgs";

/** The API's name among the services; no other service may take it. */
export const API_SERVICE = "api";

/** Settings of a service block with a spec: every LoadBalancedService argument, and the image and user. */
export const SERVICE_SETTINGS = {
  build: string(
    "Folder with the service's Dockerfile, relative to the project root; the program builds it.",
    "",
    {
      pattern: /^(?!\/)(?!.*\.\.)[A-Za-z0-9_./-]+$/,
      patternDoc: "a relative path inside the project",
    },
  ),
  image: string("A prebuilt image pinned by digest, instead of `build`.", "", {
    pattern: DIGEST_REFERENCE,
    patternDoc: "an image reference pinned by digest, <registry>/<repository>@sha256:<64 hex digits>",
  }),
  user: string("The user the container runs as, `uid:gid` (never root).", "1000:1000", {
    pattern: /^(?!0:)(?!0$)[1-9][0-9]{0,9}(:[0-9]{1,10})?$/,
    patternDoc: "a non-root numeric uid, optionally with a gid, such as 1000:1000",
  }),
  reads: string(
    "What data the service may read: `documents` (the JSON bucket, read-only) or `none`.",
    "none",
    {
      oneOf: ["none", "documents"],
    },
  ),
  stopTimeoutSeconds: integer("Seconds between SIGTERM and SIGKILL when a task stops.", 30, {
    min: 2,
    max: 120,
  }),
  deploymentStrategy: string(
    "How this service's new revisions replace old ones; empty follows the stack's deploymentStrategy.",
    "",
    { oneOf: ["", ...Object.keys(STRATEGIES)] },
  ),
  containerPort: SERVICE_ARGS.containerPort,
  cpu: SERVICE_ARGS.cpu,
  memory: SERVICE_ARGS.memory,
  memoryReservation: SERVICE_ARGS.memoryReservation,
  desiredTasks: SERVICE_ARGS.desiredTasks,
  minTasks: SERVICE_ARGS.minTasks,
  maxTasks: SERVICE_ARGS.maxTasks,
  cpuTargetPercent: SERVICE_ARGS.cpuTargetPercent,
  memoryTargetPercent: SERVICE_ARGS.memoryTargetPercent,
  requestsPerTarget: SERVICE_ARGS.requestsPerTarget,
  healthCheckPath: SERVICE_ARGS.healthCheckPath,
  deregistrationDelaySeconds: SERVICE_ARGS.deregistrationDelaySeconds,
} as const satisfies Record<string, ArgSpec>;

/** Settings of a service block that are lists or maps. */
export const SERVICE_COLLECTIONS = {
  paths:
    "Path patterns the load balancer sends to the service (`/shop/*`); empty with no hosts means every path.",
  hosts: "Host names the load balancer sends to the service; empty means any host.",
  environment:
    "Environment variables of the container, name to value (no secrets: they would be in plain text).",
} as const;

type SettingValues = {
  -readonly [K in keyof typeof SERVICE_SETTINGS]: (typeof SERVICE_SETTINGS)[K]["default"];
};

/** One service block, parsed: every setting with its default applied. */
export interface ServiceBlock extends SettingValues {
  /** The service's name. */
  name: string;
  paths: string[];
  hosts: string[];
  environment: Record<string, string>;
}

/** An environment variable name the container runtime accepts as written. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");

/**
 * Parses the `services` value (already JSON-parsed) into blocks, applying defaults; returns every problem, each
 * naming its key path through `key` (e.g. `key("web.cpu")`).
 */
export function parseServiceBlocks(
  value: unknown,
  key: (path: string) => string,
): { blocks: ServiceBlock[]; problems: string[] } {
  const problems: string[] = [];
  const blocks: ServiceBlock[] = [];
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { blocks, problems: [`${key("")} is not a map of service names to settings`] };
  }
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    const at = (setting: string) => key(`${name}.${setting}`);
    if (name === API_SERVICE) {
      problems.push(
        `${key(name)}: "${API_SERVICE}" is the JSON API, configured by the flat keys; name this service otherwise`,
      );
      continue;
    }
    if (!SERVICE_NAME.test(name)) {
      problems.push(
        `${key(name)}: "${name}" is not a service name (a lower-case letter, then up to 14 lower-case letters, digits or '-')`,
      );
      continue;
    }
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      problems.push(`${key(name)} is not a map of settings`);
      continue;
    }
    const given = raw as Record<string, unknown>;
    for (const setting of Object.keys(given)) {
      if (!Object.hasOwn(SERVICE_SETTINGS, setting) && !Object.hasOwn(SERVICE_COLLECTIONS, setting)) {
        problems.push(
          `${at(setting)} is not a service setting; settings: ${[...Object.keys(SERVICE_SETTINGS), ...Object.keys(SERVICE_COLLECTIONS)].join(", ")}`,
        );
      }
    }
    const block = { name, paths: [], hosts: [], environment: {} } as unknown as ServiceBlock;
    for (const [setting, spec] of Object.entries(SERVICE_SETTINGS) as [
      keyof typeof SERVICE_SETTINGS,
      ArgSpec,
    ][]) {
      const v = given[setting] ?? spec.default;
      problems.push(...valueProblems(setting, spec, v, at));
      (block as unknown as Record<string, unknown>)[setting] = v;
    }
    for (const list of ["paths", "hosts"] as const) {
      const v = given[list] ?? [];
      if (isStringList(v)) block[list] = v;
      else problems.push(`${at(list)} is not a list of strings`);
    }
    const env = given.environment ?? {};
    if (env === null || typeof env !== "object" || Array.isArray(env)) {
      problems.push(`${at("environment")} is not a map of variable names to values`);
    } else {
      for (const [variable, v] of Object.entries(env)) {
        if (!ENV_NAME.test(variable))
          problems.push(`${at(`environment.${variable}`)}: "${variable}" is not a variable name`);
        if (typeof v !== "string")
          problems.push(`${at(`environment.${variable}`)} is not a string; quote it`);
      }
      block.environment = env as Record<string, string>;
    }
    if (Boolean(block.build) === Boolean(block.image)) {
      problems.push(
        `${key(name)} needs exactly one of build (a folder with a Dockerfile) or image (a digest)`,
      );
    }
    blocks.push(block);
  }
  return { blocks, problems };
}
