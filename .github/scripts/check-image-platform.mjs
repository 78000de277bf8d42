#!/usr/bin/env node
/**
 * Before promoting an image to a stack, checks that the image can run on that stack's CPU architecture. Both
 * stacks default to arm64, but the architecture is per-stack config, and the promotion deploys test's image by
 * digest: an image of the wrong architecture would start on prod only to die with "exec format error".
 *
 *   node check-image-platform.mjs <image-ref> <x86_64|arm64>
 *
 * <image-ref> is an ECR image pinned by digest (<account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:<hex>).
 * An image index passes when it lists linux/<arch>; a single image passes when its config names <arch>. Reads
 * the registry through the AWS CLI with the job's credentials (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer).
 */
import { execFileSync } from "node:child_process";

const ECR_REF =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9._/-]+)@(sha256:[a-f0-9]{64})$/;
/** Stack config's architecture names to OCI platform architectures. */
const OCI_ARCH = { x86_64: "amd64", arm64: "arm64" };
const INDEX_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
];
const MANIFEST_TYPES = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
];

function fail(message, code = 1) {
  console.error(`image platform check: ${message}`);
  process.exit(code);
}

function aws(args) {
  return execFileSync("aws", [...args, "--output", "json"], { encoding: "utf8" });
}

const [imageRef, architecture] = process.argv.slice(2);
if (!imageRef || !architecture) fail("usage: check-image-platform.mjs <image-ref> <x86_64|arm64>", 2);
const want = OCI_ARCH[architecture];
if (!want) fail(`architecture "${architecture}" is not one of ${Object.keys(OCI_ARCH).join(", ")}`, 2);
const m = ECR_REF.exec(imageRef);
if (!m) fail(`"${imageRef}" is not an ECR image pinned by digest`, 2);
const [, registryId, region, repositoryName, digest] = m;

const answer = JSON.parse(
  aws([
    "ecr",
    "batch-get-image",
    "--region",
    region,
    "--registry-id",
    registryId,
    "--repository-name",
    repositoryName,
    "--image-ids",
    `imageDigest=${digest}`,
    "--accepted-media-types",
    ...INDEX_TYPES,
    ...MANIFEST_TYPES,
  ]),
);
const image = answer.images?.[0];
if (!image) fail(`${imageRef} was not found: ${JSON.stringify(answer.failures ?? [])}`);
const manifest = JSON.parse(image.imageManifest);
const mediaType = image.imageManifestMediaType ?? manifest.mediaType;

if (INDEX_TYPES.includes(mediaType)) {
  const platforms = (manifest.manifests ?? [])
    .map((d) => d.platform)
    .filter((p) => p && p.os !== "unknown")
    .map((p) => `${p.os}/${p.architecture}`);
  if (!platforms.includes(`linux/${want}`)) {
    fail(`${imageRef} is built for ${platforms.join(", ") || "no platform"}, not linux/${want}`);
  }
  console.log(`${imageRef} includes linux/${want} (${platforms.join(", ")})`);
} else if (MANIFEST_TYPES.includes(mediaType)) {
  const { downloadUrl } = JSON.parse(
    aws([
      "ecr",
      "get-download-url-for-layer",
      "--region",
      region,
      "--registry-id",
      registryId,
      "--repository-name",
      repositoryName,
      "--layer-digest",
      manifest.config.digest,
    ]),
  );
  const response = await fetch(downloadUrl);
  if (!response.ok) fail(`reading the image config of ${imageRef} failed with HTTP ${response.status}`);
  const config = await response.json();
  const platform = `${config.os}/${config.architecture}`;
  if (platform !== `linux/${want}`) fail(`${imageRef} is built for ${platform}, not linux/${want}`);
  console.log(`${imageRef} is built for ${platform}`);
} else {
  fail(`${imageRef} has an unexpected manifest type ${mediaType}`);
}
