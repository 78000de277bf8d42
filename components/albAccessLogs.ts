/**
 * The ALB's access-log bucket: private, owner-enforced, SSE-S3, TLS-only, expiring, and writable only by the
 * ELB log delivery service under this account's prefix.
 *
 * Who may write: AWS first documented a regional ELB account (`aws.elb.getServiceAccount`) as the principal,
 * and regions opened since August 2022 accept only the service principal
 * `logdelivery.elasticloadbalancing.amazonaws.com` (the data source fails there). The ELB guide now recommends
 * the service principal everywhere and calls the account-id policy legacy, so this bucket grants the service
 * principal in every region: one policy shape, no region table, no invoke.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { denyInsecureTransport } from "./bucketPolicy";

/** The service principal that delivers ALB access logs. */
export const ELB_LOG_DELIVERY_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com";

/**
 * The bucket policy: ELB log delivery may put objects under `AWSLogs/<account>/` (where it writes the logs of
 * this account's load balancers, so another account's load balancer cannot fill the bucket), and any request
 * without TLS is denied.
 */
export function accessLogBucketPolicy(bucketArn: string, accountId: string): aws.iam.PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowElbLogDelivery",
        Effect: "Allow",
        Principal: { Service: ELB_LOG_DELIVERY_PRINCIPAL },
        Action: "s3:PutObject",
        Resource: `${bucketArn}/AWSLogs/${accountId}/*`,
      },
      denyInsecureTransport(bucketArn),
    ],
  };
}

/** What the log bucket is built from. */
export interface AccessLogBucketArgs {
  /** Account whose load balancers write here. */
  accountId: pulumi.Input<string>;
  /** Days a log file is kept. */
  expirationDays: number;
  /** Keep a non-empty bucket on destroy (no forceDestroy). */
  deletionProtection: boolean;
}

/**
 * Creates the bucket and its settings. Returns the bucket and every resource the load balancer must wait for:
 * enabling access logs makes ELB write a test object, which fails until the policy is in place.
 */
export function createAccessLogBucket(
  name: string,
  args: AccessLogBucketArgs,
  opts: pulumi.CustomResourceOptions,
): { bucket: aws.s3.Bucket; ready: pulumi.Resource[] } {
  const bucket = new aws.s3.Bucket(`${name}-access-logs`, { forceDestroy: !args.deletionProtection }, opts);
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-access-logs-public-access`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  const ownership = new aws.s3.BucketOwnershipControls(
    `${name}-access-logs-ownership`,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    opts,
  );
  // ALB access logs support SSE-S3 only; a KMS default key would make delivery fail.
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-access-logs-encryption`,
    { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
    opts,
  );
  // Versioned so a deleted or overwritten log file stays recoverable (audit evidence, S3.14), for a bounded time.
  const versioning = new aws.s3.BucketVersioning(
    `${name}-access-logs-versioning`,
    { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
    opts,
  );
  const lifecycle = new aws.s3.BucketLifecycleConfiguration(
    `${name}-access-logs-lifecycle`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: {},
          expiration: { days: args.expirationDays },
          // An expired log file becomes a noncurrent version; remove it a day later rather than keeping it forever.
          noncurrentVersionExpiration: { noncurrentDays: 1 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    },
    // Lifecycle rules that act on noncurrent versions need versioning in place first.
    { ...opts, dependsOn: [versioning] },
  );
  const policy = new aws.s3.BucketPolicy(
    `${name}-access-logs-policy`,
    {
      bucket: bucket.id,
      policy: pulumi
        .all([bucket.arn, args.accountId])
        .apply(([arn, accountId]) => JSON.stringify(accessLogBucketPolicy(arn, accountId))),
    },
    // S3 can answer OperationAborted when a bucket's policy and public access block change at once.
    { ...opts, dependsOn: [publicAccess] },
  );
  return { bucket, ready: [publicAccess, ownership, encryption, versioning, lifecycle, policy] };
}
