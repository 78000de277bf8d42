/**
 * ImageRepository: the one ECR repository every environment's images live in, apart from the environments, so
 * that destroying one (test) never takes the images another (prod) runs or rolls back to. The bootstrap creates
 * it once per account family, in the account that builds (docs/delivery.md); the stacks look it up by name.
 *
 * - Promotion tags are immutable, build tags are not (MUTABLE_WITH_EXCLUSION, the promoted prefix excluded): a
 *   promoted tag names one image forever, while a build tag `<service>-<content hash>` may move, because a revert
 *   or a re-run rebuilds a context whose tag already exists and must be able to push to it (ECR refuses a push
 *   to an existing tag in an immutable repository). A moved build tag leaves its old digest untagged, expired a
 *   day later unless a promotion tagged it; a stack runs images by digest, and prod only promoted ones.
 *   Promotion adds `<promotedTagPrefix><service>-<run>` to the very digest it promotes.
 * - Scan on push, encrypted at rest (AES256 by default: a pull from another account needs no KMS grant).
 * - Lifecycle: untagged images expire after a day; a promoted image is kept `promotedRetainDays` after its first
 *   push (ten years by default: in practice until an operator prunes it), by age, never by count, so nobody who
 *   can push (the test deploy role can; ECR has no condition key on the tag a push writes) can expire the images
 *   prod runs by pushing more `prod-*` tags; the newest `buildRetainCount` tagged images are kept by the build
 *   rule. ECR applies rules in
 *   priority order, and "an image that matches the tagging requirements of a rule cannot be expired by a rule
 *   with a lower priority" (LifecyclePolicies.html, "Lifecycle policy evaluation rules"): the promoted rule has
 *   the higher priority, so every promoted image, whatever its age, is only ever expired by the promoted rule.
 *   Lower rules still "identify them as if they haven't been expired": promoted images count among the build
 *   rule's newest `buildRetainCount` (lifecycle_policy_examples.html, Example A), so that rule keeps
 *   `buildRetainCount` minus the promoted images among them.
 * - A repository policy, only when other accounts need it: they may pull, and their roles under
 *   `promoterRolePath` may also read and add tags (promotion). Nobody outside this account may delete images
 *   or change the repository.
 * - Retained on delete: destroying the bootstrap keeps the images.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type CommonArgs, componentProvider } from "./provider";

export interface ImageRepositoryArgs extends Partial<CommonArgs> {
  /** The repository's name, fixed because the stacks look it up by name (the bootstrap passes its projectName). */
  repositoryName: string;
  /** The tag prefix that marks a promoted image. Defaults to "prod-". */
  promotedTagPrefix?: string;
  /** Days a promoted image is kept after its first push. Defaults to 3650 (ten years). */
  promotedRetainDays?: number;
  /** Tagged images the build rule keeps, newest first, promoted ones counted among them. Defaults to 30. */
  buildRetainCount?: number;
  /** Other AWS accounts (12 digits) whose principals may pull, subject to their own IAM policies. Defaults to []. */
  pullAccountIds?: string[];
  /** IAM path of the roles in `pullAccountIds` that may also add tags to images (promote). Defaults to "/ci/". */
  promoterRolePath?: string;
  /** A KMS key to encrypt images with. Defaults to none: AES256 (S3-managed keys). */
  kmsKeyArn?: pulumi.Input<string>;
}

/** The args with defaults applied and checked. */
export interface ResolvedImageRepositoryArgs {
  repositoryName: string;
  promotedTagPrefix: string;
  promotedRetainDays: number;
  buildRetainCount: number;
  pullAccountIds: string[];
  promoterRolePath: string;
  kmsKeyArn?: pulumi.Input<string>;
}

/** Days an untagged image (a superseded or failed push, an image index's leftovers) is kept. */
export const UNTAGGED_EXPIRY_DAYS = 1;

// ECR's repository name pattern and length (CreateRepository API reference).
const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
// The start of an image tag: tags are letters, digits, '_', '.', '-', up to 128 characters, not starting with
// '.' or '-'. A prefix leaves room for `<service>-<run id>-<attempt>`.
const TAG_PREFIX = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
const ACCOUNT_ID = /^\d{12}$/;
const IAM_PATH = /^\/([A-Za-z0-9+=,.@_-]+\/)*$/;

/**
 * Exported for tests: applies defaults and reports every problem at once. `hasProvider` says whether the caller
 * passed a provider; without one, `region` and `tags` are needed to create the component's own.
 */
export function resolveImageRepositoryArgs(
  args: ImageRepositoryArgs,
  hasProvider: boolean,
): ResolvedImageRepositoryArgs {
  const r: ResolvedImageRepositoryArgs = {
    repositoryName: args.repositoryName,
    promotedTagPrefix: args.promotedTagPrefix ?? "prod-",
    promotedRetainDays: args.promotedRetainDays ?? 3650,
    buildRetainCount: args.buildRetainCount ?? 30,
    pullAccountIds: args.pullAccountIds ?? [],
    promoterRolePath: args.promoterRolePath ?? "/ci/",
    kmsKeyArn: args.kmsKeyArn,
  };
  const problems: string[] = [];
  if (
    r.repositoryName.length < 2 ||
    r.repositoryName.length > 256 ||
    !REPOSITORY_NAME.test(r.repositoryName)
  ) {
    problems.push(`repositoryName "${r.repositoryName}" is not an ECR repository name (lower-case, 2-256)`);
  }
  if (!TAG_PREFIX.test(r.promotedTagPrefix)) {
    problems.push(
      `promotedTagPrefix "${r.promotedTagPrefix}" is not the start of an image tag (no wildcard)`,
    );
  }
  for (const [key, n, max] of [
    ["promotedRetainDays", r.promotedRetainDays, 3650],
    ["buildRetainCount", r.buildRetainCount, 10000],
  ] as const) {
    if (!Number.isInteger(n) || n < 1 || n > max)
      problems.push(`${key} ${n} is not a whole number from 1 to ${max}`);
  }
  const seen = new Set<string>();
  for (const id of r.pullAccountIds) {
    if (!ACCOUNT_ID.test(id)) problems.push(`pullAccountIds: "${id}" is not a 12-digit AWS account id`);
    if (seen.has(id)) problems.push(`pullAccountIds: ${id} is listed twice`);
    seen.add(id);
  }
  if (!IAM_PATH.test(r.promoterRolePath)) {
    problems.push(`promoterRolePath "${r.promoterRolePath}" is not an IAM path such as /ci/`);
  }
  if (!hasProvider && (args.region === undefined || args.tags === undefined)) {
    problems.push("region and tags are required when no aws provider is passed");
  }
  if (problems.length > 0) throw new Error(`ImageRepository: ${problems.join("; ")}`);
  return r;
}

/** An ECR lifecycle rule; `tagPatternList` is missing from the provider's type but ECR accepts it. */
export interface LifecycleRule {
  rulePriority: number;
  description: string;
  selection: {
    tagStatus: "tagged" | "untagged" | "any";
    tagPatternList?: string[];
    countType: "imageCountMoreThan" | "sinceImagePushed";
    countUnit?: "days";
    countNumber: number;
  };
  action: { type: "expire" };
}

/** An ECR lifecycle policy document, typed so a misspelled key fails `tsc`. */
export interface LifecyclePolicyDocument {
  rules: LifecycleRule[];
}

/** The lifecycle: untagged after a day, promoted images by their own count, builds by theirs (see the top). */
export function imageLifecyclePolicy(
  r: Pick<ResolvedImageRepositoryArgs, "promotedTagPrefix" | "promotedRetainDays" | "buildRetainCount">,
): LifecyclePolicyDocument {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images after ${UNTAGGED_EXPIRY_DAYS} day`,
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: UNTAGGED_EXPIRY_DAYS,
        },
        action: { type: "expire" },
      },
      {
        // Above the build rule: a promoted image matches this rule's tags, so the build rule can never expire it.
        // By age, not count: more promoted tags (pushed by anyone who can push) cannot expire one sooner.
        rulePriority: 2,
        description: `Keep promoted images (${r.promotedTagPrefix}*) ${r.promotedRetainDays} days after their first push`,
        selection: {
          tagStatus: "tagged",
          tagPatternList: [`${r.promotedTagPrefix}*`],
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: r.promotedRetainDays,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 3,
        description: `Keep the ${r.buildRetainCount} newest tagged images; promoted ones count, are not expired here`,
        selection: {
          tagStatus: "tagged",
          tagPatternList: ["*"],
          countType: "imageCountMoreThan",
          countNumber: r.buildRetainCount,
        },
        action: { type: "expire" },
      },
    ],
  };
}

/** What pulling an image takes (the ECS agent, the platform check). */
export const PULL_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
];
/** What promotion takes on top: find the digest and its tags, add a tag, read the retention it is kept by. */
export const PROMOTE_ACTIONS = ["ecr:DescribeImages", "ecr:PutImage", "ecr:GetLifecyclePolicy"];

/**
 * The repository policy for other accounts, or undefined when there are none. The principals are the accounts
 * (their IAM policies then decide which of their principals may act); promotion is further limited to roles
 * under `promoterRolePath`, by the caller's role ARN (aws:PrincipalArn is the role's ARN for a role session).
 */
export function crossAccountRepositoryPolicy(
  partition: string,
  pullAccountIds: string[],
  promoterRolePath: string,
): aws.iam.PolicyDocument | undefined {
  if (pullAccountIds.length === 0) return undefined;
  const accounts = pullAccountIds.map((id) => `arn:${partition}:iam::${id}:root`);
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "PullFromOtherAccounts", Effect: "Allow", Principal: { AWS: accounts }, Action: PULL_ACTIONS },
      {
        Sid: "PromoteFromOtherAccounts",
        Effect: "Allow",
        Principal: { AWS: accounts },
        Action: PROMOTE_ACTIONS,
        Condition: {
          ArnLike: {
            "aws:PrincipalArn": pullAccountIds.map(
              (id) => `arn:${partition}:iam::${id}:role${promoterRolePath}*`,
            ),
          },
        },
      },
    ],
  };
}

/** The caller's aws provider, from `provider` or `providers.aws`. */
function callerProvider(opts?: pulumi.ComponentResourceOptions): pulumi.ProviderResource | undefined {
  if (opts?.provider) return opts.provider;
  const providers = opts?.providers;
  // getPackage() is public at runtime but marked internal in the SDK's types.
  const pkg = (p: pulumi.ProviderResource) => (p as unknown as { getPackage(): string }).getPackage();
  if (Array.isArray(providers)) return providers.find((p) => pkg(p) === "aws");
  return providers?.aws;
}

/** The shared ECR repository, its lifecycle and, when other accounts pull, its repository policy. */
export class ImageRepository extends pulumi.ComponentResource {
  /** The repository's name (fixed: what the stacks look up). */
  readonly repositoryName: pulumi.Output<string>;
  /** The repository's ARN, for the deploy roles' and execution roles' policies. */
  readonly repositoryArn: pulumi.Output<string>;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
  readonly repositoryUrl: pulumi.Output<string>;
  /** The account that holds the repository. */
  readonly registryId: pulumi.Output<string>;
  /** The repository resource itself. */
  readonly repository: aws.ecr.Repository;

  constructor(name: string, args: ImageRepositoryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-json-api:registry:ImageRepository", name, {}, opts);
    const given = callerProvider(opts);
    const r = resolveImageRepositoryArgs(args, given !== undefined);
    // resolveImageRepositoryArgs has refused a missing region or tags when no provider was given.
    const provider =
      given ??
      componentProvider(this, name, "ImageRepository", { region: args.region ?? "", tags: args.tags ?? {} });
    // Retained, every one: the images outlive the bootstrap, and so do the rules that keep and protect them.
    const keep = { parent: this, provider, retainOnDelete: true };

    this.repository = new aws.ecr.Repository(
      `${name}-repo`,
      {
        // A physical name, unlike the stacks' resources: the stacks find the repository by it.
        name: r.repositoryName,
        // ECR CreateRepository imageTagMutability and imageTagMutabilityExclusionFilters (filter type WILDCARD).
        imageTagMutability: "MUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters: [{ filter: `${r.promotedTagPrefix}*`, filterType: "WILDCARD" }],
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [
          r.kmsKeyArn === undefined
            ? { encryptionType: "AES256" }
            : { encryptionType: "KMS", kmsKey: r.kmsKeyArn },
        ],
        forceDelete: false,
      },
      keep,
    );
    new aws.ecr.LifecyclePolicy(
      `${name}-lifecycle`,
      { repository: this.repository.name, policy: JSON.stringify(imageLifecyclePolicy(r)) },
      keep,
    );
    if (r.pullAccountIds.length > 0) {
      const partition = aws.getPartitionOutput({}, { parent: this, provider }).partition;
      new aws.ecr.RepositoryPolicy(
        `${name}-policy`,
        {
          repository: this.repository.name,
          policy: partition.apply((p) =>
            JSON.stringify(crossAccountRepositoryPolicy(p, r.pullAccountIds, r.promoterRolePath)),
          ),
        },
        keep,
      );
    }

    this.repositoryName = this.repository.name;
    this.repositoryArn = this.repository.arn;
    this.repositoryUrl = this.repository.repositoryUrl;
    this.registryId = this.repository.registryId;
    this.registerOutputs({
      repositoryName: this.repositoryName,
      repositoryArn: this.repositoryArn,
      repositoryUrl: this.repositoryUrl,
      registryId: this.registryId,
    });
  }
}
