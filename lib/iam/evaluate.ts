/**
 * Decides a request against IAM policies the way AWS documents it, for the policy types this project writes:
 * identity-based policies, a permissions boundary, and one resource-based policy (a bucket, repository or key
 * policy, or a role's trust policy). Organizations SCPs and RCPs, session policies and VPC endpoint policies
 * are not modelled (the project uses none).
 *
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * 1. An explicit Deny in any applicable policy wins.
 * 2. Same account: the request is allowed when an identity-based policy or the resource-based policy allows it,
 *    and the permissions boundary (if the principal has one) allows it too. A resource-based policy that names
 *    the account (`arn:aws:iam::<account>:root` or the bare account id) rather than the principal itself
 *    delegates to the account's IAM policies: it allows nothing on its own.
 * 3. Different accounts: the principal's identity-based policy (within its boundary) and the resource-based
 *    policy must both allow.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 *
 * One simplification, deliberately stricter than AWS: a resource-based policy that names a role *session* ARN
 * is not limited by the role's boundary in AWS; here the boundary always applies. None of our policies name a
 * session.
 */
import { conditionHolds, type RequestContext } from "./conditions";
import { actionMatches, resourceMatches } from "./match";
import { type Policy, type PolicyInput, parsePolicy, type Statement } from "./policy";

/** Who makes the request: an IAM role session (by its role ARN), an AWS service, or a federated identity. */
export type RequestPrincipal = { role: string } | { service: string } | { federated: string };

/** One API request as IAM authorizes it. */
export interface AccessRequest {
  principal: RequestPrincipal;
  /** `service:Action`, e.g. `s3:PutObject`. */
  action: string;
  /** The resource ARN the action is authorized against. */
  resource: string;
  /** Condition keys the request carries. `aws:PrincipalArn` and `aws:PrincipalAccount` are filled in for roles. */
  context?: RequestContext;
}

/** The policies that apply to a request. */
export interface ApplicablePolicies {
  /** The principal's identity-based policies (inline and attached). */
  identity?: PolicyInput[];
  /** The principal's permissions boundary, if it has one. */
  boundary?: PolicyInput;
  /** The resource-based policy of the resource (bucket, repository, trust policy), if any. */
  resource?: PolicyInput;
  /** The account that owns the resource; defaults to the account in its ARN (S3 ARNs carry none: pass it). */
  resourceAccount?: string;
}

/** The outcome, with the statements that decided it. */
export interface Decision {
  allowed: boolean;
  /** "explicit deny", "allowed", or why nothing allowed it. */
  reason: string;
  /** Sids (or indexes) of the statements that matched, prefixed by the policy type. */
  matched: string[];
}

/** The account of an ARN (its fifth component), or undefined when it has none. */
export function arnAccount(arn: string): string | undefined {
  const account = arn.split(":")[4];
  return account ? account : undefined;
}

function principalOf(p: RequestPrincipal): { type: "AWS" | "Service" | "Federated"; id: string } {
  if ("role" in p) return { type: "AWS", id: p.role };
  if ("service" in p) return { type: "Service", id: p.service };
  return { type: "Federated", id: p.federated };
}

/**
 * How a resource policy statement's Principal matches the request: "direct" (it names the principal, or
 * anyone), "account" (it names the principal's account, which delegates to that account's IAM policies), or
 * undefined (it does not match).
 */
function principalMatch(st: Statement, request: AccessRequest): "direct" | "account" | undefined {
  if (!st.principal)
    throw new Error(`IAM policy statement ${st.sid ?? "?"}: a resource policy needs a Principal`);
  const who = principalOf(request.principal);
  let best: "direct" | "account" | undefined;
  for (const spec of st.principal) {
    if (spec.kind === "any") return "direct";
    if (spec.kind !== who.type) continue;
    for (const value of spec.values) {
      if (value === "*" || value === who.id) return "direct";
      if (who.type === "AWS") {
        const account = arnAccount(who.id);
        if (value === account || value === `arn:${who.id.split(":")[1]}:iam::${account}:root`)
          best = "account";
      }
    }
  }
  return best;
}

function statementApplies(st: Statement, request: AccessRequest, context: RequestContext): boolean {
  const action = st.action
    ? st.action.some((p) => actionMatches(p, request.action))
    : !(st.notAction ?? []).some((p) => actionMatches(p, request.action));
  if (!action) return false;
  if (st.resource && !st.resource.some((p) => resourceMatches(p, request.resource))) return false;
  if (st.notResource?.some((p) => resourceMatches(p, request.resource))) return false;
  return conditionHolds(st.condition, context);
}

interface PolicyResult {
  deny: string[];
  allow: string[];
  /** Resource policies only: the allows that named only the principal's account. */
  allowViaAccount: string[];
}

function evaluate(
  label: string,
  policy: Policy,
  request: AccessRequest,
  context: RequestContext,
  isResourcePolicy: boolean,
): PolicyResult {
  const result: PolicyResult = { deny: [], allow: [], allowViaAccount: [] };
  policy.statements.forEach((st, i) => {
    const name = `${label}:${st.sid ?? i}`;
    if (!isResourcePolicy && st.principal) {
      throw new Error(`IAM policy statement ${name}: identity-based policies take no Principal`);
    }
    const via = isResourcePolicy ? principalMatch(st, request) : "direct";
    if (!via || !statementApplies(st, request, context)) return;
    if (st.effect === "Deny") result.deny.push(name);
    else if (via === "account") result.allowViaAccount.push(name);
    else result.allow.push(name);
  });
  return result;
}

/** Decides `request` under `policies`, as described at the top of this file. */
export function authorize(request: AccessRequest, policies: ApplicablePolicies): Decision {
  const context: RequestContext = { ...request.context };
  if ("role" in request.principal) {
    context["aws:PrincipalArn"] ??= request.principal.role;
    context["aws:PrincipalAccount"] ??= arnAccount(request.principal.role) ?? "";
  }
  const identity = (policies.identity ?? []).map((p, i) =>
    evaluate(`identity${i}`, parsePolicy(p), request, context, false),
  );
  const boundary = policies.boundary
    ? evaluate("boundary", parsePolicy(policies.boundary), request, context, false)
    : undefined;
  const resource = policies.resource
    ? evaluate("resource", parsePolicy(policies.resource), request, context, true)
    : undefined;

  const all = [...identity, ...(boundary ? [boundary] : []), ...(resource ? [resource] : [])];
  const denies = all.flatMap((r) => r.deny);
  if (denies.length > 0) return { allowed: false, reason: "explicit deny", matched: denies };

  const identityAllows = identity.flatMap((r) => r.allow);
  const boundaryAllows = boundary ? boundary.allow : ["(no boundary)"];
  const resourceDirect = resource?.allow ?? [];
  const resourceViaAccount = resource?.allowViaAccount ?? [];

  if (!("role" in request.principal)) {
    // Services and federated identities have no identity-based policies here: the resource policy decides.
    return resourceDirect.length > 0
      ? { allowed: true, reason: "allowed", matched: resourceDirect }
      : { allowed: false, reason: "no resource policy statement allows it", matched: [] };
  }
  if (boundary && boundary.allow.length === 0) {
    return { allowed: false, reason: "the permissions boundary does not allow it", matched: [] };
  }
  const principalAccount = arnAccount(request.principal.role);
  const resourceAccount = policies.resourceAccount ?? arnAccount(request.resource);
  if (resource && resourceAccount === undefined) {
    throw new Error(`authorize: ${request.resource} names no account; pass resourceAccount`);
  }
  // A resource with no account in its ARN and no resource policy ("*", most S3 ARNs) is taken to be local.
  const sameAccount = resourceAccount === undefined || resourceAccount === principalAccount;
  if (sameAccount) {
    const matched = [...identityAllows, ...resourceDirect];
    return matched.length > 0
      ? { allowed: true, reason: "allowed", matched: [...matched, ...boundaryAllows] }
      : { allowed: false, reason: "no identity-based or resource-based policy allows it", matched: [] };
  }
  if (!resource) {
    return {
      allowed: false,
      reason: "cross-account: the resource has no resource-based policy",
      matched: [],
    };
  }
  if (identityAllows.length === 0) {
    return { allowed: false, reason: "cross-account: no identity-based policy allows it", matched: [] };
  }
  const resourceAllows = [...resourceDirect, ...resourceViaAccount];
  if (resourceAllows.length === 0) {
    return { allowed: false, reason: "cross-account: the resource policy does not allow it", matched: [] };
  }
  return {
    allowed: true,
    reason: "allowed",
    matched: [...identityAllows, ...resourceAllows, ...boundaryAllows],
  };
}
