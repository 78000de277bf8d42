/**
 * The schema of every stack config key the program reads: type, default, allowed values and a one-line doc.
 * This file is the single source of each default; `Pulumi.yaml` declares the same keys with the same defaults
 * for the CLI, and a test keeps the two equal.
 */

/** CloudWatch Logs accepts only these retention periods (PutRetentionPolicy API). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

interface BaseSpec {
  /** One line saying what the key controls. */
  doc: string;
}
export interface IntegerSpec extends BaseSpec {
  type: "integer";
  default: number;
  min?: number;
  max?: number;
  oneOf?: readonly number[];
}
export interface BooleanSpec extends BaseSpec {
  type: "boolean";
  default: boolean;
}
export interface StringSpec extends BaseSpec {
  type: "string";
  default: string;
  oneOf?: readonly string[];
  /** A pattern the value must match (an empty value is allowed when the default is empty). */
  pattern?: RegExp;
  /** What the pattern means, for error messages. */
  patternDoc?: string;
}
export type KeySpec = IntegerSpec | BooleanSpec | StringSpec;

const int = (
  doc: string,
  def: number,
  range: Omit<IntegerSpec, "type" | "default" | "doc"> = {},
): IntegerSpec => ({
  type: "integer",
  default: def,
  doc,
  ...range,
});
const bool = (doc: string, def: boolean): BooleanSpec => ({ type: "boolean", default: def, doc });
const str = (
  doc: string,
  def: string,
  rule: Omit<StringSpec, "type" | "default" | "doc"> = {},
): StringSpec => ({
  type: "string",
  default: def,
  doc,
  ...rule,
});

/** Every key under the project's namespace (`ecs-json-api:<key>`). */
export const SCHEMA = {
  // Network
  vpcCidr: str("IPv4 CIDR of the VPC; a private (RFC 1918) /16 to /20.", "10.0.0.0/16"),
  azCount: int("Availability Zones to span; each gets a public and a private subnet.", 2, { min: 2, max: 3 }),
  natStrategy: str(
    "NAT gateways: one shared (cheap) or one per AZ (an AZ outage spares the others).",
    "Single",
    {
      oneOf: ["Single", "OnePerAz"],
    },
  ),
  interfaceEndpoints: bool(
    "Interface endpoints for ECR, CloudWatch Logs and ECS, keeping that traffic off NAT.",
    false,
  ),
  privateZoneName: str("Private Route 53 zone attached to the VPC; empty means `internal.<stack>`.", "", {
    pattern: /^(?=.{1,253}\.?$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.?$/,
    patternDoc: "a lower-case DNS name such as internal.test",
  }),
  logRetentionDays: int("Retention of every log group the stack creates, in days.", 7, {
    oneOf: LOG_RETENTION_DAYS,
  }),

  // Documents bucket
  keyPrefix: str("Prefix of the document keys in the bucket; empty or ending in `/`.", "documents/", {
    pattern: /^([A-Za-z0-9][A-Za-z0-9_.-]{0,62}\/){0,4}$/,
    patternDoc: "empty, or up to 4 path segments of letters, digits, '-', '_', '.', each ending in '/'",
  }),
  contentDir: str(
    "Folder of JSON documents seeded into the bucket, relative to the project root.",
    "content",
    {
      pattern: /^(?!\/)(?!.*\.\.)[A-Za-z0-9_./-]+$/,
      patternDoc: "a relative path inside the project",
    },
  ),
  bucketEncryption: str(
    "Default encryption of the bucket: S3-managed keys or a KMS key with bucket keys.",
    "sse-s3",
    {
      oneOf: ["sse-s3", "sse-kms"],
    },
  ),
  noncurrentVersionDays: int("Days a replaced or deleted document version is kept before it expires.", 30, {
    min: 1,
    max: 3650,
  }),
  deletionProtection: bool(
    "Protect data and the load balancer from `pulumi destroy` (keep the bucket, no forceDelete).",
    false,
  ),

  // Image
  image: str(
    "A prebuilt image to deploy by digest (`<repo>@sha256:<64 hex>`); empty builds `service/`.",
    "",
    {
      pattern:
        /^[a-z0-9]+([._-][a-z0-9]+)*(\.[a-z0-9-]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+@sha256:[a-f0-9]{64}$/,
      patternDoc: "an image reference pinned by digest, <registry>/<repository>@sha256:<64 hex digits>",
    },
  ),
  imageRetainCount: int("Tagged images the repository keeps; older ones expire.", 10, { min: 1, max: 1000 }),

  // Cluster capacity. Graviton by default: cheaper than x86 for this work, and both stacks must share one
  // architecture, because prod deploys the very image digest that test built and smoke-tested.
  architecture: str("CPU architecture of the instances and the image.", "arm64", {
    oneOf: ["x86_64", "arm64"],
  }),
  instanceType: str(
    "EC2 instance type of the container instances (see stacks/instanceTypes.ts).",
    "t4g.medium",
  ),
  minInstances: int("Fewest container instances the Auto Scaling group keeps.", 1, { min: 0, max: 100 }),
  maxInstances: int("Most container instances managed scaling may launch.", 3, { min: 1, max: 100 }),
  spot: bool(
    "Run the instances on Spot capacity (cheaper, can be reclaimed with two minutes' notice).",
    false,
  ),
  targetCapacity: int("Managed scaling's target utilisation of the instances, in percent.", 100, {
    min: 1,
    max: 100,
  }),

  // Service
  containerPort: int("Port the container listens on; the host port is dynamic.", 8080, {
    min: 1024,
    max: 65535,
  }),
  taskCpu: int("CPU units reserved per task (1024 = one vCPU).", 256, { min: 128, max: 16384 }),
  taskMemory: int("Hard memory limit per task, in MiB; the container is killed above it.", 512, {
    min: 128,
    max: 65536,
  }),
  taskMemoryReservation: int("Memory reserved per task for placement, in MiB (the soft limit).", 256, {
    min: 64,
    max: 65536,
  }),
  desiredTasks: int("Tasks running after a deploy, before autoscaling adjusts.", 2, { min: 1, max: 1000 }),
  minTasks: int("Fewest tasks autoscaling keeps.", 1, { min: 1, max: 1000 }),
  maxTasks: int("Most tasks autoscaling may run.", 6, { min: 1, max: 1000 }),
  cpuTargetPercent: int("Average service CPU that task autoscaling tracks, in percent.", 60, {
    min: 10,
    max: 90,
  }),
  requestsPerTarget: int("ALB requests per task per minute that task autoscaling tracks.", 1000, {
    min: 10,
    max: 1000000,
  }),
  albIdleTimeout: int(
    "Seconds the ALB keeps an idle connection; the service's keep-alive is set above it.",
    60,
    // The ALB allows up to 4000 s, but the service's keep-alive (this + 5 s) is capped at 3600 s.
    {
      min: 15,
      max: 3595,
    },
  ),
  albAccessLogs: bool("Write ALB access logs to a dedicated, locked-down bucket.", false),
  certificateArn: str(
    "ACM certificate for HTTPS on 443; empty serves HTTP on 80 unless domainName is set.",
    "",
    {
      pattern: /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
      patternDoc: "an ACM certificate ARN",
    },
  ),
  domainName: str(
    "Public DNS name of the API; with hostedZoneId, gets a DNS-validated certificate and an alias.",
    "",
    {
      pattern: /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      patternDoc: "a lower-case DNS name such as api.example.com",
    },
  ),
  hostedZoneId: str("Public Route 53 hosted zone that holds domainName.", "", {
    pattern: /^Z[A-Z0-9]{1,31}$/,
    patternDoc: "a Route 53 hosted zone id such as Z0123456789ABC",
  }),
  alarmEmail: str("E-mail address subscribed to the alarm topic; empty subscribes nobody.", "", {
    pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
    patternDoc: "an e-mail address",
  }),
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof SCHEMA;

type ValueOf<S> = S extends IntegerSpec ? number : S extends BooleanSpec ? boolean : string;
/** The raw values of every key, typed by the schema. */
export type ConfigValues = { -readonly [K in ConfigKey]: ValueOf<(typeof SCHEMA)[K]> };
