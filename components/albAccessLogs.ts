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
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createPrivateBucket, type PrivateBucket } from "./privateBucket";

/** The service principal that delivers ALB access logs. */
export const ELB_LOG_DELIVERY_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com";

/**
 * The bucket policy's own statement: ELB log delivery may put objects under `AWSLogs/<account>/` (where it
 * writes the logs of this account's load balancers, so another account's load balancer cannot fill the
 * bucket). The TLS-only Deny comes from createPrivateBucket.
 */
export function elbLogDeliveryStatement(bucketArn: string, accountId: string): aws.iam.PolicyStatement {
  return {
    Sid: "AllowElbLogDelivery",
    Effect: "Allow",
    Principal: { Service: ELB_LOG_DELIVERY_PRINCIPAL },
    Action: "s3:PutObject",
    Resource: `${bucketArn}/AWSLogs/${accountId}/*`,
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
 * Creates the bucket and its settings. The load balancer must wait for `ready`: enabling access logs makes ELB
 * write a test object, which fails until the policy is in place. ALB access logs support SSE-S3 only, the
 * bucket's default; versioned so a deleted or overwritten log file stays recoverable (audit evidence, S3.14)
 * for a day after it expires.
 */
export function createAccessLogBucket(
  name: string,
  args: AccessLogBucketArgs,
  opts: pulumi.CustomResourceOptions,
): PrivateBucket {
  return createPrivateBucket(
    `${name}-access-logs`,
    `${name}-access-logs`,
    {
      expirationDays: args.expirationDays,
      noncurrentVersionDays: 1,
      abortMultipartDays: 1,
      forceDestroy: !args.deletionProtection,
      retainOnDelete: args.deletionProtection,
      policyStatements: (arn) =>
        pulumi.output(args.accountId).apply((account) => [elbLogDeliveryStatement(arn, account)]),
    },
    opts,
  );
}
