/**
 * The bootstrap program, run once per AWS account by an administrator (docs/delivery.md): the Pulumi state
 * backend, the workload permissions boundary, GitHub's OIDC provider and the CI roles of the environments the
 * account hosts, and, in the account that builds, the shared image repository. Its outputs are what the main
 * project's stacks and the repository's settings need.
 */
import * as pulumi from "@pulumi/pulumi";
import { CI_IAM_PATH } from "../components/iam";
import { ImageRepository } from "../components/imageRepository";
import { WorkloadBoundary } from "./boundary";
import { CiRoles } from "./ciRoles";
import { loadBootstrapConfig } from "./config";
import { githubVariableCommands } from "./githubSetup";
import { StateBackend } from "./stateBackend";

const config = loadBootstrapConfig();
const tags = { project: config.projectName, stack: pulumi.getStack(), purpose: "delivery" };
const common = { region: config.region, tags };

const state = new StateBackend("state", {
  ...common,
  noncurrentVersionDays: config.stateVersionRetentionDays,
  aliasName: `${config.projectName}-pulumi-state`,
});

const boundary = new WorkloadBoundary("workload-boundary", {
  ...common,
  project: config.projectName,
  stateBucketArn: state.bucketArn,
  stateKeyArn: state.keyArn,
});

// The account that builds holds the images; every other account's bootstrap names it in imageAccountId.
const images =
  config.imageAccountId === undefined
    ? new ImageRepository("images", {
        ...common,
        repositoryName: config.projectName,
        promotedRetainDays: config.promotedImageRetainDays,
        buildRetainCount: config.buildImageRetainCount,
        pullAccountIds: config.imagePullAccountIds,
        promoterRolePath: CI_IAM_PATH,
      })
    : undefined;

const ci = new CiRoles("ci", {
  ...common,
  repository: { owner: config.githubOwner, name: config.githubRepository, ids: config.githubIds },
  existingOidcProviderArn: config.existingOidcProviderArn,
  project: config.projectName,
  environments: config.environments,
  promotedEnvironments: config.promotedEnvironments,
  stateBucketArn: state.bucketArn,
  stateKeyArn: state.keyArn,
  boundaryArn: boundary.arn,
  imageAccountId: config.imageAccountId,
});

/** `pulumi login` for the main project's stacks in this account. */
export const backendUrl = state.backendUrl;
/** `pulumi stack init <stack> --secrets-provider` for the main project's stacks in this account. */
export const secretsProvider = state.secretsProvider;
/** The state bucket. */
export const stateBucketName = state.bucketName;
/** The state and secrets key. */
export const stateKeyArn = state.keyArn;
/** The permissions boundary every role of the program carries. */
export const workloadBoundaryArn = boundary.arn;
/** The shared image repository, when this account holds it. */
export const imageRepositoryUrl = images?.repositoryUrl;
/** GitHub's OIDC provider in this account. */
export const oidcProviderArn = ci.oidcProviderArn;
/** The role pull request previews of this account's stacks assume. */
export const previewRoleArn = ci.previewRoleArn;
/** The role each environment's deploys assume. */
export const deployRoleArns = ci.deployRoleArns;
/** The repository settings the workflows read, as `gh` commands to run once. */
export const githubSetup = pulumi
  .all([state.backendUrl, ci.previewRoleArn, pulumi.output(ci.deployRoleArns)])
  .apply(([backend, preview, deploy]) =>
    githubVariableCommands({
      repository: `${config.githubOwner}/${config.githubRepository}`,
      region: config.region,
      backendUrl: backend,
      previewRoleArn: preview,
      deployRoleArns: deploy,
    }),
  );
