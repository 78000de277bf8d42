/**
 * Registry: the service's private ECR repository and the image the service runs.
 *
 * The repository scans on push, keeps tags immutable (a tag names one image forever), is encrypted, expires
 * untagged images after a day and keeps the last `imageRetainCount` tagged ones, and has no repository policy
 * (only this account's IAM principals can pull). `forceDelete` lets `pulumi destroy` remove it with its images
 * only when deletion protection is off.
 *
 * The image is either built here from `service/` by `docker.Image` and pushed with a token from
 * `ecr:GetAuthorizationToken`, tagged with a hash of the build context (see buildContext.ts), or, for CI
 * pipelines that build once and promote, a prebuilt reference pinned by digest deployed as is. Either way the
 * output `imageRef` is `repository@sha256:...`: a deploy is exactly reproducible, and a rollback is a config
 * change to an older digest (one the lifecycle policy still keeps).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { Architecture } from "../stacks/instanceTypes";
import { SCHEMA } from "../stacks/schema";
import { buildContextTag } from "./buildContext";
import { type CommonArgs, componentProvider } from "./provider";

/** The Docker platform of each instance architecture. */
export const PLATFORMS: Readonly<Record<Architecture, string>> = {
  x86_64: "linux/amd64",
  arm64: "linux/arm64",
};

/** Repository encryption: AES256 uses S3-managed keys; KMS uses a KMS key (AWS-managed unless given). */
export type RepositoryEncryption = "AES256" | "KMS";

export interface RegistryArgs extends CommonArgs {
  /** CPU architecture the image must run on: "x86_64" (linux/amd64) or "arm64" (linux/arm64). */
  architecture: string;
  /** Tagged images the repository keeps; older ones expire. Defaults to 10. */
  imageRetainCount?: number;
  /** A prebuilt image pinned by digest (`<registry>/<repository>@sha256:<64 hex>`) deployed instead of a build. Defaults to "" (build `contextDir`). */
  image?: string;
  /** Keep the repository (and its images) on `pulumi destroy`: no forceDelete. Defaults to false. */
  deletionProtection?: boolean;
  /** Build context, relative to the project root (Pulumi's working directory). Defaults to "service". */
  contextDir?: string;
  /** Dockerfile, relative to the project root. Defaults to "<contextDir>/Dockerfile". */
  dockerfile?: string;
  /** Repository encryption: "AES256" or "KMS". Changing it replaces the repository. Defaults to "AES256". */
  encryption?: RepositoryEncryption;
  /** KMS key ARN for encryption "KMS". Defaults to the AWS-managed ECR key. */
  kmsKeyArn?: pulumi.Input<string>;
}

/** The args with defaults applied and checked. */
export interface ResolvedRegistryArgs {
  architecture: Architecture;
  /** `linux/amd64` or `linux/arm64`. */
  platform: string;
  imageRetainCount: number;
  /** The prebuilt reference, or undefined when the image is built here. */
  image?: string;
  deletionProtection: boolean;
  contextDir: string;
  dockerfile: string;
  encryption: RepositoryEncryption;
  kmsKeyArn?: pulumi.Input<string>;
}

// One definition of a digest-pinned reference: the one the `image` config key is validated with.
const DIGEST_REFERENCE = SCHEMA.image.pattern as RegExp;

/**
 * Exported for tests: applies defaults and reports every problem at once. When the image is built here, it
 * also checks that the build context and the Dockerfile exist, so a wrong path fails before any resource.
 */
export function resolveRegistryArgs(args: RegistryArgs): ResolvedRegistryArgs {
  const problems: string[] = [];
  const imageRetainCount = args.imageRetainCount ?? 10;
  const image = args.image === "" ? undefined : args.image;
  const contextDir = args.contextDir ?? "service";
  const dockerfile = args.dockerfile ?? path.join(contextDir, "Dockerfile");
  const encryption = args.encryption ?? "AES256";

  if (!Object.hasOwn(PLATFORMS, args.architecture)) {
    problems.push(`architecture "${args.architecture}" is not supported; use x86_64 or arm64`);
  }
  if (!Number.isInteger(imageRetainCount) || imageRetainCount < 1) {
    problems.push(`imageRetainCount ${imageRetainCount} must be a whole number of at least 1`);
  }
  if (encryption !== "AES256" && encryption !== "KMS") {
    problems.push(`encryption "${encryption}" is not supported; use AES256 or KMS`);
  } else if (encryption === "AES256" && args.kmsKeyArn !== undefined) {
    problems.push(`kmsKeyArn is only used with encryption "KMS"`);
  }
  if (image !== undefined) {
    if (!DIGEST_REFERENCE.test(image)) {
      problems.push(`image "${image}" is not ${SCHEMA.image.patternDoc}`);
    }
  } else if (!fs.existsSync(contextDir) || !fs.statSync(contextDir).isDirectory()) {
    problems.push(`build context "${contextDir}" is not a directory (relative to ${process.cwd()})`);
  } else if (!fs.existsSync(dockerfile)) {
    problems.push(`Dockerfile "${dockerfile}" does not exist (relative to ${process.cwd()})`);
  } else if (path.relative(contextDir, dockerfile).startsWith("..")) {
    // The tag hashes the context; a Dockerfile outside it could change without changing the tag.
    problems.push(`Dockerfile "${dockerfile}" is outside the build context "${contextDir}"; keep it inside`);
  }
  if (problems.length) throw new Error(`Registry: ${problems.join("; ")}`);
  const architecture = args.architecture as Architecture;
  return {
    architecture,
    platform: PLATFORMS[architecture],
    imageRetainCount,
    image,
    deletionProtection: args.deletionProtection ?? false,
    contextDir,
    dockerfile,
    encryption,
    kmsKeyArn: args.kmsKeyArn,
  };
}

/** ECR's rule selection; the provider's type lacks `tagPatternList`, which ECR accepts with `tagged`. */
type LifecycleSelection = aws.types.input.ecr.LifecyclePolicySelection & { tagPatternList?: string[] };
type LifecycleRule = Omit<aws.types.input.ecr.LifecyclePolicyRule, "selection"> & {
  selection: LifecycleSelection;
};
/** An ECR lifecycle policy document, typed so a misspelled key fails `tsc`. */
export interface LifecyclePolicyDocument {
  rules: LifecycleRule[];
}

/** The repository's lifecycle: untagged images expire after a day; only the last `retain` tagged ones stay. */
export function lifecyclePolicy(retain: number): LifecyclePolicyDocument {
  return {
    rules: [
      {
        rulePriority: 1,
        description: "Expire untagged images (failed or superseded pushes) after one day",
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: 1,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the ${retain} most recent tagged images`,
        selection: {
          tagStatus: "tagged",
          tagPatternList: ["*"],
          countType: "imageCountMoreThan",
          countNumber: retain,
        },
        action: { type: "expire" },
      },
    ],
  };
}

/**
 * The digest reference `repositoryUrl@sha256:...` from the `repoDigest` Docker reports after a push
 * (`<some repository>@sha256:...`). Built from our own repository URL so the reference always points into
 * this repository, whichever name the local Docker daemon listed first.
 */
export function digestReference(repositoryUrl: string, repoDigest: string): string {
  const m = /@(sha256:[a-f0-9]{64})$/.exec(repoDigest);
  if (!m) throw new Error(`Registry: the pushed image has no sha256 digest (repoDigest "${repoDigest}")`);
  return `${repositoryUrl}@${m[1]}`;
}

/** A private ECR repository and the image the service runs, referenced by digest. */
export class Registry extends pulumi.ComponentResource {
  /** The repository's URL (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`), for CI pushes. */
  readonly repositoryUrl: pulumi.Output<string>;
  /** The repository's ARN, for scoping pull permissions. */
  readonly repositoryArn: pulumi.Output<string>;
  /** The repository's name. */
  readonly repositoryName: pulumi.Output<string>;
  /** The image to run, pinned by digest: `<repository>@sha256:<64 hex>`. */
  readonly imageRef: pulumi.Output<string>;
  /** The content-derived tag of the image built here; undefined when a prebuilt image is deployed. */
  readonly imageTag: string | undefined;

  constructor(name: string, args: RegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-json-api:registry:Registry", name, {}, opts);
    const r = resolveRegistryArgs(args);
    const provider = componentProvider(this, name, "Registry", args);
    const childOpts = { parent: this, provider };

    const repository = new aws.ecr.Repository(
      `${name}-repo`,
      {
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [
          r.encryption === "KMS"
            ? { encryptionType: "KMS", kmsKey: r.kmsKeyArn }
            : { encryptionType: "AES256" },
        ],
        forceDelete: !r.deletionProtection,
      },
      childOpts,
    );
    new aws.ecr.LifecyclePolicy(
      `${name}-lifecycle`,
      { repository: repository.name, policy: JSON.stringify(lifecyclePolicy(r.imageRetainCount)) },
      childOpts,
    );

    if (r.image !== undefined) {
      // Promoted from CI: the repository still exists for CI to push to, but nothing is built here.
      this.imageTag = undefined;
      this.imageRef = pulumi.output(r.image);
    } else {
      const dockerfileInContext = path.relative(r.contextDir, r.dockerfile).split(path.sep).join("/");
      this.imageTag = buildContextTag(r.contextDir, r.platform, dockerfileInContext);
      const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, childOpts);
      const image = new docker.Image(
        `${name}-image`,
        {
          imageName: pulumi.interpolate`${repository.repositoryUrl}:${this.imageTag}`,
          build: { context: r.contextDir, dockerfile: r.dockerfile, platform: r.platform },
          registry: {
            server: repository.repositoryUrl.apply((url) => url.split("/")[0]),
            username: auth.userName,
            password: pulumi.secret(auth.password),
          },
        },
        { parent: this },
      );
      this.imageRef = pulumi
        .all([repository.repositoryUrl, image.repoDigest])
        .apply(([url, repoDigest]) => digestReference(url, repoDigest));
    }

    this.repositoryUrl = repository.repositoryUrl;
    this.repositoryArn = repository.arn;
    this.repositoryName = repository.name;
    this.registerOutputs({
      repositoryUrl: this.repositoryUrl,
      repositoryArn: this.repositoryArn,
      repositoryName: this.repositoryName,
      imageRef: this.imageRef,
      imageTag: this.imageTag,
    });
  }
}
