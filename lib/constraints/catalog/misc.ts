/** The AWS provider itself, SSM parameters and Lambda functions and permissions. */
import { autoName, defaultAutoName } from "../autoname";
import { apiReference, botocore } from "../botocore";
import type { Rule, TypeConstraints } from "../model";
import { crossField, custom, items, length, notPrefixed, oneOf, pattern, range } from "../rules";
import { botocoreTag, NO_CONSTRAINT, regionRule, tagRules } from "./common";
import { lambdaQuotas } from "./docs";

const isMap = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** The provider's default tags: the shared tag rules over `defaultTags.tags` (a JSON string under mocks). */
const DEFAULT_TAG_RULES = tagRules();
const defaultTags: Rule = {
  text: "the shared tag rules, for every tag the provider adds",
  source: DEFAULT_TAG_RULES[0].source,
  refuses: [
    JSON.stringify({ tags: { "aws:owner": "team" } }),
    JSON.stringify({ tags: { owner: "o".repeat(257) } }),
    "{not json",
  ],
  whole: true,
  check: (value, ctx) => {
    let parsed: unknown = value;
    if (typeof value === "string") {
      try {
        parsed = JSON.parse(value);
      } catch {
        return [{ value, problem: "is not valid JSON" }];
      }
    }
    const tags = isMap(parsed) ? parsed.tags : undefined;
    if (tags === undefined) return [];
    return DEFAULT_TAG_RULES.flatMap((r) =>
      r.check(tags, ctx).map((f) => ({
        ...f,
        path: `.tags${f.path ?? ""}`,
        rule: f.rule ?? { text: r.text, source: r.source },
      })),
    );
  },
};

const PARAM_VALUE = apiReference(
  "ssm",
  "PutParameterRequest.Value",
  "Standard parameters have a value limit of 4 KB. Advanced parameters have a value limit of 8 KB.",
);

export const MISC: Record<string, TypeConstraints> = {
  "pulumi:providers:aws": {
    fields: {
      region: [regionRule()],
      defaultTags: [defaultTags],
    },
    unconstrained: {
      skipCredentialsValidation: NO_CONSTRAINT.providerOnly,
      skipRegionValidation: NO_CONSTRAINT.providerOnly,
      skipMetadataApiCheck: NO_CONSTRAINT.providerOnly,
      skipRequestingAccountId: NO_CONSTRAINT.providerOnly,
      version: NO_CONSTRAINT.providerOnly,
      profile: NO_CONSTRAINT.providerOnly,
      "allowedAccountIds.*": NO_CONSTRAINT.providerOnly,
      "ignoreTags.*": NO_CONSTRAINT.providerOnly,
    },
  },
  "aws:ssm/parameter:Parameter": {
    autoName: defaultAutoName(),
    fields: {
      name: [
        botocore("ssm", "PutParameterRequest.Name"),
        pattern(
          /[A-Za-z0-9_.\-/]+/,
          "a-z, A-Z, 0-9, _ . - and / (between hierarchy levels)",
          apiReference(
            "ssm",
            "PutParameterRequest.Name",
            "Parameter names can include only the following symbols and letters: a-zA-Z0-9_.- In addition, the slash character (/) is used to delineate hierarchies in parameter names.",
          ),
          ["/app/db url", "/app/db:url", "/app/clé"],
        ),
        notPrefixed(
          ["aws", "ssm", "/aws", "/ssm"],
          apiReference(
            "ssm",
            "PutParameterRequest.Name",
            'A parameter name can\'t be prefixed with "aws" or "ssm" (case-insensitive).',
          ),
          { ignoreCase: true },
        ),
        custom(
          "at most fifteen hierarchy levels",
          apiReference(
            "ssm",
            "PutParameterRequest.Name",
            "Parameter hierarchies are limited to a maximum depth of fifteen levels.",
          ),
          (v) =>
            String(v).split("/").filter(Boolean).length > 15 ? "has more than fifteen levels" : undefined,
          [`/${Array.from({ length: 16 }, (_, n) => `l${n}`).join("/")}`],
        ),
        custom(
          "at most 1011 characters with the 45 characters of its ARN prefix",
          apiReference(
            "ssm",
            "PutParameterRequest.Name",
            "The maximum length for a parameter name that you specify is 1011 characters. This count of 1011 characters includes the characters in the ARN that precede the name you specify.",
          ),
          (v) => (String(v).length + 45 > 1011 ? `has ${String(v).length} characters` : undefined),
          [`/${"p".repeat(966)}`],
        ),
      ],
      description: [botocore("ssm", "PutParameterRequest.Description")],
      type: [botocore("ssm", "PutParameterRequest.Type")],
      tier: [botocore("ssm", "PutParameterRequest.Tier")],
      dataType: [
        botocore("ssm", "PutParameterRequest.DataType"),
        oneOf(
          ["text", "aws:ec2:image", "aws:ssm:integration"],
          apiReference(
            "ssm",
            "PutParameterRequest.DataType",
            "The following data type values are supported. text aws:ec2:image aws:ssm:integration",
          ),
        ),
      ],
      allowedPattern: [botocore("ssm", "PutParameterRequest.AllowedPattern")],
      keyId: [botocore("ssm", "PutParameterRequest.KeyId")],
      value: [length(undefined, 8192, PARAM_VALUE)],
      insecureValue: [length(undefined, 8192, PARAM_VALUE)],
    },
    unconstrained: {
      overwrite: NO_CONSTRAINT.providerOnly,
      valueWo: "a write-only value, checked as value where it is set",
      valueWoVersion: NO_CONSTRAINT.providerOnly,
      arn: NO_CONSTRAINT.reference,
    },
    resource: [
      crossField(
        ["value", "tier"],
        "a Standard parameter's value at most 4 KB",
        PARAM_VALUE,
        (i) => {
          const v =
            typeof i.value === "string"
              ? i.value
              : typeof i.insecureValue === "string"
                ? i.insecureValue
                : undefined;
          if (v === undefined || (i.tier !== undefined && i.tier !== "Standard")) return undefined;
          const bytes = Buffer.byteLength(v, "utf8");
          return bytes > 4096
            ? {
                path: i.value !== undefined ? "value" : "insecureValue",
                problem: `is ${bytes} bytes for a Standard parameter`,
              }
            : undefined;
        },
        [
          { name: "/app/big", type: "String", value: "x".repeat(4097) },
          { name: "/app/big", type: "String", tier: "Standard", insecureValue: "é".repeat(2049) },
        ],
      ),
    ],
    tags: tagRules(botocoreTag("ssm", "Tag.Key", "Tag.Value")),
  },
  "aws:lambda/function:Function": {
    autoName: autoName(
      "name",
      64,
      '"aws_lambda_function": ... "function_name": tfbridge.AutoName("name", 64, "-")',
    ),
    fields: {
      name: [
        botocore("lambda", "CreateFunctionRequest.FunctionName"),
        length(
          1,
          64,
          apiReference(
            "lambda",
            "CreateFunctionRequest.FunctionName",
            "If you specify only the function name, it is limited to 64 characters in length.",
          ),
        ),
      ],
      description: [botocore("lambda", "CreateFunctionRequest.Description")],
      handler: [botocore("lambda", "CreateFunctionRequest.Handler")],
      runtime: [botocore("lambda", "CreateFunctionRequest.Runtime")],
      role: [botocore("lambda", "CreateFunctionRequest.Role")],
      memorySize: [botocore("lambda", "CreateFunctionRequest.MemorySize")],
      timeout: [
        botocore("lambda", "CreateFunctionRequest.Timeout"),
        range(
          undefined,
          900,
          apiReference(
            "lambda",
            "CreateFunctionRequest.Timeout",
            "The maximum allowed value is 900 seconds.",
          ),
        ),
      ],
      packageType: [botocore("lambda", "CreateFunctionRequest.PackageType")],
      architectures: [botocore("lambda", "CreateFunctionRequest.Architectures")],
      "architectures[]": [botocore("lambda", "CreateFunctionRequest.Architectures", "each")],
      layers: [items(undefined, 5, lambdaQuotas("Function layers: 5 layers"))],
      "layers[]": [botocore("lambda", "CreateFunctionRequest.Layers", "each")],
      reservedConcurrentExecutions: [
        botocore("lambda", "PutFunctionConcurrencyRequest.ReservedConcurrentExecutions"),
      ],
      "ephemeralStorage.size": [botocore("lambda", "EphemeralStorage.Size")],
      "tracingConfig.mode": [botocore("lambda", "TracingConfig.Mode")],
      "environment.variables": [
        botocore("lambda", "Environment.Variables", "keys"),
        custom(
          "at most 4 KB of environment variables in total",
          lambdaQuotas(
            "Function environment variables: 4 KB, for all environment variables associated with the function, in aggregate",
          ),
          (v) => {
            if (!isMap(v)) return "is not a map";
            const bytes = Buffer.byteLength(JSON.stringify(v), "utf8");
            return bytes > 4096 ? `is ${bytes} bytes` : undefined;
          },
          [{ BIG: "x".repeat(4100) }, "NODE_ENV=production"],
        ),
      ],
      "loggingConfig.logFormat": [botocore("lambda", "LoggingConfig.LogFormat")],
      "loggingConfig.logGroup": [botocore("lambda", "LoggingConfig.LogGroup")],
      "loggingConfig.applicationLogLevel": [botocore("lambda", "LoggingConfig.ApplicationLogLevel")],
      "loggingConfig.systemLogLevel": [botocore("lambda", "LoggingConfig.SystemLogLevel")],
    },
    unconstrained: {
      "code.*": NO_CONSTRAINT.pulumiAsset,
      sourceCodeHash: NO_CONSTRAINT.providerOnly,
      publish: NO_CONSTRAINT.boolean,
      skipDestroy: NO_CONSTRAINT.providerOnly,
      imageUri: NO_CONSTRAINT.reference,
      kmsKeyArn: NO_CONSTRAINT.reference,
      "vpcConfig.subnetIds[]": NO_CONSTRAINT.reference,
      "vpcConfig.securityGroupIds[]": NO_CONSTRAINT.reference,
      replaceSecurityGroupsOnDestroy: NO_CONSTRAINT.providerOnly,
      // Sent to AWS by the provider (UpdateFunctionConfiguration) only at destroy; a reference to a group.
      "replacementSecurityGroupIds[]": NO_CONSTRAINT.reference,
      "deadLetterConfig.targetArn": NO_CONSTRAINT.reference,
    },
    resource: [
      crossField(
        ["packageType", "handler", "runtime"],
        "a Zip function has a handler and a runtime",
        apiReference(
          "lambda",
          "CreateFunctionRequest.Handler",
          "Handler is required if the deployment package is a .zip file archive.",
        ),
        (i) =>
          (i.packageType ?? "Zip") === "Zip" &&
          i.imageUri === undefined &&
          (i.handler === undefined || i.runtime === undefined)
            ? {
                path: i.handler === undefined ? "handler" : "runtime",
                problem: "is missing for a .zip function",
              }
            : undefined,
        [
          { packageType: "Zip", runtime: "nodejs22.x", role: "arn:aws:iam::123456789012:role/fn" },
          { handler: "index.handler", role: "arn:aws:iam::123456789012:role/fn" },
        ],
      ),
    ],
    tags: tagRules(),
  },
  "aws:lambda/permission:Permission": {
    autoName: autoName(
      "statementId",
      100,
      '"aws_lambda_permission": ... "statement_id": tfbridge.AutoName("statementId", 100, "-")',
    ),
    fields: {
      statementId: [botocore("lambda", "AddPermissionRequest.StatementId")],
      action: [botocore("lambda", "AddPermissionRequest.Action")],
      principal: [botocore("lambda", "AddPermissionRequest.Principal")],
      function: [botocore("lambda", "AddPermissionRequest.FunctionName")],
      sourceArn: [botocore("lambda", "AddPermissionRequest.SourceArn")],
      sourceAccount: [botocore("lambda", "AddPermissionRequest.SourceAccount")],
      qualifier: [botocore("lambda", "AddPermissionRequest.Qualifier")],
      functionUrlAuthType: [botocore("lambda", "AddPermissionRequest.FunctionUrlAuthType")],
      principalOrgId: [botocore("lambda", "AddPermissionRequest.PrincipalOrgID")],
      eventSourceToken: [botocore("lambda", "AddPermissionRequest.EventSourceToken")],
    },
    unconstrained: {
      statementIdPrefix: NO_CONSTRAINT.prefix,
      invokedViaFunctionUrl: NO_CONSTRAINT.boolean,
    },
  },
};
