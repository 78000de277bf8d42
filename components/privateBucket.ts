/**
 * The one way this project makes an S3 bucket: private (all four public-access-block flags, ACLs disabled by
 * BucketOwnerEnforced), encrypted by default (SSE-S3, or a KMS key with bucket keys), TLS only (a Deny on
 * `aws:SecureTransport = false`, Security Hub S3.5), versioned unless told otherwise, with lifecycle rules that
 * expire what the bucket should not keep forever; `logServerAccess` adds S3 server access logging (S3.9). The documents
 * bucket, its access-log bucket, the ALB's access-log bucket and the bootstrap's state bucket are all made here.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Denies every request to the bucket or its objects that does not arrive over TLS, whoever makes it. A Deny, so
 * no Allow elsewhere can override it.
 */
export function denyInsecureTransport(bucketArn: string): aws.iam.PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** The bucket policy: the TLS-only Deny, then the bucket's own statements. */
export function privateBucketPolicy(
  bucketArn: string,
  statements: aws.iam.PolicyStatement[] = [],
): aws.iam.PolicyDocument {
  return { Version: "2012-10-17", Statement: [denyInsecureTransport(bucketArn), ...statements] };
}

/** How a private bucket is made. */
export interface PrivateBucketArgs {
  /** Encrypt with this KMS key (with bucket keys) instead of S3-managed keys. Defaults to SSE-S3. */
  kmsKeyArn?: pulumi.Input<string>;
  /** Keep every version of every object. Defaults to true. */
  versioning?: boolean;
  /** Days a replaced or deleted version is kept; needs versioning. Defaults to keeping them. */
  noncurrentVersionDays?: number;
  /** Days an object is kept at all (logs). Defaults to keeping objects. */
  expirationDays?: number;
  /** Days after which an unfinished multipart upload is aborted (its parts are billed until then). Defaults to 7. */
  abortMultipartDays?: number;
  /** Refuse SSE-C uploads (objects the bucket's readers could not decrypt). Defaults to true. */
  blockCustomerKeys?: boolean;
  /** Let `pulumi destroy` delete a bucket that still holds objects. Defaults to false. */
  forceDestroy?: boolean;
  /** Keep the bucket and everything that protects it when the stack forgets it. Defaults to false. */
  retainOnDelete?: boolean;
  /** Statements after the TLS-only Deny in the bucket policy, given the bucket's ARN. Defaults to none. */
  policyStatements?: (bucketArn: string) => pulumi.Input<aws.iam.PolicyStatement[]>;
}

/** The bucket and the resources that must exist before it is used. */
export interface PrivateBucket {
  /** The bucket. */
  bucket: aws.s3.Bucket;
  /** Its policy. */
  policy: aws.s3.BucketPolicy;
  /**
   * Everything that makes the bucket ready for writers: ownership, encryption, versioning, lifecycle, policy and
   * public access block. Depend on these before writing.
   */
  ready: pulumi.Resource[];
}

/** The lifecycle rules the arguments call for; empty when nothing expires. */
export function lifecycleRules(
  args: PrivateBucketArgs,
): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  const rules: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [];
  const noncurrent =
    args.noncurrentVersionDays !== undefined
      ? { noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays } }
      : {};
  if (args.expirationDays !== undefined) {
    rules.push({
      id: "expire-objects",
      status: "Enabled",
      filter: {},
      expiration: { days: args.expirationDays },
      ...noncurrent,
    });
  } else if (args.noncurrentVersionDays !== undefined) {
    rules.push({
      id: "expire-noncurrent-versions",
      status: "Enabled",
      filter: {},
      ...noncurrent,
      // A delete marker with no versions left behind it only clutters listings. S3 refuses this flag in the
      // same Expiration as days, hence only in this rule.
      expiration: { expiredObjectDeleteMarker: true },
    });
  }
  rules.push({
    id: "abort-incomplete-multipart-uploads",
    status: "Enabled",
    filter: {},
    abortIncompleteMultipartUpload: { daysAfterInitiation: args.abortMultipartDays ?? 7 },
  });
  return rules;
}

/**
 * Creates the bucket `bucketName` and its settings, each named `<name>-<setting>`, with the options `opts`
 * (parent and provider).
 */
export function createPrivateBucket(
  name: string,
  bucketName: string,
  args: PrivateBucketArgs,
  opts: pulumi.CustomResourceOptions,
): PrivateBucket {
  const versioned = args.versioning ?? true;
  if (args.noncurrentVersionDays !== undefined && !versioned) {
    throw new Error(`createPrivateBucket(${name}): noncurrentVersionDays needs versioning`);
  }
  const kept = { ...opts, retainOnDelete: args.retainOnDelete ?? false };
  const bucket = new aws.s3.Bucket(bucketName, { forceDestroy: args.forceDestroy ?? false }, kept);
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    kept,
  );
  const ownership = new aws.s3.BucketOwnershipControls(
    `${name}-ownership`,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    kept,
  );
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    {
      bucket: bucket.id,
      rules: [
        {
          applyServerSideEncryptionByDefault: args.kmsKeyArn
            ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }
            : { sseAlgorithm: "AES256" },
          // One data key per bucket instead of per object: far fewer (billed) KMS calls.
          ...(args.kmsKeyArn ? { bucketKeyEnabled: true } : {}),
          ...((args.blockCustomerKeys ?? true) ? { blockedEncryptionTypes: ["SSE-C"] } : {}),
        },
      ],
    },
    kept,
  );
  const ready: pulumi.Resource[] = [publicAccess, ownership, encryption];
  const versioning = versioned
    ? new aws.s3.BucketVersioning(
        `${name}-versioning`,
        { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
        kept,
      )
    : undefined;
  if (versioning) ready.push(versioning);
  ready.push(
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      { bucket: bucket.id, rules: lifecycleRules(args) },
      // Rules on noncurrent versions are rejected until versioning is on.
      { ...kept, dependsOn: versioning ? [versioning] : [] },
    ),
  );
  const policy = new aws.s3.BucketPolicy(
    `${name}-policy`,
    {
      bucket: bucket.id,
      policy: pulumi.jsonStringify(
        bucket.arn.apply((arn) =>
          pulumi
            .output(args.policyStatements?.(arn) ?? [])
            .apply((statements) => privateBucketPolicy(arn, statements as aws.iam.PolicyStatement[])),
        ),
      ),
    },
    // S3 rejects concurrent policy and public-access-block changes (OperationAborted), and evaluates a new policy
    // against the block: one after the other.
    { ...kept, dependsOn: [publicAccess, ownership] },
  );
  ready.push(policy);
  return { bucket, policy, ready };
}

/**
 * Turns on S3 server access logging of `source` into `targetBucket` under `prefix`. The target must be a
 * private bucket with SSE-S3 whose policy lets `logging.s3.amazonaws.com` write there (S3 user guide, "Enabling
 * Amazon S3 server access logging").
 */
export function logServerAccess(
  name: string,
  source: aws.s3.Bucket,
  target: { bucket: pulumi.Input<string>; prefix: string },
  opts: pulumi.CustomResourceOptions,
): aws.s3.BucketLogging {
  return new aws.s3.BucketLogging(
    name,
    {
      bucket: source.id,
      targetBucket: target.bucket,
      targetPrefix: target.prefix,
      // Partitioned by source account, region, bucket and delivery date: easy to query and to expire.
      targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "DeliveryTime" } },
    },
    opts,
  );
}
