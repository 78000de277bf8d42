/** ECR: the repository, its lifecycle and repository policies; the Docker image pushed to it. */
import { defaultAutoName } from "../autoname";
import { botocore } from "../botocore";
import type { DocumentConstraints, Source, TypeConstraints } from "../model";
import { custom, jsonDocument, oneOf, range } from "../rules";
import { NO_CONSTRAINT, tagRules } from "./common";
import { doc, dockerTag, ecrLifecyclePolicy } from "./docs";
import { policyDocument } from "./policyLanguage";

const LIFECYCLE_TEMPLATE = doc(
  "https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html",
  "Lifecycle policies (lifecycle policy template)",
  '"countType": "imageCountMoreThan"|"sinceImagePushed", "countUnit": "string", "countNumber": integer }, "action": { "type": "expire" }',
);
const TAG_STATUS = ecrLifecyclePolicy("Acceptable options are tagged, untagged, or any.");

type LifecycleRule = {
  rulePriority?: number;
  selection?: {
    tagStatus?: string;
    tagPrefixList?: unknown[];
    tagPatternList?: unknown[];
    countType?: string;
    countUnit?: string;
  };
};

const LIFECYCLE_POLICY: DocumentConstraints = {
  fields: {
    "rules[].rulePriority": [
      range(
        1,
        undefined,
        ecrLifecyclePolicy("Sets the order in which rules are applied, lowest to highest."),
        { integer: true },
      ),
    ],
    "rules[].selection.tagStatus": [oneOf(["tagged", "untagged", "any"], TAG_STATUS)],
    "rules[].selection.tagPatternList[]": [
      custom(
        "at most four * wildcards",
        ecrLifecyclePolicy("There is a maximum limit of four wildcards (*) per string."),
        (v) => ((String(v).match(/\*/g)?.length ?? 0) > 4 ? "has more than four wildcards" : undefined),
        ["*a*b*c*d*"],
      ),
    ],
    "rules[].selection.countType": [oneOf(["imageCountMoreThan", "sinceImagePushed"], LIFECYCLE_TEMPLATE)],
    "rules[].selection.countUnit": [oneOf(["days"], LIFECYCLE_TEMPLATE)],
    "rules[].selection.countNumber": [range(1, undefined, LIFECYCLE_TEMPLATE, { integer: true })],
    "rules[].action.type": [oneOf(["expire"], LIFECYCLE_TEMPLATE)],
  },
  unconstrained: {
    "rules[].description": "the ECR guide documents no limit for a rule's description",
    "rules[].selection.tagPrefixList[]": "image tag prefixes; any tag text",
  },
  resource: [
    {
      fields: ["rules[].rulePriority"],
      text: "unique rulePriority values; a tagStatus any rule has the highest",
      source: ecrLifecyclePolicy(
        "When you add rules to a lifecycle policy, you must give them each a unique value for rulePriority. Values don't need to be sequential across rules in a policy. A rule with a tagStatus value of any must have the highest value for rulePriority and be evaluated last.",
      ),
      check: (policy) => {
        const rules = Array.isArray((policy as { rules?: unknown }).rules)
          ? (policy as { rules: LifecycleRule[] }).rules
          : [];
        const priorities = rules.map((r) => r.rulePriority);
        const dup = priorities.findIndex((p, i) => priorities.indexOf(p) !== i);
        if (dup >= 0)
          return [
            {
              path: `rules[${dup}].rulePriority`,
              value: priorities[dup],
              problem: "repeats another rule's priority",
            },
          ];
        const max = Math.max(...priorities.map(Number));
        const anyRule = rules.findIndex((r) => r.selection?.tagStatus === "any" && r.rulePriority !== max);
        return anyRule >= 0
          ? [
              {
                path: `rules[${anyRule}].rulePriority`,
                value: priorities[anyRule],
                problem: "is not the highest, on a tagStatus any rule",
              },
            ]
          : [];
      },
      refuses: [
        {
          rules: [
            { rulePriority: 1, selection: { tagStatus: "untagged" } },
            { rulePriority: 1, selection: { tagStatus: "tagged", tagPrefixList: ["v"] } },
          ],
        },
        {
          rules: [
            { rulePriority: 1, selection: { tagStatus: "any" } },
            { rulePriority: 2, selection: { tagStatus: "untagged" } },
          ],
        },
      ],
    },
    {
      fields: [
        "rules[].selection.tagStatus",
        "rules[].selection.tagPrefixList",
        "rules[].selection.tagPatternList",
      ],
      text: "tagged needs tagPrefixList or tagPatternList; untagged has neither",
      source: ecrLifecyclePolicy(
        "If you specify tagged, then you must also specify a tagPrefixList value or a tagPatternList value. If you specify untagged, then you must omit both tagPrefixList and tagPatternList.",
      ),
      check: (policy) => {
        const rules = Array.isArray((policy as { rules?: unknown }).rules)
          ? (policy as { rules: LifecycleRule[] }).rules
          : [];
        return rules.flatMap((r, i) => {
          const s = r.selection ?? {};
          const lists = [s.tagPrefixList, s.tagPatternList].filter(
            (l) => Array.isArray(l) && l.length > 0,
          ).length;
          if (s.tagStatus === "tagged" && lists === 0)
            return [
              {
                path: `rules[${i}].selection`,
                value: s,
                problem: "is tagged without a prefix or pattern list",
              },
            ];
          if (s.tagStatus === "untagged" && lists > 0)
            return [
              {
                path: `rules[${i}].selection`,
                value: s,
                problem: "is untagged with a prefix or pattern list",
              },
            ];
          return [];
        });
      },
      refuses: [
        { rules: [{ rulePriority: 1, selection: { tagStatus: "tagged" } }] },
        { rules: [{ rulePriority: 1, selection: { tagStatus: "untagged", tagPatternList: ["v*"] } }] },
      ],
    },
    {
      fields: ["rules[].selection.countType", "rules[].selection.countUnit"],
      text: "countUnit only, and always, with sinceImagePushed",
      source: doc(
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html",
        "Lifecycle policies (lifecycle policy template)",
        "The countUnit parameter is only used if countType is sinceImagePushed.",
      ),
      check: (policy) => {
        const rules = Array.isArray((policy as { rules?: unknown }).rules)
          ? (policy as { rules: LifecycleRule[] }).rules
          : [];
        return rules.flatMap((r, i) => {
          const s = r.selection ?? {};
          return (s.countType === "sinceImagePushed") !== (s.countUnit !== undefined)
            ? [
                {
                  path: `rules[${i}].selection.countUnit`,
                  value: s.countUnit,
                  problem: `does not fit countType ${s.countType}`,
                },
              ]
            : [];
        });
      },
      refuses: [
        { rules: [{ rulePriority: 1, selection: { countType: "imageCountMoreThan", countUnit: "days" } }] },
        { rules: [{ rulePriority: 1, selection: { countType: "sinceImagePushed", countNumber: 14 } }] },
      ],
    },
  ],
};

const ECR_NAME = botocore("ecr", "CreateRepositoryRequest.repositoryName");

/** The Docker provider's schema (an image reference it builds and pushes). */
const dockerProvider = (quote: string): Source => ({
  kind: "provider",
  ref: "@pulumi/docker@5.2.0 image.d.ts",
  quote,
});

export const REGISTRY: Record<string, TypeConstraints> = {
  "aws:ecr/repository:Repository": {
    autoName: defaultAutoName(),
    fields: {
      name: [ECR_NAME],
      imageTagMutability: [botocore("ecr", "CreateRepositoryRequest.imageTagMutability")],
      imageTagMutabilityExclusionFilters: [
        botocore("ecr", "CreateRepositoryRequest.imageTagMutabilityExclusionFilters"),
      ],
      "imageTagMutabilityExclusionFilters[].filter": [
        botocore("ecr", "ImageTagMutabilityExclusionFilter.filter"),
      ],
      "imageTagMutabilityExclusionFilters[].filterType": [
        botocore("ecr", "ImageTagMutabilityExclusionFilter.filterType"),
      ],
      "encryptionConfigurations[].encryptionType": [
        botocore("ecr", "EncryptionConfiguration.encryptionType"),
      ],
      "encryptionConfigurations[].kmsKey": [botocore("ecr", "EncryptionConfiguration.kmsKey")],
    },
    unconstrained: {
      forceDelete: NO_CONSTRAINT.providerOnly,
      "imageScanningConfiguration.scanOnPush": NO_CONSTRAINT.boolean,
    },
    tags: tagRules(),
  },
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": {
    fields: {
      repository: [ECR_NAME],
      policy: [
        botocore("ecr", "PutLifecyclePolicyRequest.lifecyclePolicyText"),
        jsonDocument(
          LIFECYCLE_POLICY,
          ecrLifecyclePolicy("Lifecycle policies have the following properties."),
        ),
      ],
    },
  },
  "aws:ecr/repositoryPolicy:RepositoryPolicy": {
    fields: {
      repository: [ECR_NAME],
      policy: [
        botocore("ecr", "SetRepositoryPolicyRequest.policyText"),
        ...policyDocument(undefined, "resource"),
      ],
    },
  },
  "docker:index/image:Image": {
    fields: {
      imageName: [
        custom(
          "<registry>/<ECR repository name>:<tag>, the tag of Docker's grammar (at most 128)",
          dockerTag,
          (v) => {
            const s = String(v);
            const m = /^([^/]+)\/(.+):([^:/]+)$/.exec(s);
            if (!m) return "is not registry/repository:tag";
            if (!/^[\w][\w.-]{0,127}$/.test(m[3])) return `has tag "${m[3]}" outside Docker's tag grammar`;
            const repoProblem = ECR_NAME.check(m[2], { type: "", name: "", inputs: {}, providerTags: {} })[0]
              ?.problem;
            return repoProblem
              ? `has repository "${m[2]}" that ${repoProblem} (ECR repository name)`
              : undefined;
          },
          [
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:-latest",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/Api:1",
            `123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:${"t".repeat(129)}`,
          ],
        ),
      ],
      "build.platform": [
        custom(
          "os/arch[/variant], as Docker's --platform takes it",
          dockerProvider(
            "The architecture of the platform you want to build this image for, e.g. `linux/arm64`.",
          ),
          (v) => (/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(String(v)) ? undefined : "is not os/arch"),
          ["arm64", "linux-amd64", "linux/amd64,linux/arm64"],
        ),
      ],
    },
    unconstrained: {
      "build.context": "a local folder Docker reads; not an AWS value",
      "build.dockerfile": "a local file Docker reads; not an AWS value",
      "build.args.*": "build arguments Docker passes to the Dockerfile",
      buildOnPreview: NO_CONSTRAINT.providerOnly,
      skipPush: NO_CONSTRAINT.providerOnly,
      "registry.server": "the host of the ECR repository's URL, as ECR answers it",
    },
  },
};
