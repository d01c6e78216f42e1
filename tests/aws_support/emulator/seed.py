"""Seed an emulated account with the PrivateLink setup in front of a private EKS endpoint,
optionally broken by named faults, and with unrelated noise for scale tests.

usage: seed.py ENDPOINT_URL REGION [--fault NAME]... [--noise VPCS,ENIS,TARGETS]
               [--second-listener TARGETS]
       seed.py ENDPOINT_URL REGION --self-managed [--sm-fault NAME]...
Prints a JSON document of the ids the tests assert on.
"""

import argparse
import datetime
import io
import json
import zipfile
import sys
import urllib.request

import boto3

FAULTS = [
    "stale-target",
    "missing-target",
    "phz-not-associated",
    "peering-inactive",
    "dns-off",
    "endpoint-pending",
    "targets-unhealthy",
    "no-listener",
    "upgrade-no-room",
    "health-check-path",
    "health-check-http",
    "nacl-blocks-443",
    "nlb-sg-blocks-443",
    "eni-zone-without-nlb",
    "nacl-blocks-return",
    "endpoint-az-unsupported",
    "tgw",
    "tgw-route-missing",
    "tgw-blackhole",
    "tgw-attachment-pending",
    "dhcp-custom-dns",
    "resolver-rule-shadows-zone",
    "zone-shadows-siblings",
    "dual-stack",
]
# Faults of the self-managed setup (each implies --self-managed).
LATTICE_FAULTS = ["not-associated", "no-policy", "prefix-list", "domain", "sg", "no-rules"]

# The EKS API shared through a resource configuration: what each breaks.
LATTICE_API_FAULTS = [
    "endpoint-pending",
    "config-inactive",
    "port",
    "wrong-address",
    "endpoint-sg",
    "gateway-inactive",
    "gateway-zone",
    "gateway-sg",
]

SELF_MANAGED_FAULTS = [
    "sm-sg",
    "sm-one-down",
    "sm-no-cross-zone",
    "sm-cname",
    "sm-no-record",
    "sm-listener-port",
    "sm-ip-targets",
    "sm-other-vpc",
    "sm-no-preserve",
    "sm-a-record",
    "sm-nlb-sg",
    "sm-zone-elsewhere",
]
# Faults of the automation around the API's target group (each implies --automation).
AUTOMATION_FAULTS = [
    "automation-no-trail",
    "automation-trail-stopped",
    "automation-trail-readonly",
    "automation-rule-disabled",
    "automation-pattern-mismatch",
    "automation-function-missing",
    "automation-function-errors",
    "automation-wrong-target-group",
    "automation-cleanup-missing",
]


class Seeder:
    def __init__(self, url, region):
        self.url = url
        self.region = region
        kw = dict(
            endpoint_url=url,
            region_name=region,
            aws_access_key_id="seed",
            aws_secret_access_key="seed",
        )
        self.ec2 = boto3.client("ec2", **kw)
        self.eks = boto3.client("eks", **kw)
        self.elb = boto3.client("elbv2", **kw)
        self.r53 = boto3.client("route53", **kw)
        self.resolver = boto3.client("route53resolver", **kw)
        self.ids = {}

    def ext(self, path, doc):
        req = urllib.request.Request(
            self.url + path,
            data=json.dumps(doc).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(req) as r:
            return json.loads(r.read())

    def vpc(self, cidr, name):
        v = self.ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        self.ec2.create_tags(Resources=[v], Tags=[{"Key": "Name", "Value": name}])
        for attr in ("EnableDnsSupport", "EnableDnsHostnames"):
            self.ec2.modify_vpc_attribute(VpcId=v, **{attr: {"Value": True}})
        return v

    def subnet(self, vpc, cidr, az):
        return self.ec2.create_subnet(
            VpcId=vpc, CidrBlock=cidr, AvailabilityZone=self.region + az
        )["Subnet"]["SubnetId"]

    def sg(self, vpc, name, cidrs):
        g = self.ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)[
            "GroupId"
        ]
        if not cidrs:
            return g
        self.ec2.authorize_security_group_ingress(
            GroupId=g,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "IpRanges": [{"CidrIp": c} for c in cidrs],
                }
            ],
        )
        return g

    def main_table(self, vpc):
        tables = self.ec2.describe_route_tables(
            Filters=[{"Name": "vpc-id", "Values": [vpc]}]
        )["RouteTables"]
        return next(
            t["RouteTableId"]
            for t in tables
            if any(a.get("Main") for a in t.get("Associations", []))
        )

    def cluster(self, name, subnets, vpc, cluster_sg):
        # moto keeps vpcId and clusterSecurityGroupId only when sent at creation; boto3
        # drops members the model does not know, so they are added to the signed body.
        def add_fields(request, **_):
            doc = json.loads(request.body)
            doc["resourcesVpcConfig"].update(
                {"vpcId": vpc, "clusterSecurityGroupId": cluster_sg}
            )
            request.data = json.dumps(doc).encode()

        self.eks.meta.events.register("before-sign.eks.CreateCluster", add_fields)
        self.eks.create_cluster(
            name=name,
            version="1.31",
            roleArn="arn:aws:iam::123456789012:role/eks",
            resourcesVpcConfig={
                "subnetIds": subnets,
                "securityGroupIds": [],
                "endpointPrivateAccess": True,
                "endpointPublicAccess": False,
            },
        )
        return self.eks.describe_cluster(name=name)["cluster"]

    def healthy(self, name="prod"):
        ids = self.ids
        ops = ids["ops_vpc"] = self.vpc("172.20.0.0/16", "ops")
        eks = ids["eks_vpc"] = self.vpc("192.168.0.0/16", "eks")
        ops_a = self.subnet(ops, "172.20.1.0/24", "a")
        ops_b = self.subnet(ops, "172.20.2.0/24", "b")
        eks_a = self.subnet(eks, "192.168.10.0/24", "a")
        eks_b = self.subnet(eks, "192.168.20.0/24", "b")
        ids["eks_subnets"] = [eks_a, eks_b]
        ids["ops_subnets"] = [ops_a, ops_b]
        pcx = self.ec2.create_vpc_peering_connection(VpcId=ops, PeerVpcId=eks)[
            "VpcPeeringConnection"
        ]["VpcPeeringConnectionId"]
        self.ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
        ids["peering"] = pcx
        for vpc, dest in ((ops, "192.168.0.0/16"), (eks, "172.20.0.0/16")):
            self.ec2.create_route(
                RouteTableId=self.main_table(vpc),
                DestinationCidrBlock=dest,
                VpcPeeringConnectionId=pcx,
            )
        cluster_sg = self.sg(eks, "eks-cluster", ["192.168.0.0/16", "172.20.0.0/16"])
        bastion_sg = self.sg(ops, "bastion", [])
        # The host the tool runs on; instance metadata names it (moto ships this AMI).
        ids["bastion"] = self.ec2.run_instances(
            ImageId="ami-03cf127a",
            MinCount=1,
            MaxCount=1,
            SubnetId=ops_a,
            SecurityGroupIds=[bastion_sg],
            PrivateIpAddress="172.20.1.10",
        )["Instances"][0]["InstanceId"]
        ids["bastion_sg"] = bastion_sg
        endpoint_sg = self.sg(ops, "eks-endpoint", ["172.20.0.0/16"])
        ids["cluster_sg"] = cluster_sg
        c = self.cluster(name, [eks_a, eks_b], eks, cluster_sg)
        ids["cluster"] = name
        ids["endpoint"] = c["endpoint"]
        # Route53 stores names lower-cased; moto compares them as given.
        host = c["endpoint"].split("://", 1)[-1].rstrip("/").lower()
        ids["host"] = host

        enis, eni_ips = [], []
        for subnet, ip in ((eks_a, "192.168.10.21"), (eks_b, "192.168.20.21")):
            eni = self.ec2.create_network_interface(
                SubnetId=subnet,
                Groups=[cluster_sg],
                Description=f"Amazon EKS {name}",
                PrivateIpAddress=ip,
            )["NetworkInterface"]["NetworkInterfaceId"]
            enis.append(eni)
            eni_ips.append(ip)
        self.ext("/_ext/eni-status", {"region": self.region, "ids": enis, "status": "in-use"})
        ids["eni_ips"] = eni_ips
        ids["enis"] = enis

        lb = self.elb.create_load_balancer(
            Name="eks-api", Subnets=[eks_a, eks_b], Scheme="internal", Type="network"
        )["LoadBalancers"][0]
        lb_arn = ids["nlb"] = lb["LoadBalancerArn"]
        # AWS gives an internal NLB one ENI per zone, described after the NLB.
        desc = "ELB " + lb_arn.split(":loadbalancer/", 1)[1]
        for subnet, ip in ((eks_a, "192.168.10.100"), (eks_b, "192.168.20.100")):
            self.ec2.create_network_interface(
                SubnetId=subnet, Description=desc, PrivateIpAddress=ip
            )
        tg = self.elb.create_target_group(
            Name="eks-api-ips",
            Protocol="TCP",
            Port=443,
            VpcId=eks,
            TargetType="ip",
        )["TargetGroups"][0]["TargetGroupArn"]
        ids["tg"] = tg
        self.elb.register_targets(
            TargetGroupArn=tg, Targets=[{"Id": ip, "Port": 443} for ip in eni_ips]
        )
        ids["listener"] = self.elb.create_listener(
            LoadBalancerArn=lb_arn,
            Protocol="TCP",
            Port=443,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
        )["Listeners"][0]["ListenerArn"]

        svc = self.ec2.create_vpc_endpoint_service_configuration(
            NetworkLoadBalancerArns=[lb_arn], AcceptanceRequired=False
        )["ServiceConfiguration"]
        ids["service"] = svc["ServiceId"]
        ep = self.ec2.create_vpc_endpoint(
            VpcEndpointType="Interface",
            VpcId=ops,
            ServiceName=svc["ServiceName"],
            SubnetIds=[ops_a, ops_b],
            SecurityGroupIds=[endpoint_sg],
        )["VpcEndpoint"]
        ids["endpoint_id"] = ep["VpcEndpointId"]
        self.ext("/_ext/endpoint-ips", {"region": self.region, "id": ep["VpcEndpointId"]})
        dns = ep["DnsEntries"][0]

        zone = self.r53.create_hosted_zone(
            Name=host,
            CallerReference="eks-" + name,
            VPC={"VPCRegion": self.region, "VPCId": ops},
            HostedZoneConfig={"PrivateZone": True, "Comment": "eks api"},
        )["HostedZone"]["Id"].split("/")[-1]
        ids["zone"] = zone
        self.r53.change_resource_record_sets(
            HostedZoneId=zone,
            ChangeBatch={
                "Changes": [
                    {
                        "Action": "CREATE",
                        "ResourceRecordSet": {
                            "Name": host,
                            "Type": "A",
                            "AliasTarget": {
                                "HostedZoneId": dns.get("HostedZoneId", "Z1"),
                                "DNSName": dns["DnsName"],
                                "EvaluateTargetHealth": False,
                            },
                        },
                    }
                ]
            },
        )
        return ids

    def over_tgw(self):
        """Join the VPCs by a transit gateway instead: no peering, no interface endpoint,
        no private zone; the routes of both VPCs point at the gateway, whose route table
        (the default one, associated with both attachments) has a route to each VPC."""
        ids = self.ids
        if "tgw" in ids:
            return
        for vpc, dest in ((ids["ops_vpc"], "192.168.0.0/16"), (ids["eks_vpc"], "172.20.0.0/16")):
            self.ec2.delete_route(RouteTableId=self.main_table(vpc), DestinationCidrBlock=dest)
        self.ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=ids["peering"])
        self.ec2.delete_vpc_endpoints(VpcEndpointIds=[ids["endpoint_id"]])
        rrs = self.r53.list_resource_record_sets(HostedZoneId=ids["zone"])["ResourceRecordSets"]
        changes = [
            {"Action": "DELETE", "ResourceRecordSet": r}
            for r in rrs
            if r["Type"] not in ("SOA", "NS")
        ]
        if changes:
            self.r53.change_resource_record_sets(
                HostedZoneId=ids["zone"], ChangeBatch={"Changes": changes}
            )
        self.r53.delete_hosted_zone(Id=ids["zone"])
        tgw = self.ec2.create_transit_gateway(Description="hub")["TransitGateway"]
        ids["tgw"] = tgw["TransitGatewayId"]
        atts = {}
        for key, vpc, subnets in (
            ("ops", ids["ops_vpc"], ids["ops_subnets"]),
            ("eks", ids["eks_vpc"], ids["eks_subnets"]),
        ):
            atts[key] = self.ec2.create_transit_gateway_vpc_attachment(
                TransitGatewayId=ids["tgw"], VpcId=vpc, SubnetIds=subnets
            )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        ids["tgw_attachments"] = atts
        table = self.ec2.describe_transit_gateways(TransitGatewayIds=[ids["tgw"]])[
            "TransitGateways"
        ][0]["Options"]["AssociationDefaultRouteTableId"]
        ids["tgw_route_table"] = table
        for dest, att in (("172.20.0.0/16", atts["ops"]), ("192.168.0.0/16", atts["eks"])):
            self.ec2.create_transit_gateway_route(
                TransitGatewayRouteTableId=table,
                DestinationCidrBlock=dest,
                TransitGatewayAttachmentId=att,
            )
        for vpc, dest in ((ids["ops_vpc"], "192.168.0.0/16"), (ids["eks_vpc"], "172.20.0.0/16")):
            self.ec2.create_route(
                RouteTableId=self.main_table(vpc),
                DestinationCidrBlock=dest,
                TransitGatewayId=ids["tgw"],
            )

    def automation(self, faults):
        """The registration and cleanup automation of the API's target group: a trail,
        an EventBridge rule on ENI creations, a scheduled rule, their Lambda functions and
        a day of their CloudWatch metrics; `faults` breaks one piece each."""
        ids, region, cluster = self.ids, self.region, self.ids["cluster"]
        kw = dict(
            endpoint_url=self.url,
            region_name=region,
            aws_access_key_id="seed",
            aws_secret_access_key="seed",
        )
        s3, trail = boto3.client("s3", **kw), boto3.client("cloudtrail", **kw)
        events, lam = boto3.client("events", **kw), boto3.client("lambda", **kw)
        iam, cw = boto3.client("iam", **kw), boto3.client("cloudwatch", **kw)
        if "automation-no-trail" not in faults:
            bucket = f"trail-logs-{region}"
            s3.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region}
            )
            name = ids["trail"] = "management-events"
            trail.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=True)
            if "automation-trail-stopped" not in faults:
                trail.start_logging(Name=name)
            if "automation-trail-readonly" in faults:
                trail.put_event_selectors(
                    TrailName=name,
                    EventSelectors=[
                        {"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}
                    ],
                )
        role = iam.create_role(RoleName=f"{cluster}-target-sync", AssumeRolePolicyDocument="{}")[
            "Role"
        ]["Arn"]
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as z:
            z.writestr("index.py", "def handler(event, context):\n    return None\n")
        tg = ids["tg"]
        if "automation-wrong-target-group" in faults:
            other = self.elb.create_target_group(
                Name="other-app",
                Protocol="TCP",
                Port=8443,
                VpcId=ids["eks_vpc"],
                TargetType="ip",
            )["TargetGroups"][0]["TargetGroupArn"]
            ids["other_tg"] = other
            # Another group of the same NLB, behind its own listener: the one copied by
            # mistake into the cleanup function.
            self.elb.create_listener(
                LoadBalancerArn=ids["nlb"],
                Protocol="TCP",
                Port=8443,
                DefaultActions=[{"Type": "forward", "TargetGroupArn": other}],
            )

        def function(name, group):
            return lam.create_function(
                FunctionName=name,
                Runtime="python3.12",
                Role=role,
                Handler="index.handler",
                Code={"ZipFile": code.getvalue()},
                Environment={"Variables": {"TARGET_GROUP_ARN": group}},
            )["FunctionArn"]

        reg = ids["register_fn"] = "register-targets"
        clean = ids["cleanup_fn"] = "cleanup-targets"
        reg_arn = function(reg, tg)
        clean_arn = function(clean, ids.get("other_tg", tg))
        if "automation-function-missing" in faults:
            lam.delete_function(FunctionName=reg)
        pattern = {
            "source": ["aws.eks" if "automation-pattern-mismatch" in faults else "aws.ec2"],
            "detail-type": ["AWS API Call via CloudTrail"],
            "detail": {
                "eventSource": ["ec2.amazonaws.com"],
                "eventName": ["CreateNetworkInterface"],
                "sourceIPAddress": ["eks.amazonaws.com"],
                "requestParameters": {"description": [f"Amazon EKS {cluster}"]},
            },
        }
        rule = ids["registration_rule"] = "eni-registration"
        events.put_rule(
            Name=rule,
            EventPattern=json.dumps(pattern),
            State="DISABLED" if "automation-rule-disabled" in faults else "ENABLED",
        )
        events.put_targets(Rule=rule, Targets=[{"Id": "register", "Arn": reg_arn}])
        if "automation-cleanup-missing" not in faults:
            rule = ids["cleanup_rule"] = "target-cleanup"
            events.put_rule(Name=rule, ScheduleExpression="rate(15 minutes)", State="ENABLED")
            events.put_targets(Rule=rule, Targets=[{"Id": "cleanup", "Arn": clean_arn}])
        # An unrelated schedule, which must not be taken for the cleanup.
        events.put_rule(Name="nightly-report", ScheduleExpression="cron(0 2 * * ? *)")
        # A day of runs: the registration twice, the cleanup every hour.
        now = datetime.datetime.now(datetime.timezone.utc)
        runs = {reg: [5, 20], clean: list(range(1, 24))}
        failing = {reg} if "automation-function-errors" in faults else set()
        ids["runs"] = {f: len(h) for f, h in runs.items()}
        for fn, hours in runs.items():
            for h in hours:
                at = now - datetime.timedelta(hours=h)
                dims = [{"Name": "FunctionName", "Value": fn}]
                data = [{"MetricName": "Invocations", "Dimensions": dims, "Timestamp": at, "Value": 1}]
                data.append(
                    {
                        "MetricName": "Errors",
                        "Dimensions": dims,
                        "Timestamp": at,
                        "Value": 1 if fn in failing else 0,
                    }
                )
                cw.put_metric_data(Namespace="AWS/Lambda", MetricData=data)

    def fault(self, name):
        ids = self.ids
        if name == "tgw":
            self.over_tgw()
        elif name == "tgw-route-missing":
            self.over_tgw()
            self.ec2.delete_transit_gateway_route(
                TransitGatewayRouteTableId=ids["tgw_route_table"],
                DestinationCidrBlock="172.20.0.0/16",
            )
        elif name == "tgw-blackhole":
            self.over_tgw()
            self.ec2.create_transit_gateway_route(
                TransitGatewayRouteTableId=ids["tgw_route_table"],
                DestinationCidrBlock="192.168.0.0/16",
                Blackhole=True,
            )
        elif name == "tgw-attachment-pending":
            self.over_tgw()
            self.ext(
                "/_ext/tgw-attachment-state",
                {"region": self.region, "id": ids["tgw_attachments"]["eks"], "state": "pendingAcceptance"},
            )
        elif name == "dhcp-custom-dns":
            opts = self.ec2.create_dhcp_options(
                DhcpConfigurations=[
                    {"Key": "domain-name-servers", "Values": ["10.10.0.2", "10.10.0.3"]}
                ]
            )["DhcpOptions"]["DhcpOptionsId"]
            self.ec2.associate_dhcp_options(DhcpOptionsId=opts, VpcId=ids["ops_vpc"])
            ids["dhcp_options"] = opts
        elif name == "resolver-rule-shadows-zone":
            sg = self.sg(ids["ops_vpc"], "resolver-out", [])
            ep = self.resolver.create_resolver_endpoint(
                CreatorRequestId="seed-out",
                Name="ops-outbound",
                SecurityGroupIds=[sg],
                Direction="OUTBOUND",
                IpAddresses=[{"SubnetId": s} for s in ids["ops_subnets"]],
            )["ResolverEndpoint"]["Id"]
            rule = self.resolver.create_resolver_rule(
                CreatorRequestId="seed-rule",
                Name="aws-to-onprem",
                RuleType="FORWARD",
                DomainName="eks.amazonaws.com",
                TargetIps=[{"Ip": "10.10.0.2", "Port": 53}],
                ResolverEndpointId=ep,
            )["ResolverRule"]["Id"]
            self.resolver.associate_resolver_rule(ResolverRuleId=rule, VPCId=ids["ops_vpc"])
            ids["resolver_rule"] = rule
            ids["resolver_endpoint"] = ep
        elif name == "zone-shadows-siblings":
            # The endpoint's record moves to a zone named after the region's EKS domain.
            parent = ids["host"].split(".", 2)[2]
            zone = self.r53.create_hosted_zone(
                Name=parent,
                CallerReference="eks-parent",
                VPC={"VPCRegion": self.region, "VPCId": ids["ops_vpc"]},
                HostedZoneConfig={"PrivateZone": True, "Comment": "all of eks"},
            )["HostedZone"]["Id"].split("/")[-1]
            old = ids["zone"]
            rrs = self.r53.list_resource_record_sets(HostedZoneId=old)["ResourceRecordSets"]
            moved = [r for r in rrs if r["Type"] not in ("SOA", "NS")]
            self.r53.change_resource_record_sets(
                HostedZoneId=old,
                ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": r} for r in moved]},
            )
            self.r53.delete_hosted_zone(Id=old)
            self.r53.change_resource_record_sets(
                HostedZoneId=zone,
                ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": r} for r in moved]},
            )
            ids["zone"] = zone
            ids["parent_zone"] = parent
        elif name == "dual-stack":
            # The cluster's ENIs and the interface endpoint's carry IPv6 addresses too.
            ids["eni_ipv6"] = []
            for k, eni in enumerate(ids["enis"]):
                ip = f"2a05:d018:140c:b0{k + 1}::21"
                self.ec2.assign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6Addresses=[ip])
                ids["eni_ipv6"].append(ip)
            ep = self.ec2.describe_vpc_endpoints(VpcEndpointIds=[ids["endpoint_id"]])
            ids["endpoint_ipv6"] = []
            for k, eni in enumerate(ep["VpcEndpoints"][0]["NetworkInterfaceIds"]):
                ip = f"2a05:d018:140c:a0{k + 1}::50"
                self.ec2.assign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6Addresses=[ip])
                ids["endpoint_ipv6"].append(ip)
        elif name == "stale-target":
            self.elb.register_targets(
                TargetGroupArn=ids["tg"], Targets=[{"Id": "192.168.10.9", "Port": 443}]
            )
        elif name == "missing-target":
            self.elb.deregister_targets(
                TargetGroupArn=ids["tg"], Targets=[{"Id": ids["eni_ips"][1], "Port": 443}]
            )
        elif name == "phz-not-associated":
            self.r53.associate_vpc_with_hosted_zone(
                HostedZoneId=ids["zone"],
                VPC={"VPCRegion": self.region, "VPCId": ids["eks_vpc"]},
            )
            self.r53.disassociate_vpc_from_hosted_zone(
                HostedZoneId=ids["zone"],
                VPC={"VPCRegion": self.region, "VPCId": ids["ops_vpc"]},
            )
        elif name == "peering-inactive":
            self.ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=ids["peering"])
        elif name == "dns-off":
            self.ec2.modify_vpc_attribute(
                VpcId=ids["eks_vpc"], EnableDnsHostnames={"Value": False}
            )
        elif name == "endpoint-pending":
            self.ext(
                "/_ext/endpoint-state",
                {"region": self.region, "id": ids["endpoint_id"], "state": "pendingAcceptance"},
            )
        elif name == "targets-unhealthy":
            for ip in ids["eni_ips"]:
                self.ext(
                    "/_ext/target-health",
                    {
                        "tg_arn": ids["tg"],
                        "id": ip,
                        "state": "unhealthy",
                        "reason": "Target.FailedHealthChecks",
                        "description": "Health checks failed",
                    },
                )
        elif name == "upgrade-no-room":
            # Other interfaces fill the cluster subnets: 1 free IP is left in all.
            for subnet, keep in zip(ids["eks_subnets"], (1, 0)):
                free = self.ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0][
                    "AvailableIpAddressCount"
                ]
                for _ in range(free - keep):
                    self.ec2.create_network_interface(SubnetId=subnet, Description="filler")
        elif name == "health-check-path":
            self.elb.modify_target_group(
                TargetGroupArn=ids["tg"],
                HealthCheckProtocol="HTTPS",
                HealthCheckPath="/",
                Matcher={"HttpCode": "200"},
            )
        elif name == "health-check-http":
            self.elb.modify_target_group(
                TargetGroupArn=ids["tg"], HealthCheckProtocol="HTTP", HealthCheckPath="/healthz"
            )
        elif name in ("nacl-blocks-443", "nacl-blocks-return"):
            # The endpoint's subnet in the second AZ gets an ACL that stops 443 from the
            # bastion's subnet, or the answers back to it; everything else stays open.
            ops_b = ids["ops_subnets"][1]
            acl = self.ec2.create_network_acl(VpcId=ids["ops_vpc"])["NetworkAcl"]["NetworkAclId"]
            for egress in (False, True):
                self.ec2.create_network_acl_entry(
                    NetworkAclId=acl, RuleNumber=100, Protocol="-1", RuleAction="allow",
                    Egress=egress, CidrBlock="0.0.0.0/0",
                )
            ports, egress = (
                ({"From": 443, "To": 443}, False)
                if name == "nacl-blocks-443"
                else ({"From": 1024, "To": 65535}, True)
            )
            self.ec2.create_network_acl_entry(
                NetworkAclId=acl, RuleNumber=90, Protocol="6", RuleAction="deny", Egress=egress,
                CidrBlock="172.20.1.0/24", PortRange=ports,
            )
            current = self.ec2.describe_network_acls(
                Filters=[{"Name": "association.subnet-id", "Values": [ops_b]}]
            )["NetworkAcls"][0]
            assoc = next(
                a["NetworkAclAssociationId"]
                for a in current["Associations"]
                if a["SubnetId"] == ops_b
            )
            self.ec2.replace_network_acl_association(AssociationId=assoc, NetworkAclId=acl)
            ids["acl"] = acl
        elif name == "nlb-sg-blocks-443":
            # The NLB gets a group that admits only the cluster VPC.
            sg = self.sg(ids["eks_vpc"], "eks-api-nlb", ["192.168.0.0/16"])
            self.elb.set_security_groups(LoadBalancerArn=ids["nlb"], SecurityGroups=[sg])
            ids["nlb_sg"] = sg
        elif name == "eni-zone-without-nlb":
            # The cluster gains a third zone; the NLB stays in two.
            eks_c = self.subnet(ids["eks_vpc"], "192.168.30.0/24", "c")
            eni = self.ec2.create_network_interface(
                SubnetId=eks_c,
                Groups=[ids["cluster_sg"]],
                Description=f"Amazon EKS {ids['cluster']}",
                PrivateIpAddress="192.168.30.21",
            )["NetworkInterface"]["NetworkInterfaceId"]
            self.ext("/_ext/eni-status", {"region": self.region, "ids": [eni], "status": "in-use"})
        elif name == "endpoint-az-unsupported":
            # The endpoint gains a subnet in a third zone, where the NLB (and so the
            # service) is not.
            ops_c = self.subnet(ids["ops_vpc"], "172.20.3.0/24", "c")
            self.ec2.modify_vpc_endpoint(VpcEndpointId=ids["endpoint_id"], AddSubnetIds=[ops_c])
            ids["endpoint_subnet_c"] = ops_c
        elif name == "no-listener":
            self.elb.delete_listener(ListenerArn=ids["listener"])
        else:
            raise SystemExit(f"unknown fault {name}; accepted: {', '.join(FAULTS)}")

    def noise(self, vpcs, enis, targets):
        """Unrelated resources: other VPCs with ENIs, and a separate NLB with targets."""
        subnets, noise_vpcs = [], []
        for i in range(vpcs):
            v = self.ec2.create_vpc(CidrBlock=f"10.{i // 250}.{i % 250}.0/24")["Vpc"]["VpcId"]
            noise_vpcs.append(v)
            subnets.append(
                self.subnet(v, f"10.{i // 250}.{i % 250}.0/24", "ab"[i % 2])
            )
        if len(noise_vpcs) >= 2:
            # moto ignores peering filters: an unrelated peering must still stay out.
            pcx = self.ec2.create_vpc_peering_connection(
                VpcId=noise_vpcs[0], PeerVpcId=noise_vpcs[1]
            )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
            self.ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
        for i in range(enis):
            self.ec2.create_network_interface(
                SubnetId=subnets[i % len(subnets)], Description=f"noise {i}"
            )
        if targets:
            lb = self.elb.create_load_balancer(
                Name="noise", Subnets=subnets[:2], Scheme="internal", Type="network"
            )["LoadBalancers"][0]["LoadBalancerArn"]
            vpc = self.ec2.describe_subnets(SubnetIds=subnets[:1])["Subnets"][0]["VpcId"]
            tg = self.elb.create_target_group(
                Name="noise", Protocol="TCP", Port=443, VpcId=vpc, TargetType="ip"
            )["TargetGroups"][0]["TargetGroupArn"]
            self.elb.create_listener(
                LoadBalancerArn=lb,
                Protocol="TCP",
                Port=443,
                DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
            )
            self.register(tg, [f"10.{j // 250}.{j % 250}.10" for j in range(targets)], 443)


    def second_listener(self, targets):
        """Another listener on the API's NLB, TCP 8443, to a group that is not the API's."""
        tg = self.elb.create_target_group(
            Name="other-app", Protocol="TCP", Port=8443, VpcId=self.ids["eks_vpc"], TargetType="ip"
        )["TargetGroups"][0]["TargetGroupArn"]
        self.elb.create_listener(
            LoadBalancerArn=self.ids["nlb"],
            Protocol="TCP",
            Port=8443,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
        )
        self.register(tg, [f"192.168.{30 + j // 240}.{10 + j % 240}" for j in range(targets)], 8443)
        self.ids["other_tg"] = tg

    def self_managed(self, faults):
        """Kubernetes on EC2: three control-plane instances in private subnets of three
        zones behind an internal NLB on 6443 (cross-zone on), a private zone naming the API
        api.k8s.internal, and a bastion in a public subnet of the same VPC (or, with
        sm-other-vpc, of a peered VPC whose way back is missing)."""
        ids = self.ids
        vpc = ids["k8s_vpc"] = self.vpc("10.40.0.0/16", "k8s")
        public = self.subnet(vpc, "10.40.100.0/24", "a")
        private = [self.subnet(vpc, f"10.40.{i}.0/24", az) for i, az in ((1, "a"), (2, "b"), (3, "c"))]
        ids["k8s_subnets"] = private
        igw = self.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        self.ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        rtb = self.ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        self.ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        self.ec2.associate_route_table(RouteTableId=rtb, SubnetId=public)

        def group(vpc_id, name, port, cidrs):
            g = self.ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"]
            self.ec2.authorize_security_group_ingress(
                GroupId=g,
                IpPermissions=[{
                    "IpProtocol": "tcp", "FromPort": port, "ToPort": port,
                    "IpRanges": [{"CidrIp": c} for c in cidrs],
                }],
            )
            return g

        api_from = ["10.40.0.0/16"]
        if "sm-sg" in faults or "sm-no-preserve" in faults:
            api_from = ["10.40.1.0/24", "10.40.2.0/24", "10.40.3.0/24"]
        if "sm-other-vpc" in faults:
            api_from.append("10.50.0.0/16")
        cp_sg = ids["cp_sg"] = group(vpc, "k8s-control-plane", 6443, api_from)
        origin_vpc, origin_subnet = vpc, public
        if "sm-other-vpc" in faults:
            origin_vpc = ids["ops_vpc"] = self.vpc("10.50.0.0/16", "ops")
            origin_subnet = self.subnet(origin_vpc, "10.50.1.0/24", "a")
            pcx = self.ec2.create_vpc_peering_connection(VpcId=origin_vpc, PeerVpcId=vpc)[
                "VpcPeeringConnection"]["VpcPeeringConnectionId"]
            self.ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
            ids["peering"] = pcx
            # The way there only: the private subnets' table has no route back.
            self.ec2.create_route(
                RouteTableId=self.main_table(origin_vpc),
                DestinationCidrBlock="10.40.0.0/16",
                VpcPeeringConnectionId=pcx,
            )
            ids["k8s_main_table"] = self.main_table(vpc)
        ids["origin_vpc"] = origin_vpc
        bastion_sg = group(origin_vpc, "bastion", 22, ["203.0.113.0/24"])
        ids["bastion"] = self.ec2.run_instances(
            ImageId="ami-03cf127a", MinCount=1, MaxCount=1, SubnetId=origin_subnet,
            SecurityGroupIds=[bastion_sg],
            PrivateIpAddress="10.50.1.10" if origin_vpc != vpc else "10.40.100.10",
        )["Instances"][0]["InstanceId"]

        instances = []
        for k, subnet in enumerate(private):
            i = self.ec2.run_instances(
                ImageId="ami-03cf127a", MinCount=1, MaxCount=1, SubnetId=subnet,
                SecurityGroupIds=[cp_sg], PrivateIpAddress=f"10.40.{k + 1}.11",
                TagSpecifications=[{"ResourceType": "instance",
                                    "Tags": [{"Key": "Name", "Value": f"k8s-cp-{k + 1}"}]}],
            )["Instances"][0]["InstanceId"]
            instances.append(i)
        ids["instances"] = instances

        lb_args = dict(Name="k8s-api", Subnets=private, Scheme="internal", Type="network")
        if "sm-nlb-sg" in faults:
            # Its own group admits only the private subnets: the bastion is refused there.
            nlb_sg = ids["nlb_sg"] = group(vpc, "k8s-api-nlb", 6443, ["10.40.1.0/24"])
            lb_args["SecurityGroups"] = [nlb_sg]
        lb = self.elb.create_load_balancer(**lb_args)["LoadBalancers"][0]
        lb_arn = ids["nlb"] = lb["LoadBalancerArn"]
        ids["nlb_dns"] = lb["DNSName"]
        desc = "ELB " + lb_arn.split(":loadbalancer/", 1)[1]
        nodes = []
        for k, subnet in enumerate(private):
            ip = f"10.40.{k + 1}.20"
            self.ec2.create_network_interface(SubnetId=subnet, Description=desc, PrivateIpAddress=ip)
            nodes.append(ip)
        ids["nlb_ips"] = nodes
        self.elb.modify_load_balancer_attributes(
            LoadBalancerArn=lb_arn,
            Attributes=[{"Key": "load_balancing.cross_zone.enabled",
                         "Value": "false" if "sm-no-cross-zone" in faults else "true"}],
        )
        ip_targets = "sm-ip-targets" in faults
        tg = ids["tg"] = self.elb.create_target_group(
            Name="k8s-api-6443", Protocol="TCP", Port=6443, VpcId=vpc,
            TargetType="ip" if ip_targets else "instance",
            HealthCheckProtocol="HTTPS", HealthCheckPath="/readyz", Matcher={"HttpCode": "200"},
        )["TargetGroups"][0]["TargetGroupArn"]
        if "sm-no-preserve" in faults:
            self.elb.modify_target_group_attributes(
                TargetGroupArn=tg,
                Attributes=[{"Key": "preserve_client_ip.enabled", "Value": "false"}],
            )
        targets = [f"10.40.{k + 1}.11" for k in range(3)] if ip_targets else instances
        self.elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": t, "Port": 6443} for t in targets])
        # Registered while running; stopped afterwards, as an outage finds it.
        if "sm-one-down" in faults:
            self.ec2.stop_instances(InstanceIds=[instances[1]])
        if "sm-no-cross-zone" in faults:
            self.ext("/_ext/target-health", {
                "tg_arn": tg, "id": targets[2], "state": "unhealthy",
                "reason": "Target.FailedHealthChecks", "description": "Health checks failed",
            })
        self.elb.create_listener(
            LoadBalancerArn=lb_arn, Protocol="TCP",
            Port=443 if "sm-listener-port" in faults else 6443,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
        )

        zone_vpcs = {"VPCRegion": self.region, "VPCId": origin_vpc}
        if "sm-zone-elsewhere" in faults:
            # The zone names the API for another VPC only.
            zone_vpcs["VPCId"] = self.vpc("10.60.0.0/16", "elsewhere")
        zone = ids["zone"] = self.r53.create_hosted_zone(
            Name="k8s.internal", CallerReference="k8s-internal", VPC=zone_vpcs,
            HostedZoneConfig={"PrivateZone": True, "Comment": "k8s api"},
        )["HostedZone"]["Id"].split("/")[-1]
        if "sm-no-record" not in faults:
            if "sm-a-record" in faults:
                rrset = {"Name": "api.k8s.internal", "Type": "A", "TTL": 60,
                         "ResourceRecords": [{"Value": ip} for ip in nodes]}
            elif "sm-cname" in faults:
                rrset = {"Name": "api.k8s.internal", "Type": "CNAME", "TTL": 60,
                         "ResourceRecords": [{"Value": lb["DNSName"]}]}
            else:
                rrset = {"Name": "api.k8s.internal", "Type": "A", "AliasTarget": {
                    "HostedZoneId": lb["CanonicalHostedZoneId"], "DNSName": lb["DNSName"],
                    "EvaluateTargetHealth": False}}
            self.r53.change_resource_record_sets(
                HostedZoneId=zone,
                ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": rrset}]},
            )
        ids["server"] = "https://api.k8s.internal:6443"
        return ids

    def lattice(self, faults, port=80, protocol="HTTP"):
        """Two clusters' VPCs joined by one VPC Lattice service network, as the Gateway API
        controller builds it: the network (AWS_IAM, with an auth policy) associated with
        the client VPC through a security group, a service with a custom domain that a
        private zone maps to the service's DNS name, a listener whose default action and
        one rule forward to an IP target group of two pods in the server VPC, whose ENIs'
        group admits the pods' port from the region's vpc-lattice prefix list.

        Faults: not-associated (the client VPC is in no network), no-policy (the network's
        auth policy is missing), prefix-list (the pods admit their VPC only), domain (the
        custom domain's CNAME names another service), sg (the association's group admits
        another range), no-rules (the listener returns a fixed 404)."""
        kw = dict(
            endpoint_url=self.url, region_name=self.region,
            aws_access_key_id="seed", aws_secret_access_key="seed",
        )
        lat = boto3.client("vpc-lattice", **kw)
        ids = self.ids
        client = ids["client_vpc"] = self.vpc("10.70.0.0/16", "client")
        server = ids["server_vpc"] = self.vpc("10.80.0.0/16", "server")
        # moto holds the AWS-managed list, as a region does.
        name = f"com.amazonaws.{self.region}.vpc-lattice"
        pl = self.ec2.describe_managed_prefix_lists(
            Filters=[{"Name": "prefix-list-name", "Values": [name]}]
        )["PrefixLists"][0]["PrefixListId"]
        ids["prefix_list"] = pl

        def group(vpc, name, port, source):
            g = self.ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
            self.ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[
                dict({"IpProtocol": "tcp", "FromPort": port, "ToPort": port}, **source)
            ])
            return g

        admitted = "10.99.0.0/16" if "sg" in faults else "10.70.0.0/16"
        sg = ids["lattice_sg"] = group(
            client, "lattice-client", port, {"IpRanges": [{"CidrIp": admitted}]}
        )
        pods_from = (
            {"IpRanges": [{"CidrIp": "10.80.0.0/16"}]} if "prefix-list" in faults
            else {"PrefixListIds": [{"PrefixListId": pl}]}
        )
        nodes = ids["node_sg"] = group(server, "eks-cluster-sg-server", 8080, pods_from)
        sn = lat.create_service_network(name="gateway-api", authType="AWS_IAM")
        ids["network"] = sn["id"]
        if "no-policy" not in faults:
            lat.put_auth_policy(resourceIdentifier=sn["id"], policy=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}],
            }))
        lat.create_service_network_vpc_association(
            serviceNetworkIdentifier=sn["id"], vpcIdentifier=server
        )
        if "not-associated" not in faults:
            ids["association"] = lat.create_service_network_vpc_association(
                serviceNetworkIdentifier=sn["id"], vpcIdentifier=client, securityGroupIds=[sg]
            )["id"]
        domain = ids["domain"] = "checkout.example.internal"
        svc = lat.create_service(name="checkout", authType="NONE", customDomainName=domain)
        ids["service"] = svc["id"]
        ids["service_dns"] = svc["dnsEntry"]["domainName"]
        lat.create_service_network_service_association(
            serviceNetworkIdentifier=sn["id"], serviceIdentifier=svc["id"]
        )
        tg = lat.create_target_group(
            name="checkout-pods", type="IP",
            config={"port": 8080, "protocol": "HTTP", "vpcIdentifier": server},
        )
        ids["lattice_tg"] = tg["id"]
        forward = {"forward": {"targetGroups": [{"targetGroupIdentifier": tg["id"], "weight": 1}]}}
        fixed = {"fixedResponse": {"statusCode": 404}}
        listener = lat.create_listener(
            serviceIdentifier=svc["id"], name="http", protocol=protocol, port=port,
            defaultAction=fixed if "no-rules" in faults else forward,
        )
        if "no-rules" not in faults:
            lat.create_rule(
                serviceIdentifier=svc["id"], listenerIdentifier=listener["id"], name="api",
                priority=10, action=forward,
                match={"httpMatch": {"pathMatch": {"match": {"prefix": "/api"}}}},
            )
        pods = ids["pods"] = ["10.80.1.15", "10.80.2.15"]
        for i, ip in enumerate(pods):
            subnet = self.subnet(server, f"10.80.{i + 1}.0/24", 'ab'[i])
            self.ec2.create_network_interface(
                SubnetId=subnet, PrivateIpAddress=ip, Groups=[nodes], Description="pod"
            )
        lat.register_targets(
            targetGroupIdentifier=tg["id"], targets=[{"id": p, "port": 8080} for p in pods]
        )
        zone = self.r53.create_hosted_zone(
            Name="example.internal", CallerReference="lattice-apps",
            HostedZoneConfig={"PrivateZone": True},
            VPC={"VPCRegion": self.region, "VPCId": client},
        )["HostedZone"]["Id"].split("/")[-1]
        ids["zone"] = zone
        target = "checkout-old.example.internal" if "domain" in faults else ids["service_dns"]
        self.r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{
            "Action": "CREATE",
            "ResourceRecordSet": {"Name": domain, "Type": "CNAME", "TTL": 300,
                                  "ResourceRecords": [{"Value": target}]},
        }]})
        return ids

    def lattice_api(self, faults, via="resource"):
        """The healthy cluster's API shared through VPC Lattice instead of PrivateLink: a
        resource gateway in both of the cluster VPC's subnets, a resource configuration for
        the endpoint's name on 443 with that name as its custom domain, and in the bastion's
        VPC an endpoint leading to it (of type Resource, or ServiceNetwork through a
        network the configuration is associated with). The interface endpoint and its
        private zone are gone. The cluster's group admits the VPC's range, so the gateway's
        subnets. Faults: see LATTICE_API_FAULTS."""
        ids = self.ids
        host, eks, ops = ids["host"], ids["eks_vpc"], ids["ops_vpc"]
        zone = ids.pop("zone")
        for r in self.r53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]:
            if r["Type"] not in ("SOA", "NS"):
                self.r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={
                    "Changes": [{"Action": "DELETE", "ResourceRecordSet": r}]
                })
        self.r53.delete_hosted_zone(Id=zone)
        gateway_sg = ids["gateway_sg"] = self.sg(eks, "eks-api-resource-gateway", [])
        if "gateway-sg" in faults:
            self.ec2.revoke_security_group_ingress(GroupId=ids["cluster_sg"], IpPermissions=[{
                "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                "IpRanges": [{"CidrIp": "192.168.0.0/16"}],
            }])
        admitted = "10.99.0.0/16" if "endpoint-sg" in faults else "172.20.0.0/16"
        endpoint_sg = ids["resource_endpoint_sg"] = self.sg(
            ops, "eks-api-resource-endpoint", [admitted]
        )
        network = None
        if via == "network":
            kw = dict(
                endpoint_url=self.url, region_name=self.region,
                aws_access_key_id="seed", aws_secret_access_key="seed",
            )
            lat = boto3.client("vpc-lattice", **kw)
            network = lat.create_service_network(name="eks-api-share", authType="NONE")["arn"]
            ids["share_network"] = network
        eks_subnets = ids["eks_subnets"][:1] if "gateway-zone" in faults else ids["eks_subnets"]
        ips = ids["resource_endpoint_ips"] = ["172.20.1.60", "172.20.2.60"]
        made = self.ext("/_ext/lattice-resources", {
            "region": self.region,
            "drop_endpoints": [ids["endpoint_id"]],
            "gateway": {
                "name": "eks-api", "vpc_id": eks, "subnet_ids": eks_subnets,
                "sg_ids": [gateway_sg],
                "status": "UPDATE_FAILED" if "gateway-inactive" in faults else "ACTIVE",
            },
            "config": {
                "name": "eks-api-prod",
                "status": "CREATE_FAILED" if "config-inactive" in faults else "ACTIVE",
                "dns": "old-prod.k8s.internal" if "wrong-address" in faults else host,
                "port_ranges": ["8443"] if "port" in faults else ["443"],
                "custom_domain": host,
            },
            "endpoint": {
                "vpc_id": ops, "type": "ServiceNetwork" if network else "Resource",
                "service_network_arn": network, "subnet_ids": ids["ops_subnets"], "ips": ips,
                "sg_ids": [endpoint_sg],
                "state": "pendingAcceptance" if "endpoint-pending" in faults else "available",
            },
        })
        ids["gateway"], ids["resource_config"] = made["gateway"], made["config"]
        ids["resource_endpoint"] = made["endpoint"]
        return ids

    def register(self, tg, ips, port):
        for k in range(0, len(ips), 50):
            self.elb.register_targets(
                TargetGroupArn=tg,
                Targets=[{"Id": ip, "Port": port} for ip in ips[k : k + 50]],
            )


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("region")
    p.add_argument("--fault", action="append", default=[], choices=FAULTS + AUTOMATION_FAULTS)
    p.add_argument("--automation", action="store_true")
    p.add_argument("--self-managed", action="store_true")
    p.add_argument("--lattice", action="store_true")
    p.add_argument("--lattice-fault", action="append", default=[], choices=LATTICE_FAULTS)
    p.add_argument("--lattice-port", type=int, default=80)
    p.add_argument("--lattice-protocol", default="HTTP", choices=["HTTP", "HTTPS"])
    p.add_argument("--lattice-api", action="store_true")
    p.add_argument("--lattice-api-fault", action="append", default=[], choices=LATTICE_API_FAULTS)
    p.add_argument("--lattice-api-via", default="resource", choices=["resource", "network"])
    p.add_argument("--sm-fault", action="append", default=[], choices=SELF_MANAGED_FAULTS)
    p.add_argument("--noise", default="")
    p.add_argument("--second-listener", type=int, default=0, metavar="TARGETS")
    p.add_argument("--cluster", default="prod")
    p.add_argument("--extra-cluster", action="append", default=[])
    a = p.parse_args()
    s = Seeder(a.url, a.region)
    if a.lattice or a.lattice_fault:
        s.lattice(a.lattice_fault, a.lattice_port, a.lattice_protocol)
        json.dump(s.ids, sys.stdout)
        print()
        return
    if a.self_managed or a.sm_fault:
        s.self_managed(a.sm_fault)
        json.dump(s.ids, sys.stdout)
        print()
        return
    s.healthy(a.cluster)
    if a.lattice_api or a.lattice_api_fault:
        s.lattice_api(a.lattice_api_fault, a.lattice_api_via)
    for i, name in enumerate(a.extra_cluster):
        s.eks.create_cluster(
            name=name,
            roleArn="arn:aws:iam::123456789012:role/eks",
            resourcesVpcConfig={"subnetIds": s.ids["eks_subnets"]},
        )
        # Its own endpoint, under the same domain as the first cluster's, as EKS does.
        label = f"{i:02d}{name}".upper().ljust(20, "0")[:20]
        s.ext(
            "/_ext/cluster-endpoint",
            {
                "region": s.region,
                "name": name,
                "endpoint": "https://" + label + "." + s.ids["host"].split(".", 1)[1],
            },
        )
    automation = [f for f in a.fault if f in AUTOMATION_FAULTS]
    for f in a.fault:
        if f not in AUTOMATION_FAULTS:
            s.fault(f)
    if a.automation or automation:
        s.automation(automation)
    if a.noise:
        vpcs, enis, targets = (int(x) for x in a.noise.split(","))
        s.noise(vpcs, enis, targets)
    if a.second_listener:
        s.second_listener(a.second_listener)
    json.dump(s.ids, sys.stdout)
    print()


if __name__ == "__main__":
    main()
