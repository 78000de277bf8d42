/** Elastic Load Balancing v2: listeners and listener rules, and the actions they share. */
import { apiReference, botocore } from "../botocore";
import type { Rule, TypeConstraints } from "../model";
import { crossField, items, length, oneOf, pattern, range } from "../rules";
import { NO_CONSTRAINT } from "./common";
import { albSecurityPolicies } from "./docs";
import { ELB_TAGS, PORT_OR_PLACEHOLDER } from "./lb";

/** The fields of a listener action, shared by listeners' default actions and rules' actions. */
function actionFields(prefix: string): Record<string, Rule[]> {
  return {
    [`${prefix}.type`]: [botocore("elbv2", "Action.Type")],
    [`${prefix}.order`]: [botocore("elbv2", "Action.Order")],
    [`${prefix}.redirect.protocol`]: [botocore("elbv2", "RedirectActionConfig.Protocol")],
    [`${prefix}.redirect.port`]: [
      PORT_OR_PLACEHOLDER(
        "#{port}",
        "You can specify a value from 1 to 65535 or #{port}.",
        "RedirectActionConfig.Port",
      ),
    ],
    [`${prefix}.redirect.statusCode`]: [botocore("elbv2", "RedirectActionConfig.StatusCode")],
    [`${prefix}.redirect.host`]: [botocore("elbv2", "RedirectActionConfig.Host")],
    [`${prefix}.redirect.path`]: [botocore("elbv2", "RedirectActionConfig.Path")],
    [`${prefix}.redirect.query`]: [botocore("elbv2", "RedirectActionConfig.Query")],
    [`${prefix}.fixedResponse.statusCode`]: [botocore("elbv2", "FixedResponseActionConfig.StatusCode")],
    [`${prefix}.fixedResponse.messageBody`]: [botocore("elbv2", "FixedResponseActionConfig.MessageBody")],
    [`${prefix}.fixedResponse.contentType`]: [
      botocore("elbv2", "FixedResponseActionConfig.ContentType"),
      oneOf(
        ["text/plain", "text/css", "text/html", "application/javascript", "application/json"],
        apiReference(
          "elbv2",
          "FixedResponseActionConfig.ContentType",
          "Valid Values: text/plain | text/css | text/html | application/javascript | application/json",
        ),
      ),
    ],
    [`${prefix}.forward.targetGroups[].weight`]: [
      range(0, 999, apiReference("elbv2", "TargetGroupTuple.Weight", "The weight."), { integer: true }),
    ],
    [`${prefix}.forward.stickiness.duration`]: [
      range(
        1,
        604800,
        apiReference(
          "elbv2",
          "TargetGroupStickinessConfig.DurationSeconds",
          "The time period, in seconds, during which requests from a client should be routed to the same target group. The range is 1-604800 seconds (7 days).",
        ),
        { integer: true },
      ),
    ],
  };
}

const actionUnconstrained = (prefix: string): Record<string, string> => ({
  [`${prefix}.targetGroupArn`]: NO_CONSTRAINT.reference,
  [`${prefix}.forward.targetGroups[].arn`]: NO_CONSTRAINT.reference,
  [`${prefix}.forward.stickiness.enabled`]: NO_CONSTRAINT.boolean,
});

/** A query string condition's key and value alike: 1 to 128 characters. */
const queryStringPart = length(
  1,
  128,
  apiReference(
    "elbv2",
    "QueryStringConditionConfig.Values",
    "The maximum length of each string is 128 characters.",
  ),
);

export const LISTENERS: Record<string, TypeConstraints> = {
  "aws:lb/listener:Listener": {
    fields: {
      port: [botocore("elbv2", "CreateListenerInput.Port")],
      protocol: [botocore("elbv2", "CreateListenerInput.Protocol")],
      sslPolicy: [
        pattern(
          /ELBSecurityPolicy-[A-Za-z0-9-]+/,
          "a predefined ELBSecurityPolicy- policy",
          albSecurityPolicies,
          ["TLS13-1-2-2021-06", "my-policy"],
        ),
      ],
      ...actionFields("defaultActions[]"),
    },
    unconstrained: {
      loadBalancerArn: NO_CONSTRAINT.reference,
      certificateArn: NO_CONSTRAINT.reference,
      ...actionUnconstrained("defaultActions[]"),
    },
    resource: [
      crossField(
        ["protocol", "certificateArn"],
        "an HTTPS listener has a certificate",
        apiReference(
          "elbv2",
          "CreateListenerInput.Certificates",
          "[HTTPS and TLS listeners] The default certificate for the listener. You must provide exactly one certificate.",
        ),
        (i) =>
          (i.protocol === "HTTPS" || i.protocol === "TLS") && !i.certificateArn
            ? { path: "certificateArn", problem: `is missing on a ${i.protocol} listener` }
            : undefined,
        [{ port: 443, protocol: "HTTPS" }],
      ),
    ],
    tags: ELB_TAGS,
  },
  "aws:lb/listenerRule:ListenerRule": {
    fields: {
      priority: [botocore("elbv2", "CreateRuleInput.Priority")],
      ...actionFields("actions[]"),
      "conditions[].hostHeader.values[]": [
        length(
          1,
          128,
          apiReference(
            "elbv2",
            "HostHeaderConditionConfig.Values",
            "The maximum length of each string is 128 characters.",
          ),
        ),
      ],
      "conditions[].pathPattern.values[]": [
        length(
          1,
          128,
          apiReference(
            "elbv2",
            "PathPatternConditionConfig.Values",
            "The maximum length of each string is 128 characters.",
          ),
        ),
      ],
      "conditions[].httpHeader.httpHeaderName": [
        length(
          1,
          40,
          apiReference(
            "elbv2",
            "HttpHeaderConditionConfig.HttpHeaderName",
            "The maximum length is 40 characters.",
          ),
        ),
      ],
      "conditions[].httpHeader.values[]": [
        length(
          1,
          128,
          apiReference(
            "elbv2",
            "HttpHeaderConditionConfig.Values",
            "The maximum length of each string is 128 characters.",
          ),
        ),
      ],
      "conditions[].httpRequestMethod.values[]": [
        pattern(
          /[A-Z_-]{1,40}/,
          "A-Z, hyphen and underscore, at most 40",
          apiReference(
            "elbv2",
            "HttpRequestMethodConditionConfig.Values",
            "The maximum length is 40 characters. The allowed characters are A-Z, hyphen (-), and underscore (_).",
          ),
          ["get", "GET POST", "X".repeat(41)],
        ),
      ],
      "conditions[].queryStrings[].key": [queryStringPart],
      "conditions[].queryStrings[].value": [queryStringPart],
      "conditions[].sourceIp.values": [
        items(
          1,
          5,
          apiReference(
            "elbv2",
            "SourceIpConditionConfig.Values",
            "The total number of values must be less than, or equal to five.",
          ),
        ),
      ],
    },
    unconstrained: {
      listenerArn: NO_CONSTRAINT.reference,
      ...actionUnconstrained("actions[]"),
    },
    tags: ELB_TAGS,
  },
};
