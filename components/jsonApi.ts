/**
 * What the JSON API (service/) needs to run as a LoadBalancedService: its environment, built by the names and
 * bounds of the service's own contract (service/src/contract), its container health check and user, its
 * drain time, and the one thing it may do in AWS (read the documents). The timing rules tie its timeouts to
 * the load balancer's:
 * - keep-alive: the service must keep an idle connection open longer than the ALB does, or the ALB could send
 *   a request on a connection the service is closing and answer the client 502;
 * - shutdown: on SIGTERM the service finishes in-flight requests within SHUTDOWN_TIMEOUT_MS, which must exceed
 *   its request budget (REQUEST_TIMEOUT_MS), and ECS's stopTimeout must exceed that in turn.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import {
  CONTAINER_USER,
  HEALTH_PATH,
  HEALTHCHECK_COMMAND,
  VARIABLES,
  type VariableName,
} from "../service/src/contract";
import { type ArgValues, argName, checkArgs, integer, type Label, string, type ValueOf } from "./args";
import type { ContainerSpec } from "./container";
import type { SmokeCheck } from "./deployment";
import type { DocumentStore } from "./jsonBucket";

/** The path the JSON API answers health checks on (the load balancer's and the container's). */
export const JSON_API_HEALTH_PATH = HEALTH_PATH;

/** The longest request the service serves: its default request budget, in milliseconds. */
export const REQUEST_BUDGET_MS = VARIABLES.REQUEST_TIMEOUT_MS.rule.default;

/** ECS's stopTimeout ceiling for a container, in seconds (the agent's and Fargate's maximum). */
const MAX_STOP_TIMEOUT_SECONDS = 120;

/** The JSON API's own arguments: each one's default, documentation and rule. */
export const JSON_API_ARGS = {
  logLevel: string("The service's log level; `info` logs one line per request.", "info", {
    oneOf: VARIABLES.LOG_LEVEL.rule.values,
  }),
  shutdownTimeoutMs: integer(
    "Milliseconds the service takes at most to finish in-flight requests after SIGTERM.",
    20_000,
    // Above the request budget (the service refuses less), and with 10 s of exit time within stopTimeout's 120 s.
    { min: REQUEST_BUDGET_MS + 1, max: (MAX_STOP_TIMEOUT_SECONDS - 10) * 1000 },
  ),
} as const;

type Given = { [K in keyof typeof JSON_API_ARGS]?: ValueOf<(typeof JSON_API_ARGS)[K]> };

/** Seconds ECS waits after SIGTERM before SIGKILL, for a service that drains within `shutdownTimeoutMs`. */
export function stopTimeoutSeconds(shutdownTimeoutMs: number): number {
  // Ten seconds above the drain budget: the process still has to flush logs and exit after draining.
  return Math.ceil(shutdownTimeoutMs / 1000) + 10;
}

/** The service's keep-alive timeout for an ALB idle timeout: five seconds longer. */
export function keepAliveTimeoutMs(albIdleTimeoutSeconds: number): number {
  return (albIdleTimeoutSeconds + 5) * 1000;
}

/**
 * Every problem with the arguments, and with the load balancer's idle timeout as the service sees it, each
 * naming its argument through `label` (`idleTimeout` is the load balancer's).
 */
export function jsonApiArgsProblems(
  args: Given,
  idleTimeoutSeconds: number,
  label: Label = argName,
): string[] {
  const { problems } = checkArgs(JSON_API_ARGS, args, label);
  const keepAlive = VARIABLES.KEEP_ALIVE_TIMEOUT_MS.rule;
  const wanted = keepAliveTimeoutMs(idleTimeoutSeconds);
  if (wanted > keepAlive.maximum) {
    problems.push(
      `${label("idleTimeout")} = ${idleTimeoutSeconds} needs the service's keep-alive at ${wanted} ms, above its ${keepAlive.maximum} ms ceiling (KEEP_ALIVE_TIMEOUT_MS); use at most ${keepAlive.maximum / 1000 - 5}`,
    );
  }
  return problems;
}

/** What the JSON API is run with. */
export interface JsonApiArgs extends Given {
  /** Where the documents are: the bucket, the key prefix and the read policy. */
  documents: DocumentStore;
  /** The load balancer's idle timeout, in seconds. */
  idleTimeoutSeconds: number;
  /** The region of the bucket. */
  region: pulumi.Input<string>;
  /** The port the service listens on inside the container. */
  containerPort: number;
  /** The service's log level. Defaults to "info". */
  logLevel?: string;
  /** Milliseconds the service takes at most to drain after SIGTERM. Defaults to 20000. */
  shutdownTimeoutMs?: number;
}

/** A key no document may have: the smoke test's missing document (the content folder must not hold it). */
export const MISSING_KEY = "smoke-test-no-such-document_";

/**
 * What a smoke test asks of the JSON API: its health, a seeded document byte for byte (as JSON), and a missing
 * key's 404, which proves on real S3 that the task role's ListBucket lets S3 say NoSuchKey.
 */
export function jsonApiSmokeChecks(sample: { key: string; json: unknown } | undefined): SmokeCheck[] {
  return [
    { path: JSON_API_HEALTH_PATH, status: 200 },
    ...(sample ? [{ path: `/api/${sample.key}`, status: 200, json: sample.json }] : []),
    { path: `/api/${MISSING_KEY}`, status: 404 },
  ];
}

/** The container spec and the task policy of the JSON API, for a LoadBalancedService. */
export function jsonApi(args: JsonApiArgs): {
  container: ContainerSpec;
  taskPolicy: pulumi.Input<aws.iam.PolicyDocument>;
  healthCheckPath: string;
  values: ArgValues<typeof JSON_API_ARGS>;
} {
  const { values } = checkArgs(JSON_API_ARGS, args);
  // Typed by the contract's variable names: a name the service does not read fails `tsc`.
  const environment: Partial<Record<VariableName, pulumi.Input<string>>> = {
    BUCKET_NAME: args.documents.bucketName,
    KEY_PREFIX: args.documents.keyPrefix,
    AWS_REGION: args.region,
    PORT: String(args.containerPort),
    LOG_LEVEL: values.logLevel,
    KEEP_ALIVE_TIMEOUT_MS: String(keepAliveTimeoutMs(args.idleTimeoutSeconds)),
    SHUTDOWN_TIMEOUT_MS: String(values.shutdownTimeoutMs),
  };
  return {
    container: {
      environment: environment as Record<string, pulumi.Input<string>>,
      healthCheckCommand: HEALTHCHECK_COMMAND,
      user: CONTAINER_USER,
      stopTimeoutSeconds: stopTimeoutSeconds(values.shutdownTimeoutMs),
      readonlyRootFilesystem: true,
    },
    taskPolicy: args.documents.readPolicy,
    healthCheckPath: JSON_API_HEALTH_PATH,
    values,
  };
}
