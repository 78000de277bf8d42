/**
 * Every stack config key the program reads. Each key is a component's argument spec (its default, its
 * documentation and its rule live with the component), a few read by several components; the stack adds only
 * the keys no component owns (the API's prebuilt image, the release, the other services). `Pulumi.yaml`
 * declares the same keys with the same defaults for the CLI, and a test keeps the two equal.
 */
import { type ArgSpec, boolean, string } from "../components/args";
import { DEPLOYMENT_ARGS } from "../components/deployment";
import { ECS_CLUSTER_ARGS } from "../components/ecsCluster";
import { JSON_API_ARGS } from "../components/jsonApi";
import { JSON_BUCKET_ARGS } from "../components/jsonBucket";
import { LOAD_BALANCER_ARGS } from "../components/loadBalancer";
import { logRetentionDays } from "../components/logRetention";
import { MONITORING_ARGS } from "../components/monitoring";
import { NETWORK_ARGS } from "../components/network";
import { DIGEST_REFERENCE, REGISTRY_ARGS } from "../components/registry";
import { SERVICE_ARGS } from "../components/serviceArgs";

/** A list of strings, written in the stack file as a YAML list (the CLI passes it as JSON). */
export interface ListSpec {
  type: "list";
  doc: string;
  default: readonly string[];
}

/**
 * A structured value (a YAML map in the stack file). Pulumi.yaml cannot declare it: a project's config types
 * are string, integer, boolean and array (the project file schema, sdk/go/common/workspace/project.json).
 */
export interface ObjectSpec {
  type: "object";
  doc: string;
  default: Readonly<Record<string, unknown>>;
}

export type KeySpec = ArgSpec | ListSpec | ObjectSpec;

/** Every key under the project's namespace (`ecs-json-api:<key>`), grouped by what it configures. */
export const SCHEMA = {
  // Network
  vpcCidr: NETWORK_ARGS.vpcCidr,
  azCount: NETWORK_ARGS.azCount,
  natStrategy: NETWORK_ARGS.natStrategy,
  interfaceEndpoints: NETWORK_ARGS.interfaceEndpoints,
  logRetentionDays: {
    ...logRetentionDays,
    doc: "Retention of every log group and log bucket the stack creates, in days.",
  },

  // Documents bucket
  keyPrefix: JSON_BUCKET_ARGS.keyPrefix,
  contentDir: JSON_BUCKET_ARGS.contentDir,
  bucketEncryption: JSON_BUCKET_ARGS.bucketEncryption,
  noncurrentVersionDays: JSON_BUCKET_ARGS.noncurrentVersionDays,
  bucketAccessLogs: JSON_BUCKET_ARGS.accessLogs,
  deletionProtection: boolean(
    "Protect data and the load balancer from `pulumi destroy` (keep the buckets, no forceDelete).",
    false,
  ),

  // Images
  image: string(
    "A prebuilt image for the API, pinned by digest (`<repo>@sha256:<64 hex>`); empty builds or deploys a release.",
    "",
    {
      pattern: DIGEST_REFERENCE,
      patternDoc: "an image reference pinned by digest, <registry>/<repository>@sha256:<64 hex digits>",
    },
  ),
  buildImages: REGISTRY_ARGS.buildImages,
  imageRepositoryName: REGISTRY_ARGS.imageRepositoryName,
  release: string(
    'Images to deploy by service, as JSON (`{"api": "<repo>@sha256:<64 hex>"}`): a promotion or a rollback.',
    "",
  ),

  // Cluster capacity. Graviton by default: cheaper than x86 for this work, and both stacks must share one
  // architecture, because prod deploys the very image digest that test built and smoke-tested.
  architecture: ECS_CLUSTER_ARGS.architecture,
  instanceType: ECS_CLUSTER_ARGS.instanceType,
  minInstances: ECS_CLUSTER_ARGS.minInstances,
  maxInstances: ECS_CLUSTER_ARGS.maxInstances,
  spot: ECS_CLUSTER_ARGS.spot,
  targetCapacity: ECS_CLUSTER_ARGS.targetCapacity,

  // The API service
  containerPort: SERVICE_ARGS.containerPort,
  taskCpu: SERVICE_ARGS.cpu,
  taskMemory: SERVICE_ARGS.memory,
  taskMemoryReservation: SERVICE_ARGS.memoryReservation,
  desiredTasks: SERVICE_ARGS.desiredTasks,
  minTasks: SERVICE_ARGS.minTasks,
  maxTasks: SERVICE_ARGS.maxTasks,
  cpuTargetPercent: SERVICE_ARGS.cpuTargetPercent,
  memoryTargetPercent: SERVICE_ARGS.memoryTargetPercent,
  requestsPerTarget: SERVICE_ARGS.requestsPerTarget,
  logLevel: JSON_API_ARGS.logLevel,
  shutdownTimeoutMs: JSON_API_ARGS.shutdownTimeoutMs,
  apiPaths: {
    type: "list",
    doc: "Path patterns the load balancer sends to the API; empty means every path no other service takes.",
    default: [],
  },
  apiHosts: {
    type: "list",
    doc: "Host names the load balancer sends to the API; empty means any host.",
    default: [],
  },

  // How new revisions replace old ones (components/deployment.ts), for every service
  deploymentStrategy: DEPLOYMENT_ARGS.deploymentStrategy,
  bakeMinutes: DEPLOYMENT_ARGS.bakeMinutes,
  canaryPercent: DEPLOYMENT_ARGS.canaryPercent,
  canaryBakeMinutes: DEPLOYMENT_ARGS.canaryBakeMinutes,
  linearStepPercent: DEPLOYMENT_ARGS.linearStepPercent,
  linearStepBakeMinutes: DEPLOYMENT_ARGS.linearStepBakeMinutes,
  resetTrafficRouting: DEPLOYMENT_ARGS.resetTrafficRouting,

  // Load balancer
  albIdleTimeout: LOAD_BALANCER_ARGS.idleTimeout,
  albAccessLogs: LOAD_BALANCER_ARGS.accessLogs,
  certificateArn: LOAD_BALANCER_ARGS.certificateArn,
  domainName: LOAD_BALANCER_ARGS.domainName,
  hostedZoneId: LOAD_BALANCER_ARGS.hostedZoneId,
  alarmEmail: MONITORING_ARGS.alarmEmail,

  // More services on the same cluster and load balancer (stacks/services.ts)
  services: {
    type: "object",
    doc: "Other services on the same cluster and load balancer, by name (stacks/services.ts documents each setting).",
    default: {},
  },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof SCHEMA;
