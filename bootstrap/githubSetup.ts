/**
 * The repository settings the workflows read, as the `gh` commands that set them, printed by the bootstrap so
 * the administrator copies values instead of retyping ARNs.
 */

/** What the workflows need to know about the account. */
export interface GitHubSetupValues {
  /** OWNER/NAME. */
  repository: string;
  /** AWS region of the stacks. */
  region: string;
  /** `s3://...` of the state bucket. */
  backendUrl: string;
  /** ARN of the pull request preview role. */
  previewRoleArn: string;
  /** ARN of each environment's deploy role, keyed by environment. */
  deployRoleArns: Record<string, string>;
}

/**
 * One `gh variable set` per setting: repository variables for everything shared, and an environment variable
 * `AWS_ROLE_ARN` in each environment, so a job only sees the role of the environment it runs in.
 */
export function githubVariableCommands(v: GitHubSetupValues): string[] {
  const set = (name: string, value: string, env?: string) =>
    `gh variable set ${name} --repo ${v.repository}${env ? ` --env ${env}` : ""} --body '${value}'`;
  return [
    set("AWS_REGION", v.region),
    set("PULUMI_BACKEND_URL", v.backendUrl),
    set("AWS_PREVIEW_ROLE_ARN", v.previewRoleArn),
    ...Object.entries(v.deployRoleArns).map(([env, arn]) => set("AWS_ROLE_ARN", arn, env)),
  ];
}
