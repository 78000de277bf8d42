/**
 * The API's container definition and the timing rules that tie the service's timeouts to the load balancer's.
 *
 * Stopping a task behind the ALB happens in this order: ECS deregisters the target and the ALB drains it for
 * the deregistration delay (no new requests; in-flight ones finish), then ECS sends SIGTERM, the service closes
 * its idle keep-alive connections and finishes what is left within SHUTDOWN_TIMEOUT_MS, and ECS sends SIGKILL
 * after `stopTimeout`. Each step must be longer than what it waits for.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { CONTAINER_USER, HEALTHCHECK_COMMAND } from "../service/src/contract";

/** Name of the one container in the task; the service's load balancer mapping refers to it. */
export const CONTAINER_NAME = "api";

/**
 * Seconds the ALB drains a deregistered target. The longest request the service serves is bounded by its S3
 * budget (about 10 s: the SDK's timeouts and retries); 15 s lets that finish with margin, where the 300 s
 * default would make every deploy and scale-in wait five minutes per batch.
 */
export const DEREGISTRATION_DELAY_SECONDS = 15;

/** Seconds ECS waits after SIGTERM before SIGKILL, for a service that drains within `shutdownTimeoutMs`. */
export function stopTimeoutSeconds(shutdownTimeoutMs: number): number {
  // Ten seconds above the drain budget: the process still has to flush logs and exit after draining.
  return Math.ceil(shutdownTimeoutMs / 1000) + 10;
}

/**
 * The service's keep-alive timeout for an ALB idle timeout. It must exceed the ALB's: if the service closed
 * an idle connection first, the ALB could send a request on it as it closes and answer the client with a 502.
 */
export function keepAliveTimeoutMs(albIdleTimeoutSeconds: number): number {
  return (albIdleTimeoutSeconds + 5) * 1000;
}

/** What the container definition is built from. */
export interface ApiContainerSpec {
  /** Image pinned by digest. */
  imageRef: pulumi.Input<string>;
  /** Port the service listens on inside the container. */
  containerPort: number;
  /** CPU units reserved (1024 = one vCPU). */
  cpu: number;
  /** Hard memory limit in MiB. */
  memory: number;
  /** Soft memory limit in MiB: what ECS reserves when placing the task. */
  memoryReservation: number;
  /** Log group the awslogs driver writes to. */
  logGroupName: pulumi.Input<string>;
  /** Region of the log group and the bucket. */
  region: string;
  /** Bucket holding the documents. */
  bucketName: pulumi.Input<string>;
  /** Prefix of the document keys. */
  keyPrefix: pulumi.Input<string>;
  /** The service's log level. */
  logLevel: string;
  /** ALB idle timeout in seconds; the keep-alive timeout is derived from it. */
  albIdleTimeout: number;
  /** Milliseconds the service takes at most to drain after SIGTERM. */
  shutdownTimeoutMs: number;
}

/** The task's container definitions: one container, typed so a misspelled key fails `tsc`. */
export function apiContainerDefinitions(spec: ApiContainerSpec): aws.ecs.ContainerDefinition[] {
  return [
    {
      name: CONTAINER_NAME,
      image: spec.imageRef,
      essential: true,
      cpu: spec.cpu,
      memory: spec.memory,
      memoryReservation: spec.memoryReservation,
      // Bridge networking with host port 0: Docker picks a free ephemeral port on the instance, so several
      // tasks share one instance and the target group learns each task's port from ECS.
      portMappings: [{ containerPort: spec.containerPort, hostPort: 0, protocol: "tcp" }],
      environment: [
        { name: "BUCKET_NAME", value: spec.bucketName },
        { name: "KEY_PREFIX", value: spec.keyPrefix },
        { name: "AWS_REGION", value: spec.region },
        { name: "PORT", value: String(spec.containerPort) },
        { name: "LOG_LEVEL", value: spec.logLevel },
        { name: "KEEP_ALIVE_TIMEOUT_MS", value: String(keepAliveTimeoutMs(spec.albIdleTimeout)) },
        { name: "SHUTDOWN_TIMEOUT_MS", value: String(spec.shutdownTimeoutMs) },
      ],
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": spec.logGroupName,
          "awslogs-region": spec.region,
          "awslogs-stream-prefix": CONTAINER_NAME,
          // A slow CloudWatch Logs endpoint must not block the service's stdout (and so its requests);
          // the buffer absorbs bursts, and only an overflow drops lines.
          mode: "non-blocking",
          "max-buffer-size": "4m",
        },
      },
      readonlyRootFilesystem: true,
      // The image's non-root user (node, uid 1000), stated here too so a changed image cannot run as root.
      user: CONTAINER_USER,
      // tini as PID 1 forwards SIGTERM to node and reaps zombies; node as PID 1 would ignore default signals.
      linuxParameters: { initProcessEnabled: true },
      stopTimeout: stopTimeoutSeconds(spec.shutdownTimeoutMs),
      // The slim image has no curl, so the check is a small node script hitting /healthz on localhost.
      healthCheck: {
        command: [...HEALTHCHECK_COMMAND],
        interval: 15,
        timeout: 5,
        retries: 3,
        startPeriod: 15,
      },
    },
  ];
}
