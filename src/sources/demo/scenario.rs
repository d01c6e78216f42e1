//! The named situations the demo can play, each one fault away from `healthy`.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scenario {
    Healthy,
    RotationMissed,
    StaleTarget,
    PhzNotAssociated,
    PeeringInactive,
    VpcDnsOff,
    SubnetExhausted,
    UpgradeNoRoom,
    TargetsUnhealthy,
    HealthCheckPath,
    NaclBlocks443,
    NaclBlocksReturn,
    NlbSgBlocks443,
    NlbOneZone,
    ZoneWithoutTarget,
    EndpointPending,
    AliasDangling,
    Tgw,
    TgwRouteMissing,
    TgwBlackhole,
    DhcpCustomDns,
    ResolverRuleShadowsZone,
    HostsPinStale,
    ProxyNoBypass,
    TlsIntercepted,
    ZoneShadowsSiblings,
    TgwAttachmentPending,
    TgwZoneMissing,
    Ipv6,
    RotationMissedNoTrail,
    RotationMissedLambdaErrors,
    StaleCleanupMissing,
    SelfManaged,
    SelfManagedSg,
    SelfManagedOneDown,
    SelfManagedNoCrossZone,
    LatticeHealthy,
    LatticeNotAssociated,
    LatticeTargetsUnhealthy,
    LatticePrefixListBlocked,
    LatticeAuthNoPolicy,
    LatticeApi,
}

impl Scenario {
    /// Every scenario, `healthy` first, in the order the CLI lists them.
    pub const ALL: [Scenario; 42] = [
        Scenario::Healthy,
        Scenario::RotationMissed,
        Scenario::RotationMissedNoTrail,
        Scenario::RotationMissedLambdaErrors,
        Scenario::StaleTarget,
        Scenario::StaleCleanupMissing,
        Scenario::PhzNotAssociated,
        Scenario::PeeringInactive,
        Scenario::VpcDnsOff,
        Scenario::SubnetExhausted,
        Scenario::UpgradeNoRoom,
        Scenario::TargetsUnhealthy,
        Scenario::HealthCheckPath,
        Scenario::NaclBlocks443,
        Scenario::NaclBlocksReturn,
        Scenario::NlbSgBlocks443,
        Scenario::NlbOneZone,
        Scenario::ZoneWithoutTarget,
        Scenario::EndpointPending,
        Scenario::AliasDangling,
        Scenario::Tgw,
        Scenario::TgwRouteMissing,
        Scenario::TgwBlackhole,
        Scenario::TgwAttachmentPending,
        Scenario::TgwZoneMissing,
        Scenario::DhcpCustomDns,
        Scenario::ResolverRuleShadowsZone,
        Scenario::HostsPinStale,
        Scenario::ProxyNoBypass,
        Scenario::TlsIntercepted,
        Scenario::ZoneShadowsSiblings,
        Scenario::Ipv6,
        Scenario::SelfManaged,
        Scenario::SelfManagedSg,
        Scenario::SelfManagedOneDown,
        Scenario::SelfManagedNoCrossZone,
        Scenario::LatticeHealthy,
        Scenario::LatticeNotAssociated,
        Scenario::LatticeTargetsUnhealthy,
        Scenario::LatticePrefixListBlocked,
        Scenario::LatticeAuthNoPolicy,
        Scenario::LatticeApi,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Healthy => "healthy",
            Self::RotationMissed => "rotation-missed",
            Self::StaleTarget => "stale-target",
            Self::PhzNotAssociated => "phz-not-associated",
            Self::PeeringInactive => "peering-inactive",
            Self::VpcDnsOff => "vpc-dns-off",
            Self::SubnetExhausted => "subnet-exhausted",
            Self::UpgradeNoRoom => "upgrade-no-room",
            Self::TargetsUnhealthy => "targets-unhealthy",
            Self::HealthCheckPath => "health-check-path",
            Self::NaclBlocks443 => "nacl-blocks-443",
            Self::NaclBlocksReturn => "nacl-blocks-return",
            Self::NlbSgBlocks443 => "nlb-sg-blocks-443",
            Self::NlbOneZone => "nlb-one-zone",
            Self::ZoneWithoutTarget => "zone-without-target",
            Self::EndpointPending => "endpoint-pending",
            Self::AliasDangling => "alias-dangling",
            Self::Tgw => "tgw",
            Self::TgwRouteMissing => "tgw-route-missing",
            Self::TgwBlackhole => "tgw-blackhole",
            Self::DhcpCustomDns => "dhcp-custom-dns",
            Self::ResolverRuleShadowsZone => "resolver-rule-shadows-zone",
            Self::HostsPinStale => "hosts-pin-stale",
            Self::ProxyNoBypass => "proxy-no-bypass",
            Self::TlsIntercepted => "tls-intercepted",
            Self::ZoneShadowsSiblings => "zone-shadows-siblings",
            Self::TgwAttachmentPending => "tgw-attachment-pending",
            Self::TgwZoneMissing => "tgw-zone-missing",
            Self::Ipv6 => "ipv6",
            Self::RotationMissedNoTrail => "rotation-missed-no-trail",
            Self::RotationMissedLambdaErrors => "rotation-missed-lambda-errors",
            Self::StaleCleanupMissing => "stale-cleanup-missing",
            Self::SelfManaged => "self-managed",
            Self::SelfManagedSg => "self-managed-sg",
            Self::SelfManagedOneDown => "self-managed-one-down",
            Self::SelfManagedNoCrossZone => "self-managed-no-cross-zone",
            Self::LatticeHealthy => "lattice-healthy",
            Self::LatticeNotAssociated => "lattice-not-associated",
            Self::LatticeTargetsUnhealthy => "lattice-targets-unhealthy",
            Self::LatticePrefixListBlocked => "lattice-prefix-list-blocked",
            Self::LatticeAuthNoPolicy => "lattice-auth-no-policy",
            Self::LatticeApi => "lattice-api",
        }
    }

    /// A Kubernetes API installed on EC2 behind an internal NLB, not an EKS cluster.
    pub fn self_managed(self) -> bool {
        matches!(
            self,
            Self::SelfManaged
                | Self::SelfManagedSg
                | Self::SelfManagedOneDown
                | Self::SelfManagedNoCrossZone
        )
    }

    /// An EKS cluster's account (neither self-managed nor Lattice).
    pub fn eks(self) -> bool {
        !self.self_managed() && !self.lattice()
    }

    /// A VPC Lattice service between two clusters' VPCs, not an API.
    pub fn lattice(self) -> bool {
        matches!(
            self,
            Self::LatticeHealthy
                | Self::LatticeNotAssociated
                | Self::LatticeTargetsUnhealthy
                | Self::LatticePrefixListBlocked
                | Self::LatticeAuthNoPolicy
        )
    }

    /// The Lattice service a Lattice scenario checks when `--lattice-service` is not given.
    pub fn lattice_service(self) -> Option<&'static str> {
        self.lattice().then_some(super::lattice::SERVICE)
    }

    /// What the scenario checks by default: its API server, its Lattice service, or EKS.
    pub fn api(self) -> crate::model::Api {
        if let Some(s) = self.server() {
            return crate::model::Api::Server(s);
        }
        match self.lattice_service() {
            Some(l) => crate::model::Api::Lattice(crate::model::lattice::LatticeApi::new(l)),
            None => crate::model::Api::Eks,
        }
    }

    /// The API server the self-managed scenarios look at, as their kubeconfig names it.
    pub fn server(self) -> Option<crate::model::ServerApi> {
        use super::ids::{CA_DATA, SELF_MANAGED_CONTEXT as CONTEXT, SELF_MANAGED_SERVER};
        self.self_managed().then(|| {
            let mut s = crate::model::ServerApi::parse(SELF_MANAGED_SERVER).expect("a valid URL");
            s.context = Some(CONTEXT.into());
            s.ca_data = Some(CA_DATA.into());
            s.ca_from = Some(format!("kubeconfig context {CONTEXT}"));
            s
        })
    }

    /// Exact, case-sensitive kebab-case name.
    /// A transit gateway, not the peering, joins the VPCs, and no interface endpoint
    /// exists: the name answers the ENI IPs, reached straight over the transit gateway.
    pub fn over_tgw(self) -> bool {
        matches!(
            self,
            Self::Tgw
                | Self::TgwRouteMissing
                | Self::TgwBlackhole
                | Self::TgwAttachmentPending
                | Self::TgwZoneMissing
        )
    }

    pub fn from_name(name: &str) -> Option<Scenario> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::Healthy => {
                "the PrivateLink path works end to end; ENIs rotate and the automation keeps up"
            }
            Self::RotationMissed => {
                "the ENIs rotated while both automation rules were disabled: only dead IPs are registered"
            }
            Self::RotationMissedNoTrail => {
                "the ENIs rotated but no CloudTrail trail records management events: the registration rule never fired"
            }
            Self::RotationMissedLambdaErrors => {
                "the ENIs rotated and the registration rule fired, but its Lambda failed every run"
            }
            Self::StaleCleanupMissing => {
                "the scheduled cleanup rule is gone: an old ENI IP stays registered next to the current ones"
            }
            Self::StaleTarget => {
                "the cleanup Lambda works on the wrong target group: an old ENI IP stays registered and unhealthy next to the current ones"
            }
            Self::PhzNotAssociated => {
                "the private hosted zone is not associated with the bastion's VPC: the name goes public"
            }
            Self::PeeringInactive => {
                "the VPC peering was deleted and its routes are blackholes; PrivateLink still works"
            }
            Self::VpcDnsOff => "the cluster VPC has enableDnsHostnames off",
            Self::SubnetExhausted => {
                "a cluster subnet has 3 free IPs left: the next ENI rotation will fail"
            }
            Self::UpgradeNoRoom => {
                "the cluster subnets hold 1 free IP together: the next update cannot bring up new ENIs"
            }
            Self::TargetsUnhealthy => {
                "the cluster security group does not admit the NLB: every target fails its health checks"
            }
            Self::HealthCheckPath => {
                "the API's target group checks HTTPS / expecting 200: the API server answers 401, every target fails"
            }
            Self::NaclBlocks443 => {
                "a network ACL on the endpoint's subnet in the second AZ stops 443 from the bastion: half the connections time out"
            }
            Self::NaclBlocksReturn => {
                "the endpoint's subnet in the second AZ lets 443 in but its ACL stops the answers back to the bastion's subnet"
            }
            Self::NlbSgBlocks443 => {
                "the NLB's own security group admits only the cluster VPC, and applies to PrivateLink traffic: the bastion is dropped"
            }
            Self::NlbOneZone => {
                "the NLB is enabled in one zone, cross-zone off: the other zone's ENI and endpoint subnet are out of reach"
            }
            Self::ZoneWithoutTarget => {
                "the second zone's ENI is not registered, cross-zone off: that zone's NLB node has nothing to send to"
            }
            Self::EndpointPending => {
                "the interface endpoint's connection waits for acceptance: no IPs, no DNS answer"
            }
            Self::AliasDangling => {
                "the interface endpoint was recreated and the zone's alias still names the old one"
            }
            Self::Tgw => {
                "a transit gateway joins the VPCs, no peering, no PrivateLink: the name answers the ENI IPs and the routes are right"
            }
            Self::TgwRouteMissing => {
                "over the transit gateway, its route table lost the route back to the bastion's VPC: connections time out"
            }
            Self::TgwBlackhole => {
                "over the transit gateway, a static blackhole route for the cluster VPC overrides the propagated one"
            }
            Self::DhcpCustomDns => {
                "the bastion VPC's DHCP options name the on-premises DNS servers: the private zone never answers, the name is NXDOMAIN"
            }
            Self::ResolverRuleShadowsZone => {
                "a Resolver rule forwards eks.amazonaws.com to the on-premises servers, ahead of the private zone: NXDOMAIN"
            }
            Self::HostsPinStale => {
                "/etc/hosts on the bastion pins the endpoint name to an ENI IP that rotated away: DNS is never asked"
            }
            Self::ProxyNoBypass => {
                "HTTPS_PROXY is set on the bastion and NO_PROXY does not cover the endpoint: kubectl talks to the proxy"
            }
            Self::TlsIntercepted => {
                "a TLS-inspecting firewall between the bastion and the endpoint presents its own CA's certificate"
            }
            Self::TgwAttachmentPending => {
                "over the transit gateway, the cluster VPC's attachment waits for acceptance: nothing crosses"
            }
            Self::TgwZoneMissing => {
                "over the transit gateway, the cluster VPC's attachment has no subnet in the second zone: that ENI's answers never return"
            }
            Self::Ipv6 => {
                "a dual-stack endpoint under the api.aws name: it answers A and AAAA, both reach the API server"
            }
            Self::SelfManaged => {
                "Kubernetes on EC2: three control-plane instances in three zones behind an internal NLB on 6443, cross-zone on; all healthy"
            }
            Self::SelfManagedSg => {
                "the control plane's security group admits 6443 only from the NLB's subnets: targets healthy, the bastion's connections dropped"
            }
            Self::SelfManagedOneDown => {
                "one of the three control-plane instances is stopped: the NLB sends to the other two, the API still answers"
            }
            Self::SelfManagedNoCrossZone => {
                "cross-zone off and the third zone's control plane fails its checks: answers for that zone's NLB address fail"
            }
            Self::LatticeHealthy => {
                "VPC Lattice between two clusters' VPCs: the bastion's VPC is in the service network, the checkout route's pods are healthy"
            }
            Self::LatticeNotAssociated => {
                "the bastion's VPC is not associated with the service network the checkout service is in: connections time out"
            }
            Self::LatticeTargetsUnhealthy => {
                "both pods behind the checkout service fail Lattice's health checks: Lattice answers 503"
            }
            Self::LatticePrefixListBlocked => {
                "the pods' security group admits 8080 from their VPC only, not from the vpc-lattice prefix list: checks and requests dropped"
            }
            Self::LatticeAuthNoPolicy => {
                "the service network's auth type is AWS_IAM and no auth policy is attached: every request is denied with 403"
            }
            Self::LatticeApi => {
                "the EKS API shared through VPC Lattice: a resource gateway in the cluster VPC, a resource configuration for the endpoint, a resource endpoint in the bastion's VPC"
            }
            Self::ZoneShadowsSiblings => {
                "the private zone is named gr7.eu-west-1.eks.amazonaws.com: this endpoint works, the region's other cluster gets NXDOMAIN"
            }
        }
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_exactly_the_forty_two_scenarios() {
        let names: Vec<&str> = Scenario::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(
            names,
            [
                "healthy",
                "rotation-missed",
                "rotation-missed-no-trail",
                "rotation-missed-lambda-errors",
                "stale-target",
                "stale-cleanup-missing",
                "phz-not-associated",
                "peering-inactive",
                "vpc-dns-off",
                "subnet-exhausted",
                "upgrade-no-room",
                "targets-unhealthy",
                "health-check-path",
                "nacl-blocks-443",
                "nacl-blocks-return",
                "nlb-sg-blocks-443",
                "nlb-one-zone",
                "zone-without-target",
                "endpoint-pending",
                "alias-dangling",
                "tgw",
                "tgw-route-missing",
                "tgw-blackhole",
                "tgw-attachment-pending",
                "tgw-zone-missing",
                "dhcp-custom-dns",
                "resolver-rule-shadows-zone",
                "hosts-pin-stale",
                "proxy-no-bypass",
                "tls-intercepted",
                "zone-shadows-siblings",
                "ipv6",
                "self-managed",
                "self-managed-sg",
                "self-managed-one-down",
                "self-managed-no-cross-zone",
                "lattice-healthy",
                "lattice-not-associated",
                "lattice-targets-unhealthy",
                "lattice-prefix-list-blocked",
                "lattice-auth-no-policy",
                "lattice-api",
            ]
        );
    }

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for s in Scenario::ALL {
            assert_eq!(Scenario::from_name(s.name()), Some(s));
            assert_eq!(s.to_string(), s.name());
            let d = s.description();
            assert!(!d.is_empty() && !d.contains('\n'), "{s}: one line");
        }
        assert_eq!(Scenario::from_name("Healthy"), None);
        assert_eq!(Scenario::from_name("nope"), None);
        assert_eq!(Scenario::from_name(""), None);
    }
}
