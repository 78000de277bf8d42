/**
 * The bootstrap's one reader of stack configuration. `loadBootstrapConfig()` reads every key once through
 * `pulumi.Config`; `parseBootstrapConfig()` is the pure part the tests call: defaults, validation, and every
 * problem reported at once.
 */
import * as pulumi from "@pulumi/pulumi";

/** The bootstrap's config namespace, as in bootstrap/Pulumi.yaml's `name`. */
export const BOOTSTRAP_PROJECT = "ecs-json-api-bootstrap";

/** Every key the bootstrap reads, each with its default ("" for optional strings; no default means required). */
export const BOOTSTRAP_KEYS = {
  githubRepository: undefined,
  githubOwnerId: "",
  githubRepositoryId: "",
  existingOidcProviderArn: "",
  projectName: "ecs-json-api",
  stateVersionRetentionDays: "90",
  environments: undefined,
  promotedEnvironments: '["prod"]',
  imageAccountId: "",
  imagePullAccountIds: "[]",
  promotedImageRetainDays: "3650",
  buildImageRetainCount: "30",
} as const satisfies Record<string, string | undefined>;

export type BootstrapKey = keyof typeof BOOTSTRAP_KEYS;

/** The validated bootstrap configuration. */
export interface BootstrapConfig {
  /** AWS region of the state bucket and key (from `aws:region`). */
  region: string;
  /** Owner (user or organisation) of the repository allowed to deploy. */
  githubOwner: string;
  /** Name of the repository allowed to deploy. */
  githubRepository: string;
  /** Numeric ids of owner and repository, when the trust policies match GitHub's immutable sub claim. */
  githubIds?: { owner: string; repository: string };
  /** ARN of an existing GitHub OIDC provider to reuse; undefined creates one. */
  existingOidcProviderArn?: string;
  /** The Pulumi project the CI deploys (state paths, IAM path). */
  projectName: string;
  /** Days a noncurrent state object version is kept. */
  stateVersionRetentionDays: number;
  /** The environments (stacks, GitHub environments) this account hosts: one deploy role each. */
  environments: string[];
  /** Environments that run images promoted from another and never build: their roles tag, not push. */
  promotedEnvironments: string[];
  /** The account holding the shared image repository; undefined when this account holds it. */
  imageAccountId?: string;
  /** Other accounts whose promoted environments pull from, and tag in, this account's repository. */
  imagePullAccountIds: string[];
  /** Days the shared repository keeps a promoted image after its first push. */
  promotedImageRetainDays: number;
  /** Tagged images the shared repository's build rule keeps (promoted ones among them). */
  buildImageRetainCount: number;
}

// GitHub's rules: an owner is 1-39 letters, digits or single hyphens, not at either end; a repository name is
// 1-100 letters, digits, '.', '_', '-', and not "." or "..". IAM compares the sub claim case-sensitively.
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPOSITORY = /^(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;
const NUMERIC_ID = /^[1-9]\d{0,19}$/;
const OIDC_PROVIDER_ARN =
  /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;
// A Pulumi project name that is also safe inside an IAM path and an S3 key.
const PROJECT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
// A stack name and a GitHub environment name at once; ':' or '*' would also change the OIDC sub claim's meaning.
const ENVIRONMENT = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const ACCOUNT_ID = /^\d{12}$/;

/** A JSON array of strings (how Pulumi hands a program structured config), or the problem with it. */
function stringList(raw: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
  } catch {
    // not JSON: reported by the caller
  }
  return undefined;
}

/**
 * Validates raw config (`key` without namespace to string; `aws:region` under its own name) and applies
 * defaults. Throws one error naming every problem.
 */
export function parseBootstrapConfig(
  raw: Partial<Record<BootstrapKey | "aws:region", string>>,
): BootstrapConfig {
  const value = (key: BootstrapKey) => raw[key] ?? BOOTSTRAP_KEYS[key] ?? "";
  const problems: string[] = [];
  const key = (k: string) => `${BOOTSTRAP_PROJECT}:${k}`;

  const region = raw["aws:region"] ?? "";
  if (!REGION.test(region)) problems.push(`aws:region = "${region}" is not an AWS region such as eu-west-1`);

  const repository = value("githubRepository");
  const [owner, name, ...rest] = repository.split("/");
  if (!repository) {
    problems.push(`${key("githubRepository")} is required: the repository allowed to deploy, as OWNER/NAME`);
  } else if (rest.length > 0 || name === undefined || !OWNER.test(owner) || !REPOSITORY.test(name)) {
    problems.push(
      `${key("githubRepository")} = "${repository}" is not a GitHub repository written OWNER/NAME`,
    );
  }

  const ownerId = value("githubOwnerId");
  const repositoryId = value("githubRepositoryId");
  for (const [k, v] of [
    ["githubOwnerId", ownerId],
    ["githubRepositoryId", repositoryId],
  ] as const) {
    if (v && !NUMERIC_ID.test(v)) problems.push(`${key(k)} = "${v}" is not a numeric GitHub id`);
  }
  if (Boolean(ownerId) !== Boolean(repositoryId)) {
    problems.push(
      `${key("githubOwnerId")} and ${key("githubRepositoryId")} go together: set both or neither`,
    );
  }

  const existing = value("existingOidcProviderArn");
  if (existing && !OIDC_PROVIDER_ARN.test(existing)) {
    problems.push(
      `${key("existingOidcProviderArn")} = "${existing}" is not the ARN of a token.actions.githubusercontent.com OIDC provider`,
    );
  }

  const projectName = value("projectName");
  if (!PROJECT_NAME.test(projectName)) {
    problems.push(
      `${key("projectName")} = "${projectName}" is not a lower-case project name such as ecs-json-api`,
    );
  }

  const retention = value("stateVersionRetentionDays");
  const days = Number(retention);
  if (!/^\d+$/.test(retention) || days < 1 || days > 3650) {
    problems.push(
      `${key("stateVersionRetentionDays")} = "${retention}" is not a whole number from 1 to 3650`,
    );
  }

  const list = (k: "environments" | "promotedEnvironments" | "imagePullAccountIds", what: string) => {
    const raw = value(k);
    if (!raw) {
      problems.push(`${key(k)} is required: ${what}, e.g. pulumi config set --path '${k}[0]' test`);
      return [];
    }
    const items = stringList(raw);
    if (!items) {
      problems.push(`${key(k)} = ${raw} is not a list of strings`);
      return [];
    }
    const seen = new Set<string>();
    for (const item of items) {
      if (seen.has(item)) problems.push(`${key(k)} lists "${item}" twice`);
      seen.add(item);
    }
    return items;
  };
  const environments = list("environments", "the environments this account hosts");
  if (value("environments") && environments.length === 0 && stringList(value("environments"))) {
    problems.push(`${key("environments")} is empty; name at least one environment`);
  }
  const promotedEnvironments = list("promotedEnvironments", "the environments that run promoted images");
  for (const env of [...environments, ...promotedEnvironments]) {
    if (!ENVIRONMENT.test(env)) {
      problems.push(`environment "${env}" is not a lower-case stack name (letters, digits, '-', '_')`);
    }
  }

  const imageAccountId = value("imageAccountId");
  const pullAccounts = list("imagePullAccountIds", "accounts that pull images");
  if (imageAccountId && !ACCOUNT_ID.test(imageAccountId)) {
    problems.push(`${key("imageAccountId")} = "${imageAccountId}" is not a 12-digit AWS account id`);
  }
  for (const id of pullAccounts) {
    if (!ACCOUNT_ID.test(id))
      problems.push(`${key("imagePullAccountIds")}: "${id}" is not a 12-digit AWS account id`);
  }
  const building = environments.filter((env) => !promotedEnvironments.includes(env));
  if (imageAccountId) {
    // A stack that builds looks the repository up in its own account (docs/delivery.md).
    for (const env of building) {
      problems.push(
        `environment "${env}" builds images, so its account must hold the image repository: leave ${key("imageAccountId")} empty, or list "${env}" in ${key("promotedEnvironments")}`,
      );
    }
    if (pullAccounts.length > 0) {
      problems.push(`${key("imagePullAccountIds")} is only for the account that holds the image repository`);
    }
  } else if (environments.length > 0 && building.length === 0) {
    problems.push(
      `no environment here builds images, yet this account would hold the image repository: set ${key("imageAccountId")} to the account that builds`,
    );
  }

  const count = (k: "promotedImageRetainDays" | "buildImageRetainCount", max: number) => {
    const raw = value(k);
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
      problems.push(`${key(k)} = "${raw}" is not a whole number from 1 to ${max}`);
    }
    return Number(raw);
  };
  const promotedImageRetainDays = count("promotedImageRetainDays", 3650);
  const buildImageRetainCount = count("buildImageRetainCount", 10000);

  if (problems.length > 0) throw new Error(`Bootstrap config: ${problems.join("; ")}`);
  return {
    region,
    githubOwner: owner,
    githubRepository: name,
    githubIds: ownerId ? { owner: ownerId, repository: repositoryId } : undefined,
    existingOidcProviderArn: existing || undefined,
    projectName,
    stateVersionRetentionDays: days,
    environments,
    promotedEnvironments,
    imageAccountId: imageAccountId || undefined,
    imagePullAccountIds: pullAccounts,
    promotedImageRetainDays,
    buildImageRetainCount,
  };
}

/** Reads the bootstrap stack's config through `pulumi.Config` and validates it. */
export function loadBootstrapConfig(): BootstrapConfig {
  const config = new pulumi.Config(BOOTSTRAP_PROJECT);
  const raw: Partial<Record<BootstrapKey | "aws:region", string>> = {
    "aws:region": new pulumi.Config("aws").get("region"),
  };
  for (const k of Object.keys(BOOTSTRAP_KEYS) as BootstrapKey[]) raw[k] = config.get(k);
  return parseBootstrapConfig(raw);
}
