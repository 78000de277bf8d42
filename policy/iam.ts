/**
 * IAM: what roles may do (no wildcard actions, no wildcard resources for S3) and who may assume them (one AWS
 * service, the one that actually uses the role).
 */
import * as aws from "@pulumi/aws";
import type {
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { asArray, controls, refersTo, resourcesOf, type Statement, statementsOf } from "./common";

/** Every identity policy document in a resource's props, with a label for messages. */
function identityDocuments(type: string, props: Record<string, any>): { label: string; document: unknown }[] {
  if (type === "aws:iam/role:Role") {
    return asArray(props.inlinePolicies as { name?: string; policy?: unknown }[])
      .filter((p) => p.policy !== undefined && p.policy !== "")
      .map((p) => ({ label: `inline policy ${p.name ?? "(unnamed)"}`, document: p.policy }));
  }
  if (["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"].includes(type)) {
    return [{ label: "policy", document: props.policy }];
  }
  return [];
}

const IDENTITY_POLICY_TYPES = ["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"];

/** AWS managed policies that grant a whole service or everything. */
const BROAD_MANAGED_POLICIES = [
  "AdministratorAccess",
  "PowerUserAccess",
  "IAMFullAccess",
  "AmazonS3FullAccess",
  "AmazonEC2FullAccess",
  "AmazonECS_FullAccess",
  "CloudWatchLogsFullAccess",
];

function managedPolicyName(arn: unknown): string | undefined {
  return /^arn:aws[\w-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(String(arn))?.[1];
}

export const noWildcardActions: ResourceValidationPolicy = {
  name: "iam-no-wildcard-actions",
  description:
    'No identity policy allows "*" or a whole service ("s3:*"), or uses NotAction to allow; no role gets a ' +
    "broad AWS managed policy (AdministratorAccess, *FullAccess, ...).",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: controls("IAM.1", "IAM.21", "CKV_AWS_62", "CKV_AWS_63"),
  validateResource: (args, report) => {
    const attached = [
      ...(args.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" ? [args.props.policyArn] : []),
      ...(args.type === "aws:iam/role:Role" ? asArray(args.props.managedPolicyArns as string[]) : []),
    ];
    if (!IDENTITY_POLICY_TYPES.includes(args.type) && attached.length === 0) {
      args.notApplicable("not an IAM identity policy");
    }
    for (const arn of attached) {
      const name = managedPolicyName(arn);
      if (name && BROAD_MANAGED_POLICIES.includes(name)) report(`attaches the broad managed policy ${name}`);
    }
    for (const { label, document } of identityDocuments(args.type, args.props)) {
      const statements = statementsOf(document);
      if (!statements) {
        report(`${label} is not a readable policy document`);
        continue;
      }
      for (const s of statements.filter((s) => s.effect === "Allow")) {
        const where = `${label} statement ${s.sid ?? "(no Sid)"}`;
        for (const a of s.actions.filter((a) => a === "*" || /^[\w-]+:\*$/.test(a))) {
          report(`${where} allows "${a}"`);
        }
        if (s.notActions.length > 0) report(`${where} allows everything except NotAction`);
      }
    }
  },
};

/** S3 actions that only exist at account level, so "*" is their only possible resource. */
const ACCOUNT_LEVEL_S3_ACTIONS = [
  "s3:ListAllMyBuckets",
  "s3:GetAccountPublicAccessBlock",
  "s3:PutAccountPublicAccessBlock",
  "s3:ListAccessPoints",
];

export const noWildcardS3Resources: ResourceValidationPolicy = {
  name: "iam-no-wildcard-s3-resources",
  description: 'No identity policy allows S3 actions on Resource "*": S3 permissions name their bucket.',
  enforcementLevel: "mandatory",
  severity: "high",
  tags: controls("CKV_AWS_355"),
  validateResource: (args, report) => {
    if (!IDENTITY_POLICY_TYPES.includes(args.type)) args.notApplicable("not an IAM identity policy");
    for (const { label, document } of identityDocuments(args.type, args.props)) {
      for (const s of (statementsOf(document) ?? []).filter((s) => s.effect === "Allow")) {
        const s3 = s.actions.filter(
          (a) => (a.startsWith("s3:") || a === "*") && !ACCOUNT_LEVEL_S3_ACTIONS.includes(a),
        );
        if (s3.length > 0 && s.resources.includes("*")) {
          report(`${label} statement ${s.sid ?? "(no Sid)"} allows ${s3.join(", ")} on every resource`);
        }
      }
    }
  },
};

/** The service principals a trust policy's statements name; problems for anything else. */
function trustedServices(statements: Statement[]): { services: string[]; problems: string[] } {
  const services: string[] = [];
  const problems: string[] = [];
  for (const s of statements) {
    const where = `trust statement ${s.sid ?? "(no Sid)"}`;
    if (s.effect !== "Allow") continue;
    const principal = s.principal as Record<string, unknown> | string | undefined;
    if (typeof principal !== "object" || principal === null) {
      problems.push(`${where} trusts ${JSON.stringify(principal ?? null)}, not an AWS service`);
      continue;
    }
    const others = Object.keys(principal).filter((k) => k !== "Service");
    if (others.length > 0)
      problems.push(`${where} trusts ${others.join(", ")} principals, not only a service`);
    services.push(...asArray(principal.Service as string | string[]));
    const actions = s.actions.filter((a) => a !== "sts:AssumeRole" && a !== "sts:TagSession");
    if (actions.length > 0) problems.push(`${where} allows ${actions.join(", ")}`);
  }
  if (services.length === 0) problems.push("the trust policy names no service principal");
  if (new Set(services).size > 1)
    problems.push(`the role is trusted by several services: ${services.join(", ")}`);
  return { services, problems };
}

export const trustServicePrincipal: ResourceValidationPolicy = {
  name: "iam-trust-service-principal",
  description:
    "Every role's trust policy lets exactly one AWS service assume it (sts:AssumeRole), no account, user or *.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: controls("CKV_AWS_60"),
  validateResource: (args, report) => {
    if (args.type !== "aws:iam/role:Role") args.notApplicable("not an IAM role");
    const statements = statementsOf(args.props.assumeRolePolicy);
    if (!statements) {
      report("assumeRolePolicy is not a readable policy document");
      return;
    }
    for (const p of trustedServices(statements).problems) report(p);
  },
};

/** Which service must trust a role, by the property through which a resource uses it. */
const ROLE_USES: { class: any; property: string; service: string }[] = [
  { class: aws.ecs.TaskDefinition, property: "taskRoleArn", service: "ecs-tasks.amazonaws.com" },
  { class: aws.ecs.TaskDefinition, property: "executionRoleArn", service: "ecs-tasks.amazonaws.com" },
  { class: aws.iam.InstanceProfile, property: "role", service: "ec2.amazonaws.com" },
  { class: aws.ec2.FlowLog, property: "iamRoleArn", service: "vpc-flow-logs.amazonaws.com" },
  { class: aws.ecs.Service, property: "iamRole", service: "ecs.amazonaws.com" },
];

/** The services that use `role`, with the using resources, from the stack. */
function usesOf(args: StackValidationArgs, role: PolicyResource): { service: string; by: PolicyResource }[] {
  return ROLE_USES.flatMap((use) =>
    resourcesOf(args, use.class)
      .filter((r) => refersTo(r, use.property, role))
      .map((by) => ({ service: use.service, by })),
  );
}

export const trustMatchesUse: StackValidationPolicy = {
  name: "iam-trust-matches-use",
  description:
    "A role is trusted by the service that uses it: task and execution roles by ecs-tasks, the instance role " +
    "by ec2, the flow-log role by vpc-flow-logs; one role never serves two services.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: controls("CKV_AWS_60"),
  validateStack: (args, report) => {
    for (const role of resourcesOf(args, aws.iam.Role)) {
      const uses = usesOf(args, role);
      if (uses.length === 0) continue;
      const needed = [...new Set(uses.map((u) => u.service))].sort();
      if (needed.length > 1) {
        report(`${role.name}: used by ${needed.join(" and ")}; give each service its own role`, role.urn);
        continue;
      }
      const { services } = trustedServices(statementsOf(role.props.assumeRolePolicy) ?? []);
      const wrong = services.filter((s) => s !== needed[0]);
      if (!services.includes(needed[0]) || wrong.length > 0) {
        const by = uses.map((u) => u.by.name).join(", ");
        report(
          `${role.name}: used by ${by}, so it must trust ${needed[0]} only, but trusts ${services.join(", ") || "no service"}`,
          role.urn,
        );
      }
    }
  },
};

export const iamPolicies = [noWildcardActions, noWildcardS3Resources, trustServicePrincipal, trustMatchesUse];
