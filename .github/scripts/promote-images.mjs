#!/usr/bin/env node
/**
 * Promotes a release: adds the tag `<prefix><service>-<suffix>` to each image's digest in the shared
 * repository, so the repository's promoted-images lifecycle rule keeps it (components/imageRepository.ts).
 * Runs before `pulumi up` of the promoted stack, with that stack's deploy role (which may read and tag images,
 * nothing else).
 *
 *   RELEASE='<checked json>' PROMOTION_TAG_SUFFIX=<run id>-<run attempt> promote-images.mjs
 *
 * Per image, as ECR documents retagging (image-retag.html): BatchGetImage by digest for the manifest and its
 * media type, then PutImage of that exact manifest with the new tag (and the digest, which ECR checks).
 * Idempotent: PutImage answers ImageAlreadyExistsException when the tag is already on this digest (a re-run)
 * and ImageTagAlreadyExistsException when an immutable repository has the tag on any image; either way the tag
 * is then read back, and the promotion goes on only if it names this digest.
 *
 * First, a retention check. Rules count images by their first push (re-tagging does not change it): adding new
 * promoted images pushes older ones down the list. If any image of this release would fall out of the newest
 * N promoted images, ECR would expire it within a day while the stack runs it, so the promotion stops before
 * it tags anything. N is read from the repository's lifecycle policy.
 *
 * Environment: PROMOTED_TAG_PREFIX (default "prod-"). Needs the AWS CLI and credentials.
 */
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { parseImageRef, parseRelease } from "./release.mjs";

const MEDIA_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
];
/** ECR image tags: letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-'. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Runs the AWS CLI; returns parsed JSON, or throws with the CLI's error text (exception names included). */
function aws(args) {
  try {
    return JSON.parse(
      execFileSync("aws", [...args, "--output", "json"], { encoding: "utf8", stdio: "pipe" }) || "{}",
    );
  } catch (err) {
    const text = `${err.stderr ?? ""}${err.stdout ?? ""}`.trim() || err.message;
    throw Object.assign(new Error(text), { cli: true });
  }
}

const repoArgs = (image) => [
  "--region",
  image.region,
  "--registry-id",
  image.registryId,
  "--repository-name",
  image.repository,
];

/**
 * The lifecycle rule on promoted tags, from the repository's lifecycle policy: `{ count }` for a rule that keeps
 * the newest N, `{ days }` for one that keeps each image N days after its first push; undefined when none.
 */
export function promotedRule(lifecyclePolicyText, prefix) {
  const policy = JSON.parse(lifecyclePolicyText);
  const rule = (policy.rules ?? []).find(
    (r) => JSON.stringify(r.selection?.tagPatternList) === JSON.stringify([`${prefix}*`]),
  );
  if (rule?.selection?.countType === "imageCountMoreThan") return { count: rule.selection.countNumber };
  if (rule?.selection?.countType === "sinceImagePushed") return { days: rule.selection.countNumber };
  return undefined;
}

/**
 * The release's images that would not be among the newest `count` promoted images once it is promoted: those
 * already promoted (any tag starting with `prefix`) plus the release's own, ranked by first push, newest first.
 */
export function imagesPushedOut(details, releaseDigests, prefix, count) {
  const pushed = new Map();
  for (const d of details) {
    const promoted = (d.imageTags ?? []).some((t) => t.startsWith(prefix));
    if (promoted || releaseDigests.includes(d.imageDigest))
      pushed.set(d.imageDigest, Date.parse(d.imagePushedAt));
  }
  const ranked = [...pushed]
    .sort(([da, a], [db, b]) => b - a || (da < db ? -1 : 1))
    .map(([digest]) => digest);
  // An image missing from the repository is not this check's to report: tagging it fails with "not found".
  return releaseDigests.filter((digest) => ranked.includes(digest) && ranked.indexOf(digest) >= count);
}

/**
 * The release's images a keep-for-`days` rule would expire within `marginDays` of `now` (by first push), so
 * within a stack's lifetime of running them: a promotion of such an image is refused.
 */
export function imagesExpiringByAge(details, releaseDigests, days, now, marginDays = 30) {
  const limit = now - (days - marginDays) * 86_400_000;
  return releaseDigests.filter((digest) => {
    const d = details.find((i) => i.imageDigest === digest);
    return d !== undefined && Date.parse(d.imagePushedAt) < limit;
  });
}

function checkRetention(release, prefix) {
  const image = parseImageRef(Object.values(release)[0]);
  let rule;
  try {
    rule = promotedRule(aws(["ecr", "get-lifecycle-policy", ...repoArgs(image)]).lifecyclePolicyText, prefix);
  } catch (err) {
    if (!/LifecyclePolicyNotFoundException/.test(err.message)) throw err;
  }
  if (rule === undefined) {
    console.log(`no lifecycle rule selects ${prefix}* images: nothing can expire a promoted image`);
    return;
  }
  const { imageDetails } = aws([
    "ecr",
    "describe-images",
    ...repoArgs(image),
    "--filter",
    "tagStatus=TAGGED",
  ]);
  const digests = Object.values(release).map((ref) => parseImageRef(ref).digest);
  const out =
    rule.count !== undefined
      ? imagesPushedOut(imageDetails ?? [], digests, prefix, rule.count)
      : imagesExpiringByAge(imageDetails ?? [], digests, rule.days, Date.now());
  if (out.length > 0) {
    const services = Object.entries(release)
      .filter(([, ref]) => out.includes(parseImageRef(ref).digest))
      .map(([service]) => service);
    const why =
      rule.count !== undefined
        ? `were first pushed before the newest ${rule.count} promoted images`
        : `were first pushed more than ${rule.days - 30} days ago and are kept ${rule.days} days`;
    throw new Error(
      `the images of ${services.join(", ")} ${why}; ECR would expire them while the stack runs them. Rebuild ` +
        "those services (any change to their build context gives a new image), or raise " +
        "promotedImageRetainDays in the bootstrap of the account that holds the images.",
    );
  }
  console.log(
    rule.count !== undefined
      ? `every image of the release stays among the newest ${rule.count} promoted images`
      : `every image of the release is kept at least 30 more days (${rule.days} days after its first push)`,
  );
}

/** The digest a tag names, or undefined when no image has it. */
function digestOfTag(image, tag) {
  try {
    return aws(["ecr", "describe-images", ...repoArgs(image), "--image-ids", `imageTag=${tag}`])
      .imageDetails?.[0]?.imageDigest;
  } catch (err) {
    if (/ImageNotFoundException/.test(err.message)) return undefined;
    throw err;
  }
}

function tagImage(service, ref, tag) {
  const image = parseImageRef(ref);
  const got = aws([
    "ecr",
    "batch-get-image",
    ...repoArgs(image),
    "--image-ids",
    `imageDigest=${image.digest}`,
    "--accepted-media-types",
    ...MEDIA_TYPES,
  ]);
  const found = got.images?.[0];
  if (!found)
    throw new Error(`${service}: ${ref} is not in the repository: ${JSON.stringify(got.failures ?? [])}`);
  try {
    aws([
      "ecr",
      "put-image",
      ...repoArgs(image),
      "--image-tag",
      tag,
      "--image-digest",
      image.digest,
      "--image-manifest",
      found.imageManifest,
      "--image-manifest-media-type",
      found.imageManifestMediaType,
    ]);
  } catch (err) {
    if (!/ImageAlreadyExistsException|ImageTagAlreadyExistsException/.test(err.message)) throw err;
  }
  const tagged = digestOfTag(image, tag);
  if (tagged !== image.digest) {
    throw new Error(`${service}: the tag ${tag} names ${tagged ?? "no image"}, not ${image.digest}`);
  }
  console.log(`${service}: ${tag} -> ${image.digest}`);
}

function main() {
  const { release, problems } = parseRelease(process.env.RELEASE);
  if (problems) {
    for (const p of problems) console.error(`promote: ${p}`);
    process.exit(2);
  }
  const prefix = process.env.PROMOTED_TAG_PREFIX ?? "prod-";
  const suffix = process.env.PROMOTION_TAG_SUFFIX ?? "";
  const tags = Object.fromEntries(
    Object.keys(release).map((service) => [service, `${prefix}${service}-${suffix}`]),
  );
  const bad = Object.values(tags).filter((tag) => !suffix || !TAG.test(tag));
  if (bad.length > 0) {
    console.error(
      `promote: ${bad.join(", ")} is not an image tag (set PROMOTION_TAG_SUFFIX, e.g. <run id>-<attempt>)`,
    );
    process.exit(2);
  }
  try {
    checkRetention(release, prefix);
    for (const [service, ref] of Object.entries(release)) tagImage(service, ref, tags[service]);
  } catch (err) {
    console.error(`promote: ${err.message}`);
    process.exit(1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
