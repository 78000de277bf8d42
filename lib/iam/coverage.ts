/**
 * Whether a permissions boundary leaves a policy whole: for every Allow statement of the policy, one
 * representative request per action and resource, carrying condition keys that satisfy the statement, must be
 * allowed by the boundary too. A boundary that cuts into what a role is granted breaks that role in AWS at the
 * first call, long after every mock test passed; this finds the cut before.
 *
 * Representatives: a wildcard in an action or a resource ARN is filled with a sample string, so the boundary
 * must grant at least as wide a pattern (a statement on `"*"` needs a boundary on `"*"`). NotAction and
 * NotResource in the granting policy are refused: no finite sample stands for "everything but".
 */
import type { RequestContext } from "./conditions";
import { arnAccount, authorize } from "./evaluate";
import { type PolicyInput, parsePolicy, type Statement } from "./policy";

const SAMPLE = "sample";

/** An action or ARN pattern made concrete: `*` becomes a sample word, `?` a single letter; `"*"` stays. */
export function representative(pattern: string): string {
  if (pattern === "*") return "*";
  return pattern.replace(/\*/g, SAMPLE).replace(/\?/g, "x");
}

/** Condition keys that satisfy a statement's Condition (negated and ForAllValues tests are met by absence). */
export function satisfyingContext(st: Statement): RequestContext {
  const context: RequestContext = {};
  for (const [operator, keys] of Object.entries(st.condition)) {
    const base = operator.replace(/^For(Any|All)Values?:/, "").replace(/IfExists$/, "");
    for (const [key, values] of Object.entries(keys)) {
      if (base === "Null") {
        if (values.some((v) => v.toLowerCase() === "false")) context[key] = SAMPLE;
      } else if (!/Not/.test(base) && !operator.startsWith("ForAllValues:")) {
        const value = representative(values[0]);
        context[key] = operator.startsWith("ForAnyValue:") ? [value] : value;
      }
    }
  }
  return context;
}

/** One request the boundary refuses although the policy grants it. */
export interface Gap {
  statement: string;
  action: string;
  resource: string;
  reason: string;
}

/** Every representative request of `policy`'s Allow statements that `boundary` does not allow the role. */
export function gapsOutsideBoundary(policy: PolicyInput, boundary: PolicyInput, roleArn: string): Gap[] {
  const gaps: Gap[] = [];
  const principal = { role: roleArn };
  // Only the identity policy and the boundary are in question: judge every sample as a same-account request.
  const resourceAccount = arnAccount(roleArn);
  parsePolicy(policy).statements.forEach((st, i) => {
    if (st.effect !== "Allow") return;
    const name = st.sid ?? String(i);
    if (!st.action || !st.resource) {
      throw new Error(`statement ${name}: NotAction/NotResource grants have no finite representative`);
    }
    const context = satisfyingContext(st);
    for (const action of st.action.map(representative)) {
      for (const resource of st.resource.map(representative)) {
        const request = { principal, action, resource, context };
        // The representative must be one the policy itself grants, or the check proves nothing.
        if (!authorize(request, { identity: [policy], resourceAccount }).allowed) {
          throw new Error(`statement ${name}: no representative request for ${action} on ${resource}`);
        }
        const decision = authorize(request, { identity: [policy], boundary, resourceAccount });
        if (!decision.allowed) gaps.push({ statement: name, action, resource, reason: decision.reason });
      }
    }
  });
  return gaps;
}
