/**
 * S3 buckets. Since AWS provider v4 a bucket's settings are separate resources (public access block,
 * encryption, versioning, policy, ownership controls), so these are stack policies that find each bucket's
 * companions through their `bucket` property. The deprecated inline settings on the bucket count too.
 */
import * as aws from "@pulumi/aws";
import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import {
  asArray,
  controls,
  isProdUrn,
  PROD_STACKS_CONFIG,
  type ResourceClass,
  referenced,
  resourcesOf,
  type Statement,
  statementsOf,
} from "./common";

const BUCKETS = [aws.s3.Bucket, aws.s3.BucketV2];

/** Each bucket with the companion resources of the given classes that refer to it. */
function bucketsWith(
  args: StackValidationArgs,
  ...companionClasses: ResourceClass[]
): { bucket: PolicyResource; companions: PolicyResource[] }[] {
  const companions = resourcesOf(args, ...companionClasses);
  return resourcesOf(args, ...BUCKETS).map((bucket) => ({
    bucket,
    companions: companions.filter((c) => referenced(c, "bucket", [bucket]).length > 0),
  }));
}

const PUBLIC_ACCESS_FLAGS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
];

export const publicAccessBlock: StackValidationPolicy = {
  name: "s3-public-access-block",
  description: "Every bucket has a public access block with all four flags on.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: controls("S3.8", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"),
  validateStack: (args, report) => {
    for (const { bucket, companions } of bucketsWith(args, aws.s3.BucketPublicAccessBlock)) {
      if (companions.length === 0) report(`${bucket.name}: no public access block`, bucket.urn);
      for (const pab of companions) {
        const off = PUBLIC_ACCESS_FLAGS.filter((f) => pab.props[f] !== true);
        if (off.length > 0)
          report(`${bucket.name}: public access block leaves ${off.join(", ")} off`, pab.urn);
      }
    }
  },
};

const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GROUPS = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;

/** True for `"*"` and `{ AWS: "*" }`: anyone. */
function isAnyone(principal: unknown): boolean {
  if (principal === "*") return true;
  const aws = (principal as { AWS?: unknown } | undefined)?.AWS;
  return asArray(aws as string | string[]).includes("*");
}

/** The statements of the bucket's policy documents (companion BucketPolicy resources and the inline policy). */
function bucketStatements(bucket: PolicyResource, policies: PolicyResource[]): Statement[] {
  return [bucket.props.policy, ...policies.map((p) => p.props.policy)]
    .filter((d) => d !== undefined && d !== null && d !== "")
    .flatMap((d) => statementsOf(d) ?? []);
}

export const noPublicGrants: StackValidationPolicy = {
  name: "s3-no-public-grants",
  description:
    "No bucket grants public read or write: no public canned ACL or ACL grant, no policy statement allowing " +
    "anyone without a condition.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: controls("S3.2", "S3.3"),
  validateStack: (args, report) => {
    for (const { bucket, companions } of bucketsWith(args, aws.s3.BucketPolicy, aws.s3.BucketAcl)) {
      const acls = [bucket, ...companions.filter((c) => c.isType(aws.s3.BucketAcl))];
      for (const r of acls) {
        if (PUBLIC_ACLS.includes(r.props.acl))
          report(`${bucket.name}: canned ACL "${r.props.acl}" is public`, r.urn);
        if (PUBLIC_GROUPS.test(JSON.stringify(r.props.grants ?? r.props.accessControlPolicy ?? ""))) {
          report(`${bucket.name}: an ACL grant names a public group`, r.urn);
        }
      }
      const policies = companions.filter((c) => c.isType(aws.s3.BucketPolicy));
      for (const s of bucketStatements(bucket, policies)) {
        if (s.effect === "Allow" && isAnyone(s.principal) && Object.keys(s.condition).length === 0) {
          report(`${bucket.name}: policy statement ${s.sid ?? "(no Sid)"} allows anyone`, bucket.urn);
        }
      }
    }
  },
};

const ENCRYPTION_ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"];

export const encryption: StackValidationPolicy = {
  name: "s3-encryption",
  description: "Every bucket declares default server-side encryption (SSE-S3 or SSE-KMS).",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("CKV_AWS_19"),
  validateStack: (args, report) => {
    const classes = [
      aws.s3.BucketServerSideEncryptionConfiguration,
      aws.s3.BucketServerSideEncryptionConfigurationV2,
    ];
    for (const { bucket, companions } of bucketsWith(args, ...classes)) {
      const rules = [
        bucket.props.serverSideEncryptionConfiguration?.rule,
        ...companions.flatMap((c) => asArray(c.props.rules)),
      ];
      const ok = rules.some((r) =>
        ENCRYPTION_ALGORITHMS.includes(r?.applyServerSideEncryptionByDefault?.sseAlgorithm),
      );
      if (!ok) report(`${bucket.name}: no default server-side encryption configuration`, bucket.urn);
    }
  },
};

export const versioning: StackValidationPolicy = {
  name: "s3-versioning",
  description: "Every bucket has versioning enabled, so an overwritten or deleted object can be recovered.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("S3.14", "CKV_AWS_21"),
  validateStack: (args, report) => {
    for (const { bucket, companions } of bucketsWith(
      args,
      aws.s3.BucketVersioning,
      aws.s3.BucketVersioningV2,
    )) {
      const enabled =
        bucket.props.versioning?.enabled === true ||
        companions.some((c) => c.props.versioningConfiguration?.status === "Enabled");
      if (!enabled) report(`${bucket.name}: versioning is not enabled`, bucket.urn);
    }
  },
};

/** True for a statement denying every S3 action to anyone over plain HTTP. */
function deniesInsecureTransport(s: Statement): boolean {
  const secure = s.condition.Bool?.["aws:SecureTransport"];
  return (
    s.effect === "Deny" &&
    isAnyone(s.principal) &&
    s.actions.some((a) => a === "s3:*" || a === "*") &&
    (secure === false || secure === "false")
  );
}

export const tlsOnly: StackValidationPolicy = {
  name: "s3-tls-only",
  description:
    "Every bucket's policy denies all S3 actions on the bucket and its objects when aws:SecureTransport is false.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("S3.5"),
  validateStack: (args, report) => {
    for (const { bucket, companions } of bucketsWith(args, aws.s3.BucketPolicy)) {
      const denials = bucketStatements(bucket, companions).filter(deniesInsecureTransport);
      if (denials.length === 0) {
        report(`${bucket.name}: no policy statement denies requests without TLS`, bucket.urn);
        continue;
      }
      const arn = bucket.props.arn;
      if (typeof arn !== "string") continue;
      const covered = denials.flatMap((s) => s.resources);
      for (const needed of [arn, `${arn}/*`]) {
        if (!covered.includes(needed))
          report(`${bucket.name}: the TLS-only denial does not cover ${needed}`, bucket.urn);
      }
    }
  },
};

export const ownerEnforced: StackValidationPolicy = {
  name: "s3-bucket-owner-enforced",
  description: "Every bucket disables ACLs through ownership controls set to BucketOwnerEnforced.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("S3.12", "CKV2_AWS_65"),
  validateStack: (args, report) => {
    for (const { bucket, companions } of bucketsWith(args, aws.s3.BucketOwnershipControls)) {
      if (!companions.some((c) => c.props.rule?.objectOwnership === "BucketOwnerEnforced")) {
        report(`${bucket.name}: object ownership is not BucketOwnerEnforced`, bucket.urn);
      }
    }
  },
};

/**
 * True for a bucket that receives logs: the target of an S3 server access log configuration or an ALB's
 * access-log bucket. Logging a log bucket into itself would log its own log deliveries without end, and into
 * another bucket only moves the question.
 */
function receivesLogs(bucket: PolicyResource, args: StackValidationArgs): boolean {
  const names = [bucket.props.bucket, bucket.props.id].filter((n): n is string => typeof n === "string");
  const targets = resourcesOf(args, aws.s3.BucketLogging, aws.s3.BucketLoggingV2).map(
    (l) => l.props.targetBucket,
  );
  const albLogs = resourcesOf(args, aws.lb.LoadBalancer, aws.alb.LoadBalancer).map(
    (lb) => (lb.props.accessLogs as { bucket?: string } | undefined)?.bucket,
  );
  return [...targets, ...albLogs].some((t) => typeof t === "string" && names.includes(t));
}

export const serverAccessLogsInProd: StackValidationPolicy = {
  name: "s3-server-access-logs-prod",
  description:
    "In production stacks, every bucket that does not itself receive logs writes S3 server access logs to another bucket.",
  enforcementLevel: "mandatory",
  severity: "low",
  tags: controls("S3.9", "CKV_AWS_18"),
  configSchema: PROD_STACKS_CONFIG,
  validateStack: (args, report) => {
    const { prodStacks } = args.getConfig<{ prodStacks?: string[] }>();
    for (const { bucket, companions } of bucketsWith(args, aws.s3.BucketLogging, aws.s3.BucketLoggingV2)) {
      if (!isProdUrn(bucket.urn, prodStacks) || receivesLogs(bucket, args)) continue;
      const logged = bucket.props.loggings?.length > 0 || companions.some((c) => c.props.targetBucket);
      if (!logged)
        report(`${bucket.name}: S3 server access logging is not enabled in a production stack`, bucket.urn);
    }
  },
};

export const storagePolicies = [
  publicAccessBlock,
  noPublicGrants,
  encryption,
  versioning,
  tlsOnly,
  ownerEnforced,
  serverAccessLogsInProd,
];
