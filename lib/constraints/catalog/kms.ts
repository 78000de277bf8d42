/** KMS: the state key and its alias. */
import { autoName } from "../autoname";
import { apiReference, botocore } from "../botocore";
import type { TypeConstraints } from "../model";
import { notPrefixed, pattern, range } from "../rules";
import { botocoreTag, NO_CONSTRAINT, tagRules } from "./common";
import { policyDocument } from "./policyLanguage";

export const KMS: Record<string, TypeConstraints> = {
  "aws:kms/key:Key": {
    fields: {
      description: [botocore("kms", "CreateKeyRequest.Description")],
      deletionWindowInDays: [
        range(
          7,
          30,
          apiReference(
            "kms",
            "ScheduleKeyDeletionRequest.PendingWindowInDays",
            "This value is optional. If you include a value, it must be between 7 and 30, inclusive.",
          ),
          { integer: true },
        ),
      ],
      keyUsage: [botocore("kms", "CreateKeyRequest.KeyUsage")],
      customerMasterKeySpec: [botocore("kms", "CreateKeyRequest.CustomerMasterKeySpec")],
      policy: policyDocument(["kms", "CreateKeyRequest.Policy"], "resource"),
    },
    unconstrained: {
      enableKeyRotation: NO_CONSTRAINT.boolean,
      isEnabled: NO_CONSTRAINT.boolean,
      multiRegion: NO_CONSTRAINT.boolean,
      bypassPolicyLockoutSafetyCheck: NO_CONSTRAINT.boolean,
    },
    tags: tagRules(botocoreTag("kms", "Tag.TagKey", "Tag.TagValue")),
  },
  "aws:kms/alias:Alias": {
    autoName: autoName(
      "name",
      238,
      '"aws_kms_alias": ... tfbridge.AutoNameWithCustomOptions("name", tfbridge.AutoNameOptions{Separator: "-", Maxlen: 238, Randlen: 7, PostTransform: ... fmt.Sprintf("alias/%s", name) ...})',
      { prefix: "alias/" },
    ),
    fields: {
      name: [
        botocore("kms", "CreateAliasRequest.AliasName"),
        pattern(
          /alias\/.+/,
          "alias/ followed by a name",
          apiReference(
            "kms",
            "CreateAliasRequest.AliasName",
            "This value must begin with alias/ followed by a name, such as alias/ExampleAlias.",
          ),
          ["state-key", "alias/", "Alias/state"],
        ),
        notPrefixed(
          ["alias/aws/"],
          apiReference("kms", "CreateAliasRequest.AliasName", "The alias name cannot begin with alias/aws/."),
        ),
      ],
    },
    unconstrained: {
      targetKeyId: NO_CONSTRAINT.reference,
      namePrefix: NO_CONSTRAINT.prefix,
    },
  },
};
