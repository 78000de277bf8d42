/**
 * Where this design deliberately departs from a public control, said here rather than silently. Each entry
 * names the control, what the pack enforces instead (if anything), and why. The pack's readme lists them, and
 * `npm run plan` prints them next to the policy results.
 */

/** A documented departure from a public control. */
export interface PolicyException {
  /** The control departed from, e.g. `securityhub:ELB.1`. */
  control: string;
  /** What the control asks. */
  asks: string;
  /** The policy in this pack that enforces the narrower rule instead, when there is one. */
  policy?: string;
  /** Why the design departs. */
  reason: string;
}

export const EXCEPTIONS: PolicyException[] = [
  {
    control: "kics:ecs-task-definition-network-mode-not-recommended (Datadog IaC rule of the same name)",
    asks: "ECS task definitions use the awsvpc network mode (one ENI and security group per task).",
    policy: "ecs-task-no-host-namespaces",
    reason:
      "Tasks run in bridge mode with dynamic host ports so several tasks share one instance: in awsvpc mode " +
      "each task takes an ENI, and an instance's ENI limit (3 on a t3.medium) would cap tasks per instance. " +
      "What awsvpc would give is covered otherwise: the instances' group admits only the load balancer's " +
      "group on the ephemeral port range, IMDSv2 with hop limit 1 keeps containers from the instance role, and " +
      "containers run non-root on read-only root filesystems. Host mode stays forbidden (Security Hub ECS.17).",
  },
  {
    control: "checkov:CKV_AWS_260",
    asks: "No security group admits 0.0.0.0/0 on port 80.",
    policy: "sg-no-ingress-from-anywhere",
    reason:
      "The internet-facing load balancer's group admits 80 (and 443) from anywhere: that is its job, and port 80 " +
      "is how clients reach a stack without a certificate, or get redirected to HTTPS once it has one. The " +
      "policy allows it on that group only (as Security Hub's EC2.18 does, whose authorised ports are 80 and 443).",
  },
  {
    control: "securityhub:ELB.1, securityhub:ELB.18, checkov:CKV_AWS_2",
    asks: "Every ALB listener serves HTTPS, or redirects HTTP to HTTPS.",
    policy: "alb-http-redirects-to-https",
    reason:
      "Without a certificate (certificateArn and domainName empty, the default) there is nothing to serve HTTPS " +
      "with, so the ALB serves HTTP on port 80. The policy requires the redirect as soon as a certificate " +
      "exists (an HTTPS listener or an ACM certificate in the stack).",
  },
  {
    control: "securityhub:ELB.21, securityhub:ELB.22",
    asks: "Target groups and their health checks use HTTPS to the targets.",
    reason:
      "TLS terminates at the load balancer; the hop to the containers stays inside private subnets, on ports " +
      "only the load balancer's security group may reach. Certificates inside every container would add " +
      "rotation work without a threat that the security groups leave open.",
  },
  {
    control: "securityhub:ELB.5, securityhub:ELB.6",
    asks: "Every ALB logs access and has deletion protection on.",
    policy: "alb-access-logs-prod, alb-deletion-protection-prod",
    reason:
      "Only production stacks (config prodStacks, default [prod]) are held to these: the test stack is " +
      "disposable, and its access logs would cost more than they tell.",
  },
  {
    control: "securityhub:S3.9, checkov:CKV_AWS_18",
    asks: "Every bucket writes S3 server access logs.",
    policy: "s3-server-access-logs-prod",
    reason:
      "Production stacks log access to their data buckets (the documents); the test stack, disposable and holding " +
      "only the repository's own documents, does not. Buckets that receive logs (server access logs, ALB access " +
      "logs) do not log themselves, which would log each of their own deliveries.",
  },
  {
    control: "securityhub:CloudWatch.16",
    asks: "Log groups are retained for at least 365 days.",
    policy: "cloudwatch-log-retention",
    reason:
      "Retention is a per-stack setting (logRetentionDays: 7 in test, 90 in prod); the policy requires that a " +
      "retention is set, not a year, because these are application and flow logs, not an audit trail.",
  },
  {
    control: "securityhub:S3.1",
    asks: "The account-level S3 Block Public Access settings are on.",
    policy: "s3-public-access-block",
    reason:
      "An account-wide setting is outside a program that shares its account with other stacks; every bucket " +
      "this program creates has its own public access block with all four flags (S3.8).",
  },
];

/** The exceptions as Markdown, for the pack's readme and the plan. */
export function exceptionsMarkdown(): string {
  return EXCEPTIONS.map(
    (e) =>
      `- **${e.control}**: ${e.asks}` +
      (e.policy ? ` Enforced instead: \`${e.policy}\`.` : "") +
      ` Why: ${e.reason}`,
  ).join("\n");
}
