/**
 * S3 and ECR: the documents bucket (its objects, and the GETs the tasks make to revalidate their cache), the
 * access-log bucket (the load balancer's log lines at the bucket's expiration, and the files it writes), server
 * access logging, and the container images a repository keeps.
 */
import type { PlanResource } from "../../plan/architecture";
import {
  ALB_LOG_FILES_PER_NODE_HOUR,
  GB,
  HOURS_PER_MONTH,
  lineBytes,
  S3_ACCESS_LOG_EXAMPLE,
  SECONDS_PER_MONTH,
} from "../facts";
import { type Context, charge, estimate, type LineItem, monthsOf, range, span } from "../lineItems";
import {
  accessLogGb,
  cacheTtlSeconds,
  containersOf,
  envOf,
  mentions,
  ofType,
  type Range,
  serviceTasks,
} from "../traffic";

const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const bucketName = (b: PlanResource): string | undefined => b.state.bucket ?? b.inputs.bucket;

/** Days after which the bucket's lifecycle expires current objects, if it does. */
function expirationDays(bucket: PlanResource, resources: PlanResource[]): number | undefined {
  const days = ofType(
    resources,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
  )
    .filter((c) => c.inputs.bucket === bucketName(bucket))
    .flatMap((c) => c.inputs.rules ?? [])
    .filter((rule: { status?: string }) => rule.status === "Enabled")
    .map((rule: { expiration?: { days?: number } }) => rule.expiration?.days)
    .filter((d: unknown): d is number => typeof d === "number");
  return days.length ? Math.min(...days) : undefined;
}

/**
 * GETs a month the tasks make to a bucket they read (BUCKET_NAME): each task revalidates each document at most
 * once per cache TTL, and never more often than requests arrive.
 */
export function bucketReads(bucket: PlanResource, ctx: Context): Range {
  const objects = ofType(
    ctx.resources,
    "aws:s3/bucketObjectv2:BucketObjectv2",
    "aws:s3/bucketObject:BucketObject",
  ).filter((o) => o.inputs.bucket === bucketName(bucket)).length;
  const services = serviceTasks(ctx.resources);
  const reads = range(0);
  for (const s of services) {
    const container = (s.taskDefinition ? containersOf(s.taskDefinition) : []).find(
      (c) => envOf(c, "BUCKET_NAME") === bucketName(bucket),
    );
    if (!container) continue;
    const requests = ctx.traffic.requestsPerMonth / services.length;
    const ttl = cacheTtlSeconds(container);
    const perTask = ttl > 0 ? (objects * SECONDS_PER_MONTH) / ttl : Number.POSITIVE_INFINITY;
    reads.min += Math.min(requests, s.tasks.min * perTask);
    reads.max += Math.min(requests, s.tasks.max * perTask);
  }
  return reads;
}

/** A bucket: the documents it holds and the reads they get; or the load balancer access logs it receives. */
export const bucket = estimate(
  "documents: objects (at most a response's size each) and the tasks' cache revalidation GETs; access logs: log lines stored until expiration and the files written",
  (b, ctx) => {
    const items: LineItem[] = [];
    const objects = ofType(
      ctx.resources,
      "aws:s3/bucketObjectv2:BucketObjectv2",
      "aws:s3/bucketObject:BucketObject",
    ).filter((o) => o.inputs.bucket === bucketName(b)).length;
    if (objects > 0) {
      const gb = (objects * ctx.usage.responseBytes) / GB;
      items.push(
        charge(
          ctx,
          b,
          "S3 storage",
          `${objects} objects, at most a response's size each`,
          gb,
          "s3StandardGbMonth",
        ),
      );
    }
    const reads = bucketReads(b, ctx);
    if (reads.max > 0) {
      items.push(
        charge(
          ctx,
          b,
          "S3 GET requests",
          `${span(reads)} revalidations of the tasks' cache`,
          reads,
          "s3GetRequest",
        ),
      );
    }
    const lbs = ofType(
      ctx.resources,
      "aws:lb/loadBalancer:LoadBalancer",
      "aws:alb/loadBalancer:LoadBalancer",
    );
    for (const lb of lbs.filter(
      (l) => l.inputs.accessLogs?.enabled && mentions(l.inputs.accessLogs.bucket, b),
    )) {
      const monthly = accessLogGb(ctx.traffic) / lbs.length;
      const days = expirationDays(b, ctx.resources);
      const stored = monthly * (days ? monthsOf(days) : 1);
      const kept = days ? `kept ${days} days` : "never expire: grows by this every month";
      items.push(
        charge(
          ctx,
          b,
          "S3 storage of access logs",
          `${stored.toFixed(2)} GB of ${lb.name}'s log lines, ${kept}`,
          stored,
          "s3StandardGbMonth",
        ),
      );
      const nodes = (lb.inputs.subnets ?? []).length || 2;
      const files = nodes * ALB_LOG_FILES_PER_NODE_HOUR * HOURS_PER_MONTH;
      items.push(
        charge(
          ctx,
          b,
          "S3 PUT requests of access logs",
          `${nodes} nodes × a file every 5 min`,
          files,
          "s3PutRequest",
        ),
      );
    }
    return items;
  },
);

/** Server access logging: one record per request to the source bucket, stored in the target bucket. */
export const bucketLogging = estimate(
  "one record per request to the logged bucket, stored in the target bucket until its expiration",
  (logging, ctx) => {
    const buckets = ofType(ctx.resources, ...BUCKET_TYPES);
    const source = buckets.find((b) => bucketName(b) === logging.inputs.bucket);
    const target = buckets.find((b) => bucketName(b) === logging.inputs.targetBucket);
    const reads = source ? bucketReads(source, ctx) : range(0);
    const days = target ? expirationDays(target, ctx.resources) : undefined;
    const months = days ? monthsOf(days) : 1;
    const bytes = lineBytes(S3_ACCESS_LOG_EXAMPLE);
    const gb = { min: (reads.min * bytes * months) / GB, max: (reads.max * bytes * months) / GB };
    const kept = days ? `kept ${days} days` : "never expire: grows by this every month";
    return [
      charge(
        ctx,
        logging,
        "S3 storage of server access logs",
        `${span(reads)} records, ${kept}`,
        gb,
        "s3StandardGbMonth",
      ),
    ];
  },
);

/** Images a repository keeps: its lifecycle policy's count, at the assumed image size. */
export const repository = estimate(
  "retained images (the lifecycle policy's count) × the assumed image size",
  (repo, ctx) => {
    const policy = ofType(ctx.resources, "aws:ecr/lifecyclePolicy:LifecyclePolicy").find((p) =>
      mentions(p.inputs.repository, repo),
    );
    let images = 1;
    let why = "no lifecycle policy: 1 assumed";
    try {
      const rules: { selection?: { countType?: string; countNumber?: number } }[] =
        JSON.parse(policy?.inputs.policy ?? "{}").rules ?? [];
      const kept = rules.find((r) => r.selection?.countType === "imageCountMoreThan")?.selection?.countNumber;
      if (typeof kept === "number") {
        images = kept;
        why = "the lifecycle policy's count";
      }
    } catch {
      // An unreadable policy keeps the one-image assumption.
    }
    const gb = (images * ctx.usage.imageMb) / 1024;
    const detail = `${images} images (${why}) × ${ctx.usage.imageMb} MB`;
    return [charge(ctx, repo, "ECR storage", detail, gb, "ecrGbMonth")];
  },
);
