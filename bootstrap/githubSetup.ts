/**
 * The repository settings the workflows read, as the `gh` commands that set them, printed by the bootstrap so
 * the administrator copies values instead of retyping ARNs. Each account's bootstrap prints the settings of the
 * environments it hosts; running every account's commands sets them all.
 */

/** What the workflows need to know about the account. */
export interface GitHubSetupValues {
  /** OWNER/NAME. */
  repository: string;
  /** AWS region of the stacks (the same in every account: the shared image repository is regional). */
  region: string;
  /** `s3://...` of this account's state bucket. */
  backendUrl: string;
  /** ARN of this account's pull request preview role. */
  previewRoleArn: string;
  /** ARN of each environment's deploy role, keyed by environment. */
  deployRoleArns: Record<string, string>;
}

/** The suffix of a per-stack repository variable: `test` -> `TEST` (variable names are [A-Z0-9_]). */
export function variableSuffix(environment: string): string {
  return environment.toUpperCase().replace(/-/g, "_");
}

/**
 * One `gh variable set` per setting. Previews run without a GitHub environment (one would change the OIDC sub
 * claim), so each stack's backend and preview role are repository variables named for the stack; the deploy
 * role is an environment variable `AWS_ROLE_ARN` of its GitHub environment, so only that environment's jobs
 * see it.
 */
export function githubVariableCommands(v: GitHubSetupValues): string[] {
  const set = (name: string, value: string, env?: string) =>
    `gh variable set ${name} --repo ${v.repository}${env ? ` --env ${env}` : ""} --body '${value}'`;
  return [
    set("AWS_REGION", v.region),
    ...Object.entries(v.deployRoleArns).flatMap(([env, arn]) => [
      set(`PULUMI_BACKEND_URL_${variableSuffix(env)}`, v.backendUrl),
      set(`AWS_PREVIEW_ROLE_ARN_${variableSuffix(env)}`, v.previewRoleArn),
      set("AWS_ROLE_ARN", arn, env),
    ]),
  ];
}
