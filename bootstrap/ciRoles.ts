/**
 * The identities the delivery workflows assume through GitHub's OIDC provider, so no AWS key is ever stored in
 * GitHub: one deploy role per environment this account hosts (trusted only for jobs of that GitHub environment
 * of this repository) and one read-only preview role (trusted only for this repository's pull request jobs).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { iamPath } from "../components/iam";
import { type CommonArgs, componentProvider } from "../components/provider";
import { deployPolicy } from "./deployPolicy";
import {
  CI_ROLE_PATH,
  environmentSubject,
  GITHUB_OIDC_HOST,
  type GitHubRepository,
  githubTrustPolicy,
  previewStatePolicy,
  pullRequestSubject,
  STS_AUDIENCE,
} from "./policies";

/** What the CI roles are built from. */
export interface CiRolesArgs extends CommonArgs {
  /** AWS region of the roles' resources (the image repository's ARN names it). */
  region: string;
  /** The repository whose workflows may assume the roles. */
  repository: GitHubRepository;
  /** ARN of the account's GitHub OIDC provider when it exists already. Defaults to creating one. */
  existingOidcProviderArn?: string;
  /** The Pulumi project the roles deploy (state paths). */
  project: string;
  /** GitHub environments, one deploy role each; each is also the stack name. Defaults to ["test", "prod"]. */
  environments?: string[];
  /** Environments that run promoted images: their roles tag images instead of pushing them. Defaults to ["prod"]. */
  promotedEnvironments?: string[];
  /** IAM path of the program's roles, the only IAM the deploy roles may touch. Defaults to `/<project>/`. */
  programIamPath?: string;
  /** ARN of the state bucket. */
  stateBucketArn: pulumi.Input<string>;
  /** ARN of the state and secrets key. */
  stateKeyArn: pulumi.Input<string>;
  /** ARN of the workload boundary every role the program creates must carry (the WorkloadBoundary's `arn`). */
  boundaryArn: pulumi.Input<string>;
  /** Account that holds the shared image repository, named `project`. Defaults to this account. */
  imageAccountId?: string;
}

/** The args with defaults applied. */
export interface ResolvedCiRolesArgs
  extends Omit<CiRolesArgs, "environments" | "promotedEnvironments" | "programIamPath"> {
  environments: string[];
  promotedEnvironments: string[];
  programIamPath: string;
}

/** Exported for tests: applies defaults and reports every problem at once. */
export function resolveCiRolesArgs(args: CiRolesArgs): ResolvedCiRolesArgs {
  const environments = args.environments ?? ["test", "prod"];
  const promotedEnvironments = args.promotedEnvironments ?? ["prod"];
  const programIamPath = args.programIamPath ?? iamPath(args.project);
  const problems: string[] = [];
  if (environments.length === 0) problems.push("environments is empty; name at least one");
  const seen = new Set<string>();
  for (const env of environments) {
    // A stack name and a GitHub environment name at once; ':' or '*' would also change the sub claim's meaning.
    if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(env)) {
      problems.push(`environment "${env}" is not a lower-case stack name (letters, digits, '-', '_')`);
    }
    if (seen.has(env)) problems.push(`environment "${env}" is listed twice`);
    seen.add(env);
  }
  if (!/^\/([A-Za-z0-9+=,.@_-]+\/)+$/.test(programIamPath) || programIamPath === CI_ROLE_PATH) {
    problems.push(
      `programIamPath "${programIamPath}" is not an IAM path like /${args.project}/ (and not ${CI_ROLE_PATH})`,
    );
  }
  if (args.imageAccountId !== undefined && !/^\d{12}$/.test(args.imageAccountId)) {
    problems.push(`imageAccountId "${args.imageAccountId}" is not a 12-digit AWS account id`);
  }
  if (problems.length > 0) throw new Error(`CiRoles: ${problems.join("; ")}`);
  return { ...args, environments, promotedEnvironments, programIamPath };
}

/** The shared image repository's ARN: the bootstrap of the account that holds it names it `project`. */
export function imageRepositoryArn(
  partition: string,
  region: string,
  accountId: string,
  project: string,
): string {
  return `arn:${partition}:ecr:${region}:${accountId}:repository/${project}`;
}

export class CiRoles extends pulumi.ComponentResource {
  /** ARN of the GitHub OIDC provider the roles trust. */
  readonly oidcProviderArn: pulumi.Output<string>;
  /** ARN of each environment's deploy role, keyed by environment. */
  readonly deployRoleArns: Record<string, pulumi.Output<string>>;
  /** ARN of the read-only preview role for pull requests. */
  readonly previewRoleArn: pulumi.Output<string>;

  constructor(name: string, args: CiRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-json-api:bootstrap:CiRoles", name, {}, opts);
    const r = resolveCiRolesArgs(args);
    const provider = componentProvider(this, name, "CiRoles", r);
    const child = { parent: this, provider };

    const partition = aws.getPartitionOutput({}, child).partition;
    const accountId = aws.getCallerIdentityOutput({}, child).accountId;

    this.oidcProviderArn = r.existingOidcProviderArn
      ? pulumi.output(r.existingOidcProviderArn)
      : new aws.iam.OpenIdConnectProvider(
          `${name}-github`,
          // No thumbprint: IAM validates GitHub's certificate against its own trusted CAs and ignores one.
          { url: `https://${GITHUB_OIDC_HOST}`, clientIdLists: [STS_AUDIENCE] },
          child,
        ).arn;

    this.deployRoleArns = {};
    for (const env of r.environments) {
      const role = new aws.iam.Role(
        `${name}-deploy-${env}`,
        {
          description: `GitHub Actions deploys the ${env} stack of ${r.repository.owner}/${r.repository.name}.`,
          path: CI_ROLE_PATH,
          assumeRolePolicy: this.oidcProviderArn.apply((arn) =>
            JSON.stringify(githubTrustPolicy(arn, environmentSubject(r.repository, env))),
          ),
        },
        child,
      );
      new aws.iam.RolePolicy(
        `${name}-deploy-${env}-policy`,
        {
          role: role.id,
          policy: pulumi
            .all([partition, accountId, r.stateBucketArn, r.stateKeyArn, r.boundaryArn])
            .apply(([p, id, bucketArn, keyArn, boundaryArn]) => {
              if (r.imageAccountId === id) {
                throw new Error(
                  `CiRoles: imageAccountId ${id} is this account; leave it unset when this account holds the images`,
                );
              }
              return JSON.stringify(
                deployPolicy({
                  partition: p,
                  accountId: id,
                  stateBucketArn: bucketArn,
                  stateKeyArn: keyArn,
                  project: r.project,
                  stack: env,
                  iamPath: r.programIamPath,
                  boundaryArn,
                  imageRepositoryArn: imageRepositoryArn(p, r.region, r.imageAccountId ?? id, r.project),
                  images: r.promotedEnvironments.includes(env) ? "promote" : "build",
                }),
              );
            }),
        },
        child,
      );
      this.deployRoleArns[env] = role.arn;
    }

    const preview = new aws.iam.Role(
      `${name}-preview`,
      {
        description: `GitHub Actions previews pull requests of ${r.repository.owner}/${r.repository.name}, read-only.`,
        path: CI_ROLE_PATH,
        assumeRolePolicy: this.oidcProviderArn.apply((arn) =>
          JSON.stringify(githubTrustPolicy(arn, pullRequestSubject(r.repository))),
        ),
      },
      child,
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-preview-read-only`,
      // A preview reads what the program reads (AMI parameters, zones, the ECR login, the current state of
      // resources on refresh); AWS's ReadOnlyAccess covers that without any write.
      { role: preview.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/ReadOnlyAccess` },
      child,
    );
    new aws.iam.RolePolicy(
      `${name}-preview-state`,
      {
        role: preview.id,
        policy: pulumi
          .all([r.stateBucketArn, r.stateKeyArn])
          .apply(([bucketArn, keyArn]) => JSON.stringify(previewStatePolicy(bucketArn, keyArn))),
      },
      child,
    );
    this.previewRoleArn = preview.arn;

    this.registerOutputs({
      oidcProviderArn: this.oidcProviderArn,
      deployRoleArns: this.deployRoleArns,
      previewRoleArn: this.previewRoleArn,
    });
  }
}
