/** Route 53 zones and records, ACM certificates, Cloud Map (service discovery) namespaces and services. */
import { defaultAutoName } from "../autoname";
import { apiReference, botocore } from "../botocore";
import type { TypeConstraints } from "../model";
import { crossField, custom } from "../rules";
import { botocoreTag, NO_CONSTRAINT, tagRules } from "./common";
import { doc } from "./docs";

/** DNS names: labels of at most 63 characters, the whole at most 255 (RFC 1035, as Route 53's guide states). */
const DNS_NAME_FORMAT = doc(
  "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html",
  "DNS domain name format",
  "Each label can be up to 63 bytes long. The total length of a domain name cannot exceed 255 bytes, including the dots.",
);
const dnsName = custom(
  "labels of at most 63, the name at most 255 characters",
  DNS_NAME_FORMAT,
  (v) => {
    const name = String(v).replace(/\.$/, "");
    if (name.length > 255) return `has ${name.length} characters`;
    const long = name.split(".").find((l) => l.length > 63);
    return long ? `has label "${long}" of ${long.length} characters` : undefined;
  },
  [`${"a".repeat(64)}.example.com`, Array.from({ length: 5 }, () => "b".repeat(60)).join(".")],
);

export const DNS: Record<string, TypeConstraints> = {
  "aws:route53/zone:Zone": {
    fields: {
      name: [botocore("route53", "CreateHostedZoneRequest.Name"), dnsName],
      comment: [botocore("route53", "HostedZoneConfig.Comment")],
    },
    unconstrained: {
      "vpcs[].vpcId": NO_CONSTRAINT.reference,
      "vpcs[].vpcRegion": "the region of the VPC (a region name)",
      forceDestroy: NO_CONSTRAINT.providerOnly,
      delegationSetId: NO_CONSTRAINT.reference,
    },
    tags: tagRules(botocoreTag("route53", "Tag.Key", "Tag.Value")),
  },
  "aws:route53/record:Record": {
    fields: {
      name: [botocore("route53", "ResourceRecordSet.Name"), dnsName],
      type: [botocore("route53", "ResourceRecordSet.Type")],
      ttl: [botocore("route53", "ResourceRecordSet.TTL")],
      "records[]": [botocore("route53", "ResourceRecord.Value")],
      "aliases[].name": [botocore("route53", "AliasTarget.DNSName")],
    },
    unconstrained: {
      zoneId: NO_CONSTRAINT.reference,
      "aliases[].zoneId": NO_CONSTRAINT.reference,
      "aliases[].evaluateTargetHealth": NO_CONSTRAINT.boolean,
      allowOverwrite: NO_CONSTRAINT.providerOnly,
    },
    resource: [
      crossField(
        ["aliases", "ttl"],
        "an alias record has no TTL",
        apiReference(
          "route53",
          "ResourceRecordSet.TTL",
          "If you're creating or updating an alias resource record set, omit TTL.",
        ),
        (i) =>
          Array.isArray(i.aliases) && i.aliases.length > 0 && i.ttl !== undefined
            ? { path: "ttl", problem: "is set on an alias record" }
            : undefined,
        [
          {
            name: "api.example.com",
            type: "A",
            ttl: 300,
            aliases: [{ name: "alb.example.com", zoneId: "Z32O12XQLNTSW2", evaluateTargetHealth: true }],
          },
        ],
      ),
      crossField(
        ["type", "records"],
        "one value for a CNAME record",
        apiReference(
          "route53",
          "ResourceRecord.Value",
          "You can specify more than one value for all record types except CNAME and SOA.",
        ),
        (i) =>
          (i.type === "CNAME" || i.type === "SOA") && Array.isArray(i.records) && i.records.length > 1
            ? { path: "records", problem: `has ${i.records.length} values for a ${i.type} record` }
            : undefined,
        [{ name: "www.example.com", type: "CNAME", ttl: 300, records: ["a.example.com", "b.example.com"] }],
      ),
    ],
  },
  "aws:acm/certificate:Certificate": {
    fields: {
      domainName: [botocore("acm", "RequestCertificateRequest.DomainName")],
      validationMethod: [botocore("acm", "RequestCertificateRequest.ValidationMethod")],
      subjectAlternativeNames: [botocore("acm", "RequestCertificateRequest.SubjectAlternativeNames")],
      "subjectAlternativeNames[]": [
        botocore("acm", "RequestCertificateRequest.SubjectAlternativeNames", "each"),
      ],
      keyAlgorithm: [botocore("acm", "RequestCertificateRequest.KeyAlgorithm")],
    },
    resource: [
      crossField(
        ["domainName"],
        "a domain name (the certificate's common name) of at most 64 characters",
        apiReference(
          "acm",
          "RequestCertificateRequest.DomainName",
          "In compliance with RFC 5280, the length of the domain name (technically, the Common Name) that you provide cannot exceed 64 octets (characters), including periods.",
        ),
        (i) =>
          typeof i.domainName === "string" && i.domainName.length > 64
            ? { path: "domainName", problem: `has ${i.domainName.length} characters` }
            : undefined,
        [{ domainName: `${"a".repeat(60)}.example.com`, validationMethod: "DNS" }],
      ),
    ],
    tags: tagRules(botocoreTag("acm", "Tag.Key", "Tag.Value")),
  },
  "aws:acm/certificateValidation:CertificateValidation": {
    fields: {},
    unconstrained: {
      certificateArn: NO_CONSTRAINT.reference,
      "validationRecordFqdns[]": "the validation record names Route 53 answers for the certificate",
    },
  },
  "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": {
    autoName: defaultAutoName(),
    fields: {
      name: [botocore("servicediscovery", "CreatePrivateDnsNamespaceRequest.Name"), dnsName],
      description: [botocore("servicediscovery", "CreatePrivateDnsNamespaceRequest.Description")],
    },
    unconstrained: { vpc: NO_CONSTRAINT.reference },
    tags: tagRules(botocoreTag("servicediscovery", "Tag.Key", "Tag.Value")),
  },
  "aws:servicediscovery/service:Service": {
    autoName: defaultAutoName(),
    fields: {
      name: [botocore("servicediscovery", "CreateServiceRequest.Name")],
      description: [botocore("servicediscovery", "CreateServiceRequest.Description")],
      type: [botocore("servicediscovery", "CreateServiceRequest.Type")],
      "dnsConfig.routingPolicy": [botocore("servicediscovery", "DnsConfig.RoutingPolicy")],
      "dnsConfig.dnsRecords[].type": [botocore("servicediscovery", "DnsRecord.Type")],
      "dnsConfig.dnsRecords[].ttl": [botocore("servicediscovery", "DnsRecord.TTL")],
      "healthCheckCustomConfig.failureThreshold": [
        botocore("servicediscovery", "HealthCheckCustomConfig.FailureThreshold"),
      ],
      "healthCheckConfig.type": [botocore("servicediscovery", "HealthCheckConfig.Type")],
      "healthCheckConfig.failureThreshold": [
        botocore("servicediscovery", "HealthCheckConfig.FailureThreshold"),
      ],
      "healthCheckConfig.resourcePath": [botocore("servicediscovery", "HealthCheckConfig.ResourcePath")],
    },
    unconstrained: {
      namespaceId: NO_CONSTRAINT.reference,
      "dnsConfig.namespaceId": NO_CONSTRAINT.reference,
      forceDestroy: NO_CONSTRAINT.providerOnly,
    },
    tags: tagRules(botocoreTag("servicediscovery", "Tag.Key", "Tag.Value")),
  },
};
