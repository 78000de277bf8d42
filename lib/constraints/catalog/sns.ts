/** SNS: the alarm topic. */
import { autoName } from "../autoname";
import { apiReference } from "../botocore";
import type { TypeConstraints } from "../model";
import { crossField, length, pattern } from "../rules";
import { botocoreTag, NO_CONSTRAINT, tagRules } from "./common";
import { policyDocument } from "./policyLanguage";

export const SNS: Record<string, TypeConstraints> = {
  "aws:sns/topic:Topic": {
    autoName: autoName(
      "name",
      80,
      '"aws_sns_topic": ... "name": tfbridge.AutoNameWithCustomOptions("name", tfbridge.AutoNameOptions{Separator: "-", Maxlen: 80, Randlen: 7, PostTransform: ... name + ".fifo" ...})',
      { suffix: (inputs) => (inputs.fifoTopic === true ? ".fifo" : "") },
    ),
    fields: {
      name: [
        pattern(
          /[A-Za-z0-9_-]{1,256}(\.fifo)?/,
          "1 to 256 ASCII letters, numbers, underscores and hyphens (and .fifo for a FIFO topic)",
          apiReference(
            "sns",
            "CreateTopicInput.Name",
            "Constraints: Topic names must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.",
          ),
          ["api.alarms", "api alarms", "t".repeat(257), ""],
        ),
      ],
      displayName: [
        length(undefined, 100, {
          kind: "documentation",
          ref: "https://docs.aws.amazon.com/sns/latest/dg/sms_publish-to-topic.html",
          url: "https://docs.aws.amazon.com/sns/latest/dg/sms_publish-to-topic.html",
          title: "Amazon SNS: topic display name for SMS subscriptions",
        }),
      ],
      policy: policyDocument(undefined, "resource"),
      kmsMasterKeyId: [
        length(
          1,
          2048,
          apiReference(
            "sns",
            "CreateTopicInput.Attributes",
            "KmsMasterKeyId – The ID of an Amazon Web Services managed customer master key (CMK) for Amazon SNS or a custom CMK.",
          ),
        ),
      ],
    },
    unconstrained: {
      fifoTopic: NO_CONSTRAINT.boolean,
    },
    resource: [
      crossField(
        ["name", "fifoTopic"],
        "a FIFO topic's name ends with .fifo",
        apiReference(
          "sns",
          "CreateTopicInput.Name",
          "For a FIFO (first-in-first-out) topic, the name must end with the .fifo suffix.",
        ),
        (i) =>
          i.fifoTopic === true && typeof i.name === "string" && !i.name.endsWith(".fifo")
            ? { path: "name", problem: "does not end with .fifo" }
            : undefined,
        [{ name: "api-alarms", fifoTopic: true }],
      ),
    ],
    tags: tagRules(botocoreTag("sns", "Tag.Key", "Tag.Value")),
  },
};
