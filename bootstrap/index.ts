/**
 * The bootstrap program, run once per AWS account by an administrator (docs/delivery.md): the Pulumi state
 * backend, GitHub's OIDC provider and the CI roles. Its outputs are what the main project's stacks and the
 * repository's settings need.
 */
import * as pulumi from "@pulumi/pulumi";
import { CiRoles } from "./ciRoles";
import { loadBootstrapConfig } from "./config";
import { githubVariableCommands } from "./githubSetup";
import { StateBackend } from "./stateBackend";

const config = loadBootstrapConfig();
const tags = { project: config.projectName, stack: pulumi.getStack(), purpose: "delivery" };

const state = new StateBackend("state", {
  region: config.region,
  tags,
  noncurrentVersionDays: config.stateVersionRetentionDays,
  aliasName: `${config.projectName}-pulumi-state`,
});

const ci = new CiRoles("ci", {
  region: config.region,
  tags,
  repository: { owner: config.githubOwner, name: config.githubRepository, ids: config.githubIds },
  existingOidcProviderArn: config.existingOidcProviderArn,
  project: config.projectName,
  stateBucketArn: state.bucketArn,
  stateKeyArn: state.keyArn,
});

/** `pulumi login` for the main project's stacks. */
export const backendUrl = state.backendUrl;
/** `pulumi stack init <stack> --secrets-provider` for the main project's stacks. */
export const secretsProvider = state.secretsProvider;
/** The state bucket. */
export const stateBucketName = state.bucketName;
/** The state and secrets key. */
export const stateKeyArn = state.keyArn;
/** GitHub's OIDC provider in this account. */
export const oidcProviderArn = ci.oidcProviderArn;
/** The role pull request previews assume. */
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
