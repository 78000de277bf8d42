/**
 * A service's container definition: one essential container, bridge networking with a dynamic host port, the
 * awslogs driver, a read-only root filesystem and an init process, typed so a misspelled key fails `tsc`.
 *
 * Stopping a task behind the ALB happens in this order: ECS deregisters the target and the ALB drains it for
 * the deregistration delay (no new requests; in-flight ones finish), then ECS sends SIGTERM, and SIGKILL after
 * `stopTimeout`. A service must finish what is left and exit within it.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** What the image needs to run, beyond its size: given by whoever knows the image. */
export interface ContainerSpec {
  /** Environment variables. Defaults to none. */
  environment?: Record<string, pulumi.Input<string>>;
  /** A health check command run inside the container (`["CMD", ...]`). Defaults to none (the ALB checks). */
  healthCheckCommand?: readonly string[];
  /** The user the process runs as, `uid:gid`; stated so a changed image cannot run as root. Defaults to the image's. */
  user?: string;
  /** Seconds between SIGTERM and SIGKILL, 2 to 120. Defaults to 30. */
  stopTimeoutSeconds?: number;
  /** Mount the root filesystem read-only. Defaults to true. */
  readonlyRootFilesystem?: boolean;
}

/** Everything the container definition is built from. */
export interface ContainerDefinitionArgs extends ContainerSpec {
  /** The container's name (the service's): the load balancer mapping and the log streams refer to it. */
  name: string;
  /** Image pinned by digest. */
  image: pulumi.Input<string>;
  /** Port the process listens on inside the container. */
  containerPort: number;
  /** CPU units reserved (1024 = one vCPU). */
  cpu: number;
  /** Hard memory limit in MiB. */
  memory: number;
  /** Soft memory limit in MiB: what ECS reserves when placing the task. */
  memoryReservation: number;
  /** Log group the awslogs driver writes to. */
  logGroupName: pulumi.Input<string>;
  /** Region of the log group. */
  region: pulumi.Input<string>;
}

/** The task's container definitions: one container. */
export function containerDefinitions(spec: ContainerDefinitionArgs): aws.ecs.ContainerDefinition[] {
  return [
    {
      name: spec.name,
      image: spec.image,
      essential: true,
      cpu: spec.cpu,
      memory: spec.memory,
      memoryReservation: spec.memoryReservation,
      // Bridge networking with host port 0: Docker picks a free ephemeral port on the instance, so several
      // tasks share one instance and the target group learns each task's port from ECS.
      portMappings: [{ containerPort: spec.containerPort, hostPort: 0, protocol: "tcp" }],
      environment: Object.entries(spec.environment ?? {}).map(([name, value]) => ({ name, value })),
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": spec.logGroupName,
          "awslogs-region": spec.region,
          "awslogs-stream-prefix": spec.name,
          // A slow CloudWatch Logs endpoint must not block the process's stdout (and so its requests): the
          // buffer absorbs bursts, and only an overflow drops lines. ECS's default, blocking, stalls writes.
          mode: "non-blocking",
          "max-buffer-size": "4m",
        },
      },
      readonlyRootFilesystem: spec.readonlyRootFilesystem ?? true,
      ...(spec.user ? { user: spec.user } : {}),
      // tini as PID 1 forwards SIGTERM to the process and reaps zombies; a process as PID 1 would ignore
      // default signals.
      linuxParameters: { initProcessEnabled: true },
      stopTimeout: spec.stopTimeoutSeconds ?? 30,
      ...(spec.healthCheckCommand
        ? {
            healthCheck: {
              command: [...spec.healthCheckCommand],
              interval: 15,
              timeout: 5,
              retries: 3,
              startPeriod: 15,
            },
          }
        : {}),
    },
  ];
}
