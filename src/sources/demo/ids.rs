//! Fixed identifiers of the simulated account, so screenshots and tests are reproducible.

use std::net::Ipv4Addr;

pub const ACCOUNT: &str = "111122223333";
pub const REGION: &str = "eu-west-1";
pub const AZ_A: &str = "eu-west-1a";
pub const AZ_B: &str = "eu-west-1b";
pub const AZ_C: &str = "eu-west-1c";

/// The zone IDs behind the names in this account: names are shuffled per account.
pub fn az_id(az: &str) -> &'static str {
    match az {
        AZ_A => "euw1-az3",
        AZ_B => "euw1-az1",
        _ => "euw1-az2",
    }
}

pub const CLUSTER: &str = "demo-private";
/// The self-managed scenarios' API server and the kubeconfig context that names it.
pub const SELF_MANAGED_SERVER: &str = "https://api.k8s.internal:6443";
pub const SELF_MANAGED_CONTEXT: &str = "k8s-prod";
pub const CLUSTER_ARN: &str = "arn:aws:eks:eu-west-1:111122223333:cluster/demo-private";
pub const CLUSTER_VERSION: &str = "1.33";
pub const ENDPOINT: &str =
    "https://B7E9A2F4C1D3086E5A4F9C2B1D7E3A60.gr7.eu-west-1.eks.amazonaws.com";
pub const ENDPOINT_HOST: &str = "b7e9a2f4c1d3086e5a4f9c2b1d7e3a60.gr7.eu-west-1.eks.amazonaws.com";
/// Not a real certificate: the demo never verifies it.
pub const CA_DATA: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURCVENDQWUyZ0F3SUJBZ0lJZGVtb0RFTU9kZW1vd0RRWUpLb1pJaHZjTkFRRUxCUUF3RlRFVE1CRUdBMVVFCkF4TUthM1ZpWlhKdVpYUmxjekFlRncweU5qRXhNREl3T1RNd01EQmFGdzB6TmpFd016RXdPVE0xTURCYU1CVXgKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=";
pub const ENI_DESCRIPTION: &str = "Amazon EKS demo-private";
/// The region's second cluster in `zone-shadows-siblings`, and the parent-named zone.
pub const SIBLING_CLUSTER: &str = "demo-batch";
pub const SIBLING_ENDPOINT: &str =
    "https://4C1D7E3A60B7E9A2F4C1D3086E5A4F9C.gr7.eu-west-1.eks.amazonaws.com";
pub const PARENT_ZONE_NAME: &str = "gr7.eu-west-1.eks.amazonaws.com";

pub const VPC_OPS: &str = "vpc-0a1b2c3d4e5f60001";
pub const VPC_EKS: &str = "vpc-0a1b2c3d4e5f60002";
pub const VPC_SHARED: &str = "vpc-0a1b2c3d4e5f60003";

pub const SUBNET_OPS_PUBLIC_A: &str = "subnet-0a1b2c3d4e5f6a000";
pub const SUBNET_OPS_A: &str = "subnet-0a1b2c3d4e5f6a001";
pub const SUBNET_OPS_B: &str = "subnet-0a1b2c3d4e5f6a002";
/// The ops subnet B's own network ACL in `nacl-blocks-443`.
pub const ACL_OPS_B: &str = "acl-0a1b2c3d4e5f6c011";
pub const SUBNET_EKS_A: &str = "subnet-0a1b2c3d4e5f6b001";
pub const SUBNET_EKS_B: &str = "subnet-0a1b2c3d4e5f6b002";
pub const SUBNET_EKS_C: &str = "subnet-0a1b2c3d4e5f6b003";
pub const SUBNET_SHARED_A: &str = "subnet-0a1b2c3d4e5f6c001";

pub const RTB_OPS_MAIN: &str = "rtb-0a1b2c3d4e5f6a000";
pub const RTB_OPS_PRIVATE: &str = "rtb-0a1b2c3d4e5f6a001";
pub const RTB_EKS_MAIN: &str = "rtb-0a1b2c3d4e5f6b000";
pub const RTB_EKS_PRIVATE: &str = "rtb-0a1b2c3d4e5f6b001";
pub const RTB_SHARED_MAIN: &str = "rtb-0a1b2c3d4e5f6c000";
pub const IGW_OPS: &str = "igw-0a1b2c3d4e5f60001";
pub const NAT_OPS: &str = "nat-0a1b2c3d4e5f60001";
/// The bastion's egress address on the internet (documentation range).
pub const NAT_EGRESS_IP: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 10);

pub const PCX: &str = "pcx-0a1b2c3d4e5f60001";
/// The transit gateway of the `tgw*` scenarios, its attachments and route table.
pub const TGW: &str = "tgw-0a1b2c3d4e5f60001";
pub const TGW_ATTACH_OPS: &str = "tgw-attach-0a1b2c3d4e5f60001";
pub const TGW_ATTACH_EKS: &str = "tgw-attach-0a1b2c3d4e5f60002";
pub const TGW_RTB: &str = "tgw-rtb-0a1b2c3d4e5f60001";
/// The DHCP options sets: the ops VPC's own, and AWS's default for the others.
pub const DOPT_OPS: &str = "dopt-0a1b2c3d4e5f60001";
pub const DOPT_DEFAULT: &str = "dopt-0a1b2c3d4e5f6ffff";

pub const SG_BASTION: &str = "sg-0a1b2c3d4e5f6a001";
pub const SG_VPCE_API: &str = "sg-0a1b2c3d4e5f6a002";
pub const SG_VPCE_SSM: &str = "sg-0a1b2c3d4e5f6a003";
pub const SG_CLUSTER: &str = "sg-0a1b2c3d4e5f6b001";
/// The API NLB's own security group.
pub const SG_NLB_API: &str = "sg-0a1b2c3d4e5f6b002";
pub const SG_CLUSTER_NAME: &str = "eks-cluster-sg-demo-private";

pub const INSTANCE: &str = "i-0a1b2c3d4e5f60001";
pub const BASTION_IP: Ipv4Addr = Ipv4Addr::new(172, 20, 1, 10);
pub const NODE_INSTANCE: &str = "i-0a1b2c3d4e5f60011";

pub const NLB_API_NAME: &str = "eks-api-private";
pub const NLB_API_ARN: &str = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/eks-api-private/50dc6c495c0c9188";
pub const NLB_API_DNS: &str = "eks-api-private-50dc6c495c0c9188.elb.eu-west-1.amazonaws.com";
pub const NLB_API_IP_A: Ipv4Addr = Ipv4Addr::new(192, 168, 10, 200);
pub const NLB_API_IP_B: Ipv4Addr = Ipv4Addr::new(192, 168, 20, 200);
pub const LISTENER_API_ARN: &str = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/net/eks-api-private/50dc6c495c0c9188/f2f7dc8efc522ab2";
pub const TG_API_NAME: &str = "eks-api-enis";
pub const TG_API_ARN: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/eks-api-enis/73e2d6bc24d8a067";
/// A second listener on the API's NLB, for webhooks the cluster serves: not the API's.
pub const LISTENER_HOOKS_ARN: &str = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/net/eks-api-private/50dc6c495c0c9188/9a41c07e3d5b2f16";
pub const TG_HOOKS_NAME: &str = "ops-webhooks";
pub const TG_HOOKS_ARN: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/ops-webhooks/2e8b5f03c9a7d41e";
pub const HOOK_POD_IPS: [Ipv4Addr; 2] = [
    Ipv4Addr::new(192, 168, 10, 241),
    Ipv4Addr::new(192, 168, 20, 242),
];

pub const NLB_APP_NAME: &str = "orders-api";
pub const NLB_APP_ARN: &str = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/orders-api/8c1f4b2a9d3e7f60";
pub const NLB_APP_DNS: &str = "orders-api-8c1f4b2a9d3e7f60.elb.eu-west-1.amazonaws.com";
pub const LISTENER_APP_ARN: &str = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/net/orders-api/8c1f4b2a9d3e7f60/0d4c9e1b7a2f5c38";
pub const TG_APP_NAME: &str = "orders-api-pods";
pub const TG_APP_ARN: &str = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/orders-api-pods/5b9e2c7d1f4a8e03";
/// Pod IPs, outside the range the EKS ENIs are drawn from.
pub const APP_POD_IPS: [Ipv4Addr; 3] = [
    Ipv4Addr::new(192, 168, 10, 231),
    Ipv4Addr::new(192, 168, 20, 232),
    Ipv4Addr::new(192, 168, 30, 233),
];

pub const SVC_ID: &str = "vpce-svc-0e1d2c3b4a5960708";
pub const SVC_NAME: &str = "com.amazonaws.vpce.eu-west-1.vpce-svc-0e1d2c3b4a5960708";

pub const VPCE_API: &str = "vpce-0a1b2c3d4e5f60001";
pub const VPCE_API_SUFFIX: &str = "4xbq7k2m";
/// The replacement endpoint in `alias-dangling`.
pub const VPCE_API_RECREATED: &str = "vpce-0f9e8d7c6b5a40002";
pub const VPCE_API_RECREATED_SUFFIX: &str = "9hw3tz5p";
/// The dual-stack endpoint of the `ipv6` scenario: the newer name form and IPv6 addresses
/// beside the IPv4 ones, one per ENI.
pub const IPV6_ENDPOINT: &str =
    "https://B7E9A2F4C1D3086E5A4F9C2B1D7E3A60.eks-cluster.eu-west-1.api.aws";
pub const VPCE_API_IPV6: [&str; 2] = ["2a05:d018:140c:a01::50", "2a05:d018:140c:a02::50"];
pub const VPCE_API_IPS: [Ipv4Addr; 2] =
    [Ipv4Addr::new(172, 20, 1, 50), Ipv4Addr::new(172, 20, 2, 50)];
pub const VPCE_SSM: &str = "vpce-0a1b2c3d4e5f60003";
pub const VPCE_SSM_IPS: [Ipv4Addr; 2] =
    [Ipv4Addr::new(172, 20, 1, 51), Ipv4Addr::new(172, 20, 2, 51)];
pub const SSM_SERVICE: &str = "com.amazonaws.eu-west-1.ssm";

pub const ZONE_API: &str = "Z04518273KQ3XJ2Y8VH1D";
pub const ZONE_CORP: &str = "Z07712945M1N5B6V3C8XA";
pub const ZONE_PUBLIC: &str = "Z09834561P2Q7R4S1T6UB";
pub const CORP_ZONE_NAME: &str = "corp.internal";
pub const PUBLIC_ZONE_NAME: &str = "example.com";
/// The zone Route53 uses for alias targets on interface endpoint names in the region.
pub const VPCE_ALIAS_ZONE: &str = "Z38GZ743OKFT7T";

/// What public DNS gives for the endpoint name when public access is on (documentation range).
pub const PUBLIC_API_IPS: [Ipv4Addr; 2] = [
    Ipv4Addr::new(198, 51, 100, 23),
    Ipv4Addr::new(198, 51, 100, 87),
];
pub const DNS_SERVER: &str = "169.254.169.253:53";
/// The on-premises name servers, reached over the VPN: they know nothing of AWS names.
pub const ONPREM_DNS: [&str; 2] = ["10.10.0.2", "10.10.0.3"];
pub const ONPREM_DOMAIN: &str = "corp.example.com";
/// The bastion's hosts file.
pub const HOSTS_FILE: &str = "/etc/hosts";
/// The CA of the TLS-inspecting firewall in `tls-intercepted`.
pub const INSPECTION_CA: &str = "CN=Example Corp TLS Inspection CA, O=Example Corp";
/// The bastion's egress proxy in `proxy-no-bypass`.
pub const PROXY_URL: &str = "http://proxy.corp.example.com:3128";
pub const RSLVR_OUT: &str = "rslvr-out-0a1b2c3d4e5f60001";
pub const RSLVR_RULE_CORP: &str = "rslvr-rr-0a1b2c3d4e5f60001";
pub const RSLVR_RULE_EKS: &str = "rslvr-rr-0a1b2c3d4e5f60002";
pub const RSLVR_RULE_INTERNET: &str = "rslvr-autodefined-rr-internet-resolver";
pub const DNS_TTL: u32 = 60;

/// The regional DNS name of an interface endpoint to the cluster's service.
pub fn vpce_regional_name(id: &str, suffix: &str) -> String {
    format!("{id}-{suffix}.{SVC_ID}.{REGION}.vpce.amazonaws.com")
}

pub fn vpce_zonal_name(id: &str, suffix: &str, az: &str) -> String {
    format!("{id}-{suffix}-{az}.{SVC_ID}.{REGION}.vpce.amazonaws.com")
}
