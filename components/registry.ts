/**
 * Registry: the images a stack's services run, and the record of what it deployed.
 *
 * Images live in one shared ECR repository that no environment owns (the bootstrap creates it, retained, with
 * a lifecycle that keeps promoted images; components/imageRepository.ts), so destroying an environment never
 * touches an image another one runs. Per service, the image is, in this order:
 * 1. a prebuilt image the service names itself (pinned by digest), as is;
 * 2. the digest `release` names for it (a promotion from another stack, or a rollback), as is;
 * 3. with `buildImages`, built here from the service's folder by `docker.Image` and pushed to the shared
 *    repository, tagged `<service>-<hash of the build context>` (buildContext.ts): an unchanged folder is
 *    not rebuilt, and a revert to an earlier folder pushes to an existing tag, which the repository lets move
 *    (its build tags are mutable, its promotion tags not), so the deploy goes through;
 * 4. otherwise, the digest this stack recorded at its last deploy.
 * Either way the service runs `<repository>@sha256:...`: exactly reproducible, and a rollback is a release of
 * an older digest. The stack records each deployed digest in an SSM parameter `<recordPath><service>`, which
 * is what case 4 reads: previews and operators of a stack that does not build (prod) deploy what was
 * promoted, never a build of their own checkout.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { argName, boolean, checkArgs, type Label, string, throwIfProblems } from "./args";
import { buildContextTag } from "./buildContext";
import type { Architecture } from "./instanceTypes";
import { type CommonArgs, componentProvider } from "./provider";

/** The Docker platform of each instance architecture. */
export const PLATFORMS: Readonly<Record<Architecture, string>> = {
  x86_64: "linux/amd64",
  arm64: "linux/arm64",
};

/** An image reference pinned by digest: `<registry>/<repository>@sha256:<64 hex>`. */
export const DIGEST_REFERENCE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(\.[a-z0-9-]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+@sha256:[a-f0-9]{64}$/;
const DIGEST_DOC = "an image reference pinned by digest, <registry>/<repository>@sha256:<64 hex digits>";

/** A service name that fits an image tag, an SSM parameter name, and an AWS resource name. */
export const SERVICE_NAME = /^[a-z][a-z0-9-]{0,14}$/;

/** Registry's arguments: each one's default, documentation and rule. */
export const REGISTRY_ARGS = {
  buildImages: boolean(
    "Build the services' images from their folders into the shared repository; off, deploy only released or recorded images.",
    true,
  ),
  imageRepositoryName: string(
    "The shared ECR repository (the bootstrap's) that images are built into, in the deploying account.",
    "ecs-json-api",
    {
      // ECR CreateRepository repositoryName: 2-256 characters, lower case, '/'-separated segments.
      pattern: /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
      patternDoc: "an ECR repository name such as ecs-json-api",
    },
  ),
} as const;

/** Where a service's image comes from. */
export type ImageSource =
  | {
      /** Build this folder (relative to the project root) with its Dockerfile. */
      build: string;
      /** The Dockerfile, relative to the project root. Defaults to `<build>/Dockerfile`. */
      dockerfile?: string;
    }
  | {
      /** Run this prebuilt image, pinned by digest. */
      image: string;
    };

export interface RegistryArgs extends CommonArgs {
  /** Each service's image source, keyed by service name. */
  services: Record<string, ImageSource>;
  /** CPU architecture the images must run on: "x86_64" (linux/amd64) or "arm64" (linux/arm64). */
  architecture: Architecture;
  /** Digests to deploy, by service: a promotion or a rollback. Defaults to none. */
  release?: Record<string, string>;
  /** Build images from their folders. Defaults to true. */
  buildImages?: boolean;
  /** The shared repository built images go to. Defaults to "ecs-json-api". */
  imageRepositoryName?: string;
  /** SSM parameter path under which each deployed digest is recorded. Defaults to `/<project>/<stack>/release/`. */
  recordPath?: string;
}

/**
 * Every problem with the arguments, each naming its argument through `label`: the specs, the service names,
 * every prebuilt or released image pinned by digest, release naming only known services, and build folders
 * that exist with a Dockerfile inside (the tag hashes the folder; a Dockerfile outside could change unseen).
 */
export function registryArgsProblems(args: RegistryArgs, label: Label = argName): string[] {
  const { problems } = checkArgs(REGISTRY_ARGS, args, label);
  for (const [service, source] of Object.entries(args.services)) {
    if (!SERVICE_NAME.test(service)) {
      problems.push(
        `service "${service}" is not a service name (a lower-case letter, then up to 14 lower-case letters, digits or '-')`,
      );
    }
    if ("image" in source) {
      if (!DIGEST_REFERENCE.test(source.image))
        problems.push(`${service}'s image "${source.image}" is not ${DIGEST_DOC}`);
      continue;
    }
    const dockerfile = source.dockerfile ?? path.join(source.build, "Dockerfile");
    if (!fs.existsSync(source.build) || !fs.statSync(source.build).isDirectory()) {
      problems.push(
        `${service}'s build folder "${source.build}" is not a directory (relative to ${process.cwd()})`,
      );
    } else if (!fs.existsSync(dockerfile)) {
      problems.push(`${service}'s Dockerfile "${dockerfile}" does not exist (relative to ${process.cwd()})`);
    } else if (path.relative(source.build, dockerfile).startsWith("..")) {
      problems.push(
        `${service}'s Dockerfile "${dockerfile}" is outside its build folder "${source.build}"; keep it inside`,
      );
    }
  }
  for (const [service, image] of Object.entries(args.release ?? {})) {
    if (!Object.hasOwn(args.services, service)) {
      problems.push(
        `${label("release")} names "${service}", which is not a service; services: ${Object.keys(args.services).join(", ")}`,
      );
    } else if (!DIGEST_REFERENCE.test(image)) {
      problems.push(`${label("release")} gives ${service} "${image}", not ${DIGEST_DOC}`);
    }
  }
  return problems;
}

/**
 * The digest reference `repositoryUrl@sha256:...` from the `repoDigest` Docker reports after a push
 * (`<some repository>@sha256:...`). Built from the repository URL so the reference always points into the
 * shared repository, whichever name the local Docker daemon listed first.
 */
export function digestReference(repositoryUrl: string, repoDigest: string): string {
  const m = /@(sha256:[a-f0-9]{64})$/.exec(repoDigest);
  if (!m) throw new Error(`Registry: the pushed image has no sha256 digest (repoDigest "${repoDigest}")`);
  return `${repositoryUrl}@${m[1]}`;
}

/** How each service's image is chosen, in the order of this file's header. */
export type ImageChoice = "prebuilt" | "release" | "build" | "recorded";

/** Which of the four sources serves each service. */
export function imageChoices(args: RegistryArgs): Record<string, ImageChoice> {
  const build = args.buildImages ?? REGISTRY_ARGS.buildImages.default;
  return Object.fromEntries(
    Object.entries(args.services).map(([service, source]) => [
      service,
      "image" in source ? "prebuilt" : args.release?.[service] ? "release" : build ? "build" : "recorded",
    ]),
  );
}

/** The images the services run, built or released, and the record of what this stack deployed. */
export class Registry extends pulumi.ComponentResource {
  /** Each service's image, pinned by digest. */
  readonly images: Record<string, pulumi.Output<string>>;
  /** The images as one map: the stack's release, which another stack can deploy as its `release`. */
  readonly release: pulumi.Output<Record<string, string>>;
  /** How each service's image was chosen. */
  readonly choices: Record<string, ImageChoice>;
  /** The SSM parameters recording each deployed image. */
  readonly records: aws.ssm.Parameter[];
  /** The content-derived tag of each image built here. */
  readonly buildTags: Record<string, string>;

  constructor(name: string, args: RegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-json-api:registry:Registry", name, {}, opts);
    throwIfProblems("Registry", registryArgsProblems(args));
    const { values } = checkArgs(REGISTRY_ARGS, args);
    const provider = componentProvider(this, name, "Registry", args, opts);
    const o = { parent: this, provider };
    const recordPath = args.recordPath ?? `/${pulumi.getProject()}/${pulumi.getStack()}/release/`;
    this.choices = imageChoices(args);
    const choices = Object.values(this.choices);
    const platform = PLATFORMS[args.architecture];

    const repository = choices.includes("build")
      ? aws.ecr.getRepositoryOutput({ name: values.imageRepositoryName }, o)
      : undefined;
    const recorded = choices.includes("recorded")
      ? aws.ssm.getParametersByPathOutput({ path: recordPath, recursive: false }, o)
      : undefined;

    this.images = {};
    this.buildTags = {};
    for (const [service, source] of Object.entries(args.services)) {
      const choice = this.choices[service];
      if ("image" in source) {
        this.images[service] = pulumi.output(source.image);
      } else if (choice === "release") {
        this.images[service] = pulumi.output(args.release?.[service] as string);
      } else if (choice === "build" && repository) {
        const dockerfile = source.dockerfile ?? path.join(source.build, "Dockerfile");
        const dockerfileInContext = path.relative(source.build, dockerfile).split(path.sep).join("/");
        const tag = `${service}-${buildContextTag(source.build, platform, dockerfileInContext)}`;
        this.buildTags[service] = tag;
        // The push uses the Docker engine's own login for the registry (`aws ecr get-login-password | docker
        // login`, done by the deploy job or the operator): no registry token passes through the program, so
        // none is stored in the stack's state, where anyone who can decrypt the state could push with it.
        const image = new docker.Image(
          `${name}-image-${service}`,
          {
            imageName: pulumi.interpolate`${repository.repositoryUrl}:${tag}`,
            build: { context: source.build, dockerfile, platform },
            registry: { server: repository.repositoryUrl.apply((url) => url.split("/")[0]) },
          },
          { parent: this },
        );
        this.images[service] = pulumi
          .all([repository.repositoryUrl, image.repoDigest])
          .apply(([url, repoDigest]) => digestReference(url, repoDigest));
      } else if (recorded) {
        const parameterName = `${recordPath}${service}`;
        this.images[service] = recorded.apply((found) => {
          const i = found.names.indexOf(parameterName);
          const image = i === -1 ? undefined : found.values[i];
          if (!image || !DIGEST_REFERENCE.test(image)) {
            throw new Error(
              `Registry: no image for service "${service}": it is not built here (buildImages is false), not in the release, and ${parameterName} records ${image === undefined ? "nothing" : `"${image}"`}; deploy a release (ecs-json-api:release) first`,
            );
          }
          return image;
        });
      }
    }

    this.records = Object.entries(this.images).map(
      ([service, image]) =>
        new aws.ssm.Parameter(
          `${name}-release-${service}`,
          {
            name: `${recordPath}${service}`,
            type: "String",
            value: image,
            description: `The image the ${service} service of the ${pulumi.getStack()} stack runs, pinned by digest`,
          },
          o,
        ),
    );
    this.release = pulumi.all(this.images);
    this.registerOutputs({ release: this.release, choices: this.choices, buildTags: this.buildTags });
  }
}
