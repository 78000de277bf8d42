/** IAM: roles, their inline and attached policies, instance profiles, managed policies, OIDC providers. */
import { autoName, defaultAutoName } from "../autoname";
import { apiReference, botocore } from "../botocore";
import type { TypeConstraints } from "../model";
import { custom, items, pattern } from "../rules";
import { botocoreTag, NO_CONSTRAINT, tagRules } from "./common";
import { iamQuotas } from "./docs";
import { iamPolicySize, policyDocument } from "./policyLanguage";

const IAM_TAGS = tagRules(botocoreTag("iam", "Tag.Key", "Tag.Value"));

/** IAM's inline policy name rule: Basic Latin except \ / * ? and white space. */
const inlinePolicyName = pattern(
  /[\x21-\x7E]+/,
  "Basic Latin (ASCII) characters except \\ / * ? and white space",
  iamQuotas(
    "The names can contain any Basic Latin (ASCII) characters except for the following reserved characters: backward slash (\\), forward slash (/), asterisk (*), question mark (?), and white space.",
  ),
  ["read logs", "lecture-é", "tab\there"],
);
const noReservedInName = custom(
  "none of \\ / * ?",
  iamQuotas(
    "The names can contain any Basic Latin (ASCII) characters except for the following reserved characters: backward slash (\\), forward slash (/), asterisk (*), question mark (?), and white space.",
  ),
  (v) => (/[\\/*?]/.test(String(v)) ? "contains a reserved character" : undefined),
  ["ecs/pull", "read*", "why?", "back\\slash"],
);

export const IAM: Record<string, TypeConstraints> = {
  "aws:iam/role:Role": {
    autoName: autoName("name", 64, '"aws_iam_role": ... "name": tfbridge.AutoName("name", 64, "-")'),
    fields: {
      name: [botocore("iam", "CreateRoleRequest.RoleName")],
      path: [botocore("iam", "CreateRoleRequest.Path")],
      description: [botocore("iam", "CreateRoleRequest.Description")],
      maxSessionDuration: [botocore("iam", "CreateRoleRequest.MaxSessionDuration")],
      permissionsBoundary: [botocore("iam", "CreateRoleRequest.PermissionsBoundary")],
      assumeRolePolicy: policyDocument(
        ["iam", "CreateRoleRequest.AssumeRolePolicyDocument"],
        "trust",
        iamPolicySize(2048, "role trust policy, the default quota"),
      ),
      "inlinePolicies[].name": [botocore("iam", "PutRolePolicyRequest.PolicyName")],
      "inlinePolicies[].policy": policyDocument(
        ["iam", "PutRolePolicyRequest.PolicyDocument"],
        "identity",
        iamPolicySize(10240, "all inline policies of a role together"),
      ),
      "managedPolicyArns[]": [botocore("iam", "AttachRolePolicyRequest.PolicyArn")],
    },
    unconstrained: {
      forceDetachPolicies: NO_CONSTRAINT.providerOnly,
    },
    tags: IAM_TAGS,
  },
  "aws:iam/rolePolicy:RolePolicy": {
    // The inline policy's name is auto-named by the default setting (255), while IAM allows 128.
    autoName: defaultAutoName(),
    fields: {
      name: [botocore("iam", "PutRolePolicyRequest.PolicyName"), inlinePolicyName, noReservedInName],
      role: [botocore("iam", "PutRolePolicyRequest.RoleName")],
      policy: policyDocument(
        ["iam", "PutRolePolicyRequest.PolicyDocument"],
        "identity",
        iamPolicySize(10240, "all inline policies of a role together"),
      ),
    },
  },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
    fields: {
      role: [botocore("iam", "AttachRolePolicyRequest.RoleName")],
      policyArn: [botocore("iam", "AttachRolePolicyRequest.PolicyArn")],
    },
  },
  "aws:iam/instanceProfile:InstanceProfile": {
    autoName: defaultAutoName(),
    fields: {
      name: [botocore("iam", "CreateInstanceProfileRequest.InstanceProfileName")],
      path: [botocore("iam", "CreateInstanceProfileRequest.Path")],
      role: [botocore("iam", "AddRoleToInstanceProfileRequest.RoleName")],
    },
    tags: IAM_TAGS,
  },
  "aws:iam/policy:Policy": {
    autoName: defaultAutoName(),
    fields: {
      name: [botocore("iam", "CreatePolicyRequest.PolicyName")],
      path: [botocore("iam", "CreatePolicyRequest.Path")],
      description: [botocore("iam", "CreatePolicyRequest.Description")],
      policy: policyDocument(
        ["iam", "CreatePolicyRequest.PolicyDocument"],
        "identity",
        iamPolicySize(6144, "managed policy"),
      ),
    },
    unconstrained: {
      namePrefix: NO_CONSTRAINT.prefix,
      delayAfterPolicyCreationInMs: NO_CONSTRAINT.providerOnly,
    },
    tags: IAM_TAGS,
  },
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
    fields: {
      url: [
        botocore("iam", "CreateOpenIDConnectProviderRequest.Url"),
        pattern(
          /https:\/\/[^?#:\s]+/,
          "https://, no query and no port",
          apiReference(
            "iam",
            "CreateOpenIDConnectProviderRequest.Url",
            "The URL must begin with https:// and should correspond to the iss claim in the provider's OpenID Connect ID tokens. Per the OIDC standard, path components are allowed but query parameters are not.",
          ),
          [
            "http://token.actions.githubusercontent.com",
            "https://token.actions.githubusercontent.com?aud=sts",
            "token.actions.githubusercontent.com",
          ],
        ),
      ],
      clientIdLists: [
        items(
          undefined,
          100,
          apiReference(
            "iam",
            "CreateOpenIDConnectProviderRequest.ClientIDList",
            "You cannot register more than 100 client IDs with a single IAM OIDC provider.",
          ),
        ),
      ],
      "clientIdLists[]": [botocore("iam", "CreateOpenIDConnectProviderRequest.ClientIDList", "each")],
      "thumbprintLists[]": [botocore("iam", "CreateOpenIDConnectProviderRequest.ThumbprintList", "each")],
      thumbprintLists: [
        items(
          undefined,
          5,
          apiReference(
            "iam",
            "CreateOpenIDConnectProviderRequest.ThumbprintList",
            "However, IAM lets you have up to five thumbprints for an OIDC provider.",
          ),
        ),
      ],
    },
    tags: IAM_TAGS,
  },
};
