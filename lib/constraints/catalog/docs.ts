/**
 * AWS documentation pages the rules cite where the API models carry no trait: each with its URL, its title and,
 * where the rule rests on one sentence, that sentence as the page states it.
 */
import type { Source } from "../model";

export function doc(url: string, title: string, quote?: string): Source {
  return { kind: "documentation", ref: url, url, title, quote };
}

const S3_BUCKET_NAMING = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html";
export const s3BucketNaming = (quote: string) =>
  doc(S3_BUCKET_NAMING, "General purpose bucket naming rules", quote);

const IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";
export const iamQuotas = (quote?: string) =>
  doc(IAM_QUOTAS, "IAM and AWS STS quotas, name requirements, and character limits", quote);

const IAM_ELEMENTS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html";
export const iamPolicyElements = (element: string, quote?: string) =>
  doc(
    `${IAM_ELEMENTS.replace("elements.html", `elements_${element.toLowerCase()}.html`)}`,
    `IAM JSON policy elements: ${element}`,
    quote,
  );

export const iamConditionOperators = (quote?: string) =>
  doc(
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html",
    "IAM JSON policy elements: Condition operators",
    quote,
  );

export const s3BucketPolicySize = doc(
  "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html",
  "Bucket policies and user policies",
  "Bucket policies are limited to 20 KB in size.",
);

export const s3ObjectKeys = doc(
  "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html",
  "Naming Amazon S3 objects",
  "The object key name is a sequence of Unicode characters with UTF-8 encoding of up to 1,024 bytes long.",
);

export const dashboardBody = (quote: string) =>
  doc(
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html",
    "Dashboard Body Structure and Syntax",
    quote,
  );

export const ecsAmiParameters = doc(
  "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/retrieve-ecs-optimized_AMI.html",
  "Retrieving Amazon ECS-optimized Linux AMI metadata",
  "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended (x86_64) and /aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended, each with the image_id sub-parameter",
);

export const vpcCidrSize = doc(
  "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html",
  "VPC CIDR blocks",
  "The allowed block size is between a /16 netmask (65,536 IP addresses) and /28 netmask (16 IP addresses).",
);

export const dockerTag = doc(
  "https://docs.docker.com/reference/cli/docker/image/tag/",
  "docker image tag",
  "A tag name must be valid ASCII and may contain lowercase and uppercase letters, digits, underscores, periods and hyphens. A tag name may not start with a period or a hyphen and may contain a maximum of 128 characters.",
);

export const ecrLifecyclePolicy = (quote: string) =>
  doc(
    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html",
    "Lifecycle policy properties in Amazon ECR",
    quote,
  );

export const albSecurityPolicies = doc(
  "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html",
  "Security policies for your Application Load Balancer",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06 (and the other predefined policies the page lists)",
);

export const lambdaQuotas = (quote: string) =>
  doc("https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html", "Lambda quotas", quote);

export const elbListenerRuleConditions = (quote: string) =>
  doc(
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html",
    "Condition types for listener rules",
    quote,
  );

export const tgHealthChecks = (quote: string) =>
  doc(
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html",
    "Health checks for Application Load Balancer target groups",
    quote,
  );

export const cloudwatchAlarmEvaluation = (quote: string) =>
  doc(
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html",
    "Alarm evaluation",
    quote,
  );

export const ssmParameterNames = (quote: string) =>
  doc(
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html",
    "Creating Parameter Store parameters in Systems Manager: parameter name requirements",
    quote,
  );
