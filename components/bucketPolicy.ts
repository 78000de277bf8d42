/** Bucket policy statements every bucket of this project (and of its bootstrap) shares. */
import type * as aws from "@pulumi/aws";

/**
 * Denies every request to the bucket or its objects that does not arrive over TLS, whoever makes it
 * (Security Hub S3.5). A Deny, so no Allow elsewhere can override it.
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
