/**
 * Where Pulumi keeps the stacks' state and encrypts their secrets when the team does not use Pulumi Cloud: a
 * private, versioned, KMS-encrypted, TLS-only S3 bucket (`pulumi login s3://...`) and a rotating KMS key behind
 * an alias (`--secrets-provider awskms://alias/...`). Both outlive `pulumi destroy` of the bootstrap, and so do
 * the bucket's protections: losing them would lose every stack's state, or the means to decrypt it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createPrivateBucket } from "../components/privateBucket";
import { type CommonArgs, componentProvider } from "../components/provider";
import { denyNonKmsEncryption, stateKeyPolicy } from "./policies";

/** What the state backend is built from. */
export interface StateBackendArgs extends CommonArgs {
  /** Days a replaced state file version is kept. Defaults to 90. */
  noncurrentVersionDays?: number;
  /**
   * The key's alias after `alias/`, one per account and region: a fixed name that the stacks' secrets provider
   * URL can spell out. Defaults to "pulumi-state".
   */
  aliasName?: string;
}

/** The args with defaults applied. */
export interface ResolvedStateBackendArgs extends CommonArgs {
  noncurrentVersionDays: number;
  aliasName: string;
}

/** Exported for tests: applies defaults and reports every problem at once. */
export function resolveStateBackendArgs(args: StateBackendArgs): ResolvedStateBackendArgs {
  const noncurrentVersionDays = args.noncurrentVersionDays ?? 90;
  const aliasName = args.aliasName ?? "pulumi-state";
  const problems: string[] = [];
  if (!Number.isInteger(noncurrentVersionDays) || noncurrentVersionDays < 1 || noncurrentVersionDays > 3650) {
    problems.push(`noncurrentVersionDays ${noncurrentVersionDays} is not a whole number from 1 to 3650`);
  }
  // KMS alias names: letters, digits, '/', '_', '-'; "aws/" is reserved for AWS's own keys.
  if (!/^[A-Za-z0-9/_-]{1,250}$/.test(aliasName) || aliasName.startsWith("aws/")) {
    problems.push(
      `aliasName "${aliasName}" is not a KMS alias name (letters, digits, '/', '_', '-'; not aws/...)`,
    );
  }
  if (problems.length > 0) throw new Error(`StateBackend: ${problems.join("; ")}`);
  return { ...args, noncurrentVersionDays, aliasName };
}

export class StateBackend extends pulumi.ComponentResource {
  /** Name of the state bucket. */
  readonly bucketName: pulumi.Output<string>;
  /** ARN of the state bucket. */
  readonly bucketArn: pulumi.Output<string>;
  /** ARN of the key that encrypts the state objects and the stacks' secrets. */
  readonly keyArn: pulumi.Output<string>;
  /** The key's alias, `alias/...`. */
  readonly keyAlias: pulumi.Output<string>;
  /** What `pulumi login` takes: `s3://<bucket>?region=<region>`. */
  readonly backendUrl: pulumi.Output<string>;
  /** What `pulumi stack init --secrets-provider` takes: `awskms://alias/...?region=<region>`. */
  readonly secretsProvider: pulumi.Output<string>;

  constructor(name: string, args: StateBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-json-api:bootstrap:StateBackend", name, {}, opts);
    const r = resolveStateBackendArgs(args);
    const provider = componentProvider(this, name, "StateBackend", r);
    // Retained on delete, every one: destroying the bootstrap must not take the state, its key, or the
    // bucket's protections (a deleted public access block or policy would leave the bucket open).
    const keep = { parent: this, provider, retainOnDelete: true };

    const partition = aws.getPartitionOutput({}, { parent: this, provider }).partition;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this, provider }).accountId;

    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: "Encrypts the Pulumi state bucket and the stacks' secrets (awskms:// secrets provider).",
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.all([partition, accountId]).apply(([p, id]) => JSON.stringify(stateKeyPolicy(p, id))),
      },
      keep,
    );
    const alias = new aws.kms.Alias(
      `${name}-alias`,
      { name: `alias/${r.aliasName}`, targetKeyId: key.keyId },
      keep,
    );

    // The project's one private bucket (components/privateBucket.ts): BucketOwnerEnforced, every public access
    // block flag, default encryption with the key (bucket keys on, SSE-C refused), versioning, noncurrent
    // versions (the undo history) expired after noncurrentVersionDays, TLS only; plus a Deny on any upload that
    // names an encryption other than KMS.
    const { bucket } = createPrivateBucket(
      name,
      `${name}-bucket`,
      {
        kmsKeyArn: key.arn,
        noncurrentVersionDays: r.noncurrentVersionDays,
        retainOnDelete: true,
        policyStatements: (arn) => [denyNonKmsEncryption(arn)],
      },
      { parent: this, provider },
    );

    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.keyArn = key.arn;
    this.keyAlias = alias.name;
    this.backendUrl = pulumi.interpolate`s3://${bucket.bucket}?region=${r.region}`;
    this.secretsProvider = pulumi.interpolate`awskms://${alias.name}?region=${r.region}`;
    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      keyArn: this.keyArn,
      keyAlias: this.keyAlias,
      backendUrl: this.backendUrl,
      secretsProvider: this.secretsProvider,
    });
  }
}
