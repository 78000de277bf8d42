/**
 * EC2 launch templates: the container instances' metadata service, disks and addresses. Resource policies, since
 * each rule reads one template.
 */
import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { asArray, controls, isTrue } from "./common";

export const launchTemplateImdsV2: ResourceValidationPolicy = {
  name: "launch-template-imdsv2",
  description:
    "Launch templates require IMDSv2 tokens with a hop limit of 1, so containers on the bridge network cannot " +
    "reach the instance role's credentials (tasks use their own task role).",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: controls("EC2.170", "CKV_AWS_79"),
  validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (lt, _args, report) => {
    const options = lt.metadataOptions;
    if (options?.httpTokens !== "required") {
      report(`metadataOptions.httpTokens is ${JSON.stringify(options?.httpTokens)}; it must be "required"`);
    }
    if (options?.httpPutResponseHopLimit !== 1) {
      report(
        `metadataOptions.httpPutResponseHopLimit is ${JSON.stringify(options?.httpPutResponseHopLimit)}; ` +
          "it must be 1 so bridge-networked containers cannot reach the metadata service",
      );
    }
  }),
};

export const launchTemplateEncryptedVolumes: ResourceValidationPolicy = {
  name: "launch-template-encrypted-volumes",
  description:
    "Launch templates declare their EBS volumes, every one encrypted (not left to the account's default).",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: controls("EC2.181", "EC2.3"),
  validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (lt, _args, report) => {
    const mappings = asArray(lt.blockDeviceMappings);
    if (mappings.length === 0) {
      report(
        "no blockDeviceMappings: the root volume's encryption would depend on the account's EBS default",
      );
    }
    for (const m of mappings) {
      if (m.ebs && !isTrue(m.ebs.encrypted))
        report(`EBS volume ${m.deviceName ?? "(unnamed)"} is not encrypted`);
    }
  }),
};

export const launchTemplateNoPublicIp: ResourceValidationPolicy = {
  name: "launch-template-no-public-ip",
  description:
    "Launch templates never give instances a public IP address; instances live in private subnets.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: controls("EC2.25"),
  validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (lt, _args, report) => {
    asArray(lt.networkInterfaces).forEach((ni, i) => {
      if (isTrue(ni.associatePublicIpAddress))
        report(`network interface ${i} associates a public IP address`);
    });
  }),
};

export const computePolicies = [
  launchTemplateImdsV2,
  launchTemplateEncryptedVolumes,
  launchTemplateNoPublicIp,
];
