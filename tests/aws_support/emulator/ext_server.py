"""moto's server on loopback, extended with what moto 5 cannot do on its own.

Extensions (each used by the Rust tests, and named there):
- latency per access key: POST /_ext/latency {"key", "ms"} delays every answer to that
  caller, as a far-away region would, so benchmarks can count round trips.
- fault injection per access key: a caller whose access key id was registered through
  POST /_ext/fault gets AccessDenied (403), throttling or a slow answer for one IAM action,
  in that service's own error format. Other callers are unaffected, so tests share a server.
- DescribeVpcEndpointConnections, which moto answers with HTTP 500, built from moto's
  endpoints and endpoint services.
- transit gateway routes that list their attachments as AWS does (moto keeps one object).
- an endpoint per cluster (moto gives every cluster of a run the same one).
- CloudWatch GetMetricData in the Smithy RPC v2 CBOR protocol the Rust SDK speaks (moto
  answers only the query and JSON ones), translated to moto's CloudWatch backend.
- a VPC Lattice service's DNS name in AWS's form, apart from its custom domain.
- VPC Lattice reads moto lacks: ListServiceNetworkVpcAssociations filtered by VPC,
  GetServiceNetworkVpcAssociation, ListRules and GetRule
  (from moto's own objects), RegisterTargets and ListTargets (kept here, with a status
  set through POST /_ext/lattice-target-status).
- VPC Lattice resource gateways and resource configurations (GetResourceGateway,
  GetResourceConfiguration, ListServiceNetworkResourceAssociations), and VPC endpoints of
  type Resource or ServiceNetwork with their ENIs, all made through
  POST /_ext/lattice-resources (moto has none of them).
- state that moto never produces: target health other than `healthy`, interface endpoints
  and transit gateway attachments waiting for acceptance, ENIs `in-use` without an instance, interface endpoint ENIs with
  addresses inside their subnets (moto draws them at random from anywhere).

Prints the port it listens on, then serves until killed or its stdin closes.
"""

import io
import json
from datetime import timezone

import cbor2
import os
import re
import sys
import threading
import time
import urllib.parse
import uuid

from werkzeug.serving import make_server

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.ec2.models import ec2_backends
from moto.elbv2 import models as elbv2_models

ACCOUNT = "123456789012"
FAULTS = {}  # access key id -> {iam action -> kind}
LATENCY = {}  # access key id -> seconds added before every answer
HEALTH = {}  # (target group arn, target id) -> (state, reason, description)
LATTICE_TARGETS = {}  # Lattice target group id -> [{"id", "port", "status", "reasonCode"}]
RESOURCE_GATEWAYS = {}  # id -> GetResourceGateway's answer
RESOURCE_CONFIGS = {}  # id -> GetResourceConfiguration's answer
RESOURCE_ASSOCIATIONS = []  # ListServiceNetworkResourceAssociations' items

_health_for = elbv2_models.FakeTargetGroup.health_for


def _patched_health(self, target, ec2_backend):
    status = _health_for(self, target, ec2_backend)
    override = HEALTH.get((self.arn, target["Id"]))
    if override:
        status.status, status.reason, status.description = override
    return status


elbv2_models.FakeTargetGroup.health_for = _patched_health

from moto.ec2.models import transit_gateway_route_tables as _tgw_tables

_create_tgw_route = _tgw_tables.TransitGatewayRouteTableBackend.create_transit_gateway_route


def _patched_tgw_route(self, *args, **kwargs):
    # moto stores a route's attachment as one object where AWS returns a list of them.
    route = _create_tgw_route(self, *args, **kwargs)
    att = route.get("transitGatewayAttachments")
    if isinstance(att, dict):
        route["transitGatewayAttachments"] = [att]
    return route


_tgw_tables.TransitGatewayRouteTableBackend.create_transit_gateway_route = _patched_tgw_route


# A Lattice service's DNS entry is Lattice's own name, not its custom domain (moto gives the
# custom domain for both).
from moto.vpclattice import models as _lattice_models

_service_init = _lattice_models.VPCLatticeService.__init__


def _patched_service(self, *args, **kwargs):
    _service_init(self, *args, **kwargs)
    region = self.arn.split(":")[3]
    self.dns_entry = _lattice_models.VPCLatticeDNSEntry(
        region, self.id, f"{self.name}-{self.id[4:]}.7d67968.vpc-lattice-svcs.{region}.on.aws"
    )


_lattice_models.VPCLatticeService.__init__ = _patched_service


def ec2(region):
    return ec2_backends[ACCOUNT][region]


def scope(environ):
    m = re.search(
        r"Credential=([^/]+)/[^/]+/([^/]+)/([^/]+)/",
        environ.get("HTTP_AUTHORIZATION", ""),
    )
    return m.groups() if m else (None, None, None)


def operation(service, environ, params):
    path = environ.get("PATH_INFO", "")
    method = environ.get("REQUEST_METHOD", "")
    if service in ("ec2", "elasticloadbalancing"):
        return params.get("Action", [""])[0]
    if service == "eks" and method == "GET":
        if re.fullmatch(r"/clusters/?", path):
            return "ListClusters"
        if re.fullmatch(r"/clusters/[^/]+/?", path):
            return "DescribeCluster"
    if service in ("route53resolver", "events", "cloudtrail"):
        # JSON protocol: the operation is in the target header.
        return environ.get("HTTP_X_AMZ_TARGET", "").rpartition(".")[2]
    if service == "monitoring":
        # RPC v2 CBOR: /service/<service>/operation/<operation>; else the query protocol.
        m = re.search(r"/operation/([A-Za-z]+)$", path)
        return m.group(1) if m else params.get("Action", [""])[0]
    if service == "lambda" and method == "GET":
        if re.fullmatch(r"/[0-9-]+/functions/[^/]+/configuration/?", path):
            return "GetFunctionConfiguration"
    if service == "vpc-lattice":
        return lattice_operation(method, path)
    if service == "route53" and method == "GET":
        if path.rstrip("/").endswith("/hostedzonesbyname"):
            return "ListHostedZonesByName"
        if re.search(r"/hostedzone/[^/]+/rrset/?$", path):
            return "ListResourceRecordSets"
        if re.search(r"/hostedzone/[^/]+/?$", path):
            return "GetHostedZone"
    return ""


# VPC Lattice's REST paths, most specific first: (method, pattern, operation).
LATTICE_OPS = [
    ("GET", r"/servicenetworkvpcassociations", "ListServiceNetworkVpcAssociations"),
    ("GET", r"/servicenetworkvpcassociations/[^/]+", "GetServiceNetworkVpcAssociation"),
    ("GET", r"/servicenetworkserviceassociations", "ListServiceNetworkServiceAssociations"),
    ("GET", r"/servicenetworks/[^/]+", "GetServiceNetwork"),
    ("GET", r"/authpolicy/.+", "GetAuthPolicy"),
    ("GET", r"/services/[^/]+/listeners/[^/]+/rules/[^/]+", "GetRule"),
    ("GET", r"/services/[^/]+/listeners/[^/]+/rules", "ListRules"),
    ("GET", r"/services/[^/]+/listeners/[^/]+", "GetListener"),
    ("GET", r"/services/[^/]+/listeners", "ListListeners"),
    ("GET", r"/services/[^/]+", "GetService"),
    ("POST", r"/targetgroups/[^/]+/listtargets", "ListTargets"),
    ("POST", r"/targetgroups/[^/]+/registertargets", "RegisterTargets"),
    ("GET", r"/targetgroups/[^/]+", "GetTargetGroup"),
    # By id or by ARN, whose slashes arrive decoded.
    ("GET", r"/resourceconfigurations/.+", "GetResourceConfiguration"),
    ("GET", r"/resourcegateways/.+", "GetResourceGateway"),
    ("GET", r"/servicenetworkresourceassociations", "ListServiceNetworkResourceAssociations"),
]


def lattice_operation(method, path):
    path = path.rstrip("/")
    for m, pattern, op in LATTICE_OPS:
        if m == method and re.fullmatch(pattern, path):
            return op
    return ""


def lattice(region):
    from moto.vpclattice.models import vpclattice_backends

    return vpclattice_backends[ACCOUNT][region]


def json_reply(doc):
    return "200 OK", [("Content-Type", "application/json")], json.dumps(doc).encode()


def lattice_reply(region, op, path, body, query):
    """The Lattice reads moto cannot answer; `None` leaves the request to moto."""
    parts = path.strip("/").split("/")
    b = lattice(region)
    if op == "ListServiceNetworkVpcAssociations":
        # moto drops the vpcIdentifier filter of a GET's query string.
        vpc = query.get("vpcIdentifier", [None])[0]
        network = query.get("serviceNetworkIdentifier", [None])[0]
        items = [
            a.to_dict()
            for a in b.service_network_vpc_associations.values()
            if (vpc is None or a.vpc_id == vpc)
            and (network is None or network in (a.service_network_id, a.service_network_arn))
        ]
        return json_reply({"items": items})
    if op == "GetServiceNetworkVpcAssociation":
        a = b.service_network_vpc_associations.get(parts[1])
        if a is None:
            return error("vpc-lattice", 404, "ResourceNotFoundException", f"{parts[1]} not found")
        return json_reply(a.to_dict())
    if op in ("ListRules", "GetRule"):
        service, listener = parts[1], parts[3]
        rules = [
            r
            for r in b.rules.values()
            if r.service_identifier == service and r.listener_identifier == listener
        ]
        if op == "ListRules":
            return json_reply({"items": [
                {"id": r.id, "arn": r.arn, "name": r.name, "priority": r.priority, "isDefault": False}
                for r in rules
            ]})
        rule = next((r for r in rules if r.id == parts[5]), None)
        if rule is None:
            return error("vpc-lattice", 404, "ResourceNotFoundException", f"{parts[5]} not found")
        return json_reply(rule.to_dict())
    if op == "RegisterTargets":
        targets = json.loads(body or b"{}").get("targets", [])
        kept = LATTICE_TARGETS.setdefault(parts[1], [])
        for t in targets:
            kept.append({"id": t["id"], "port": t.get("port"), "status": "HEALTHY"})
        return json_reply({"successful": targets, "unsuccessful": []})
    if op == "ListTargets":
        return json_reply({"items": LATTICE_TARGETS.get(parts[1], [])})
    if op in ("GetResourceConfiguration", "GetResourceGateway"):
        # By id or by ARN, whose last part is the id.
        ident = urllib.parse.unquote(parts[-1])
        table = RESOURCE_CONFIGS if op == "GetResourceConfiguration" else RESOURCE_GATEWAYS
        if ident not in table:
            return error("vpc-lattice", 404, "ResourceNotFoundException", f"{ident} not found")
        return json_reply(table[ident])
    if op == "ListServiceNetworkResourceAssociations":
        network = query.get("serviceNetworkIdentifier", [None])[0]
        items = [
            a for a in RESOURCE_ASSOCIATIONS
            if network is None or network in (a["serviceNetworkId"], a["serviceNetworkArn"])
        ]
        return json_reply({"items": items})
    return None


def lattice_resources(doc):
    """A resource gateway, a resource configuration behind it and a VPC endpoint leading
    to it: of type Resource (to the configuration) or ServiceNetwork (to a network the
    configuration is associated with). The endpoint's ENIs take the given addresses."""
    from moto.ec2.models.vpcs import VPCEndPoint
    from moto.ec2.utils import random_vpc_ep_id

    region = doc["region"]
    backend = ec2(region)

    def arn(kind, ident):
        return f"arn:aws:vpc-lattice:{region}:{ACCOUNT}:{kind}/{ident}"

    for gone in doc.get("drop_endpoints", []):
        backend.vpc_end_points.pop(gone, None)
    g = doc["gateway"]
    gid = "rgw-" + uuid.uuid4().hex[:17]
    RESOURCE_GATEWAYS[gid] = {
        "id": gid, "arn": arn("resourcegateway", gid), "name": g["name"],
        "status": g.get("status", "ACTIVE"), "vpcId": g["vpc_id"],
        "subnetIds": g["subnet_ids"], "securityGroupIds": g["sg_ids"], "ipAddressType": "IPV4",
    }
    c = doc["config"]
    cid = "rcfg-" + uuid.uuid4().hex[:17]
    cfg_arn = arn("resourceconfiguration", cid)
    RESOURCE_CONFIGS[cid] = {
        "id": cid, "arn": cfg_arn, "name": c["name"], "status": c.get("status", "ACTIVE"),
        "type": "SINGLE", "protocol": "TCP", "resourceGatewayId": gid,
        "portRanges": c["port_ranges"],
        "resourceConfigurationDefinition": {
            "dnsResource": {"domainName": c["dns"], "ipAddressType": "IPV4"}
        },
        "customDomainName": c.get("custom_domain"),
        "allowAssociationToShareableServiceNetwork": True,
    }
    e = doc["endpoint"]
    enis = [
        backend.create_network_interface(
            subnet, ip, group_ids=e["sg_ids"], description="VPC Endpoint Interface"
        ).id
        for subnet, ip in zip(e["subnet_ids"], e["ips"])
    ]
    vid = random_vpc_ep_id()
    ep = VPCEndPoint(
        backend, vid, e["vpc_id"], "", e["type"], None, [], list(e["subnet_ids"]), enis,
        security_group_ids=e["sg_ids"],
    )
    ep.state = e.get("state", "available")
    ep.resource_configuration_arn = cfg_arn if e["type"] == "Resource" else None
    ep.service_network_arn = e.get("service_network_arn")
    if ep.service_network_arn:
        RESOURCE_ASSOCIATIONS.append({
            "id": "snra-" + uuid.uuid4().hex[:17], "status": "ACTIVE",
            "serviceNetworkArn": ep.service_network_arn,
            "serviceNetworkId": ep.service_network_arn.split("/")[-1],
            "resourceConfigurationId": cid, "resourceConfigurationArn": cfg_arn,
            "resourceConfigurationName": c["name"],
        })
    backend.vpc_end_points[vid] = ep
    return {"gateway": gid, "config": cid, "config_arn": cfg_arn, "endpoint": vid, "enis": enis}


def cbor_reply(status, doc, code=None):
    body = cbor2.dumps(doc, datetime_as_timestamp=True, timezone=timezone.utc)
    headers = [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
    if code:
        # CloudWatch is query-compatible: the code also travels in this header.
        headers.append(("x-amzn-query-error", f"{code};Sender"))
    return status, headers, body


def error(service, status, code, message):
    rid = str(uuid.uuid4())
    if service == "monitoring":
        return cbor_reply(f"{status} Error", {"__type": code, "message": message}, code)
    if service in ("events", "cloudtrail"):
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.1")]
        return f"{status} Error", headers, body
    if service == "lambda":
        body = json.dumps({"Type": "User", "message": message}).encode()
        headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)]
        return f"{status} Error", headers, body
    if service == "route53resolver":
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.1")]
    elif service in ("eks", "vpc-lattice"):
        body = json.dumps({"message": message}).encode()
        headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)]
    elif service == "ec2":
        body = (
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message>"
            f"</Error></Errors><RequestID>{rid}</RequestID></Response>"
        ).encode()
        headers = [("Content-Type", "text/xml")]
    else:
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
            f"<Message>{message}</Message></Error><RequestId>{rid}</RequestId></ErrorResponse>"
        ).encode()
        headers = [("Content-Type", "text/xml")]
    return f"{status} Error", headers, body


DENIED_CODE = {
    "ec2": "UnauthorizedOperation",
    "eks": "AccessDeniedException",
    "elasticloadbalancing": "AccessDenied",
    "route53": "AccessDenied",
    "route53resolver": "AccessDeniedException",
    "events": "AccessDeniedException",
    "cloudtrail": "AccessDeniedException",
    "lambda": "AccessDeniedException",
    "monitoring": "AccessDenied",
    "vpc-lattice": "AccessDeniedException",
}
# IAM prefixes where they differ from the signing name.
IAM_PREFIX = {"monitoring": "cloudwatch"}
THROTTLE = {
    "ec2": (503, "RequestLimitExceeded"),
    "eks": (429, "ThrottlingException"),
    "elasticloadbalancing": (400, "Throttling"),
    "route53": (400, "Throttling"),
    "route53resolver": (400, "ThrottlingException"),
    "events": (400, "ThrottlingException"),
    "cloudtrail": (400, "ThrottlingException"),
    "lambda": (429, "TooManyRequestsException"),
    "monitoring": (400, "Throttling"),
    "vpc-lattice": (429, "ThrottlingException"),
}


def fault_response(service, action, kind):
    if kind == "deny":
        return error(
            service,
            403,
            DENIED_CODE[service],
            f"User: arn:aws:iam::{ACCOUNT}:user/test is not authorized to perform: {action}",
        )
    if kind == "throttle":
        status, code = THROTTLE[service]
        return error(service, status, code, "Rate exceeded")
    return None


def metric_data(region, body):
    """GetMetricData over RPC v2 CBOR, answered from moto's CloudWatch backend."""
    from moto.cloudwatch.models import cloudwatch_backends

    doc = cbor2.loads(body) if body else {}

    def naive(t):
        # moto keeps its data points as naive UTC times.
        return t.astimezone(timezone.utc).replace(tzinfo=None) if t.tzinfo else t

    results = cloudwatch_backends[ACCOUNT][region].get_metric_data(
        queries=doc.get("MetricDataQueries", []),
        start_time=naive(doc["StartTime"]),
        end_time=naive(doc["EndTime"]),
        scan_by=doc.get("ScanBy") or "TimestampAscending",
    )
    out = {
        "MetricDataResults": [
            {
                "Id": r["id"],
                "Label": r["label"],
                "Timestamps": [
                    t if t.tzinfo else t.replace(tzinfo=timezone.utc) for t in r["timestamps"]
                ],
                "Values": [float(v) for v in r["values"]],
                "StatusCode": r["status_code"],
            }
            for r in results
        ],
        "Messages": [],
    }
    return cbor_reply("200 OK", out)


def endpoint_connections(region, params):
    wanted = []
    for k, v in params.items():
        m = re.fullmatch(r"Filter\.(\d+)\.Name", k)
        if m and v[0] == "service-id":
            n = m.group(1)
            wanted += [
                val[0]
                for key, val in params.items()
                if key.startswith(f"Filter.{n}.Value.")
            ]
    backend = ec2(region)
    items = []
    for svc in backend.configurations.values():
        if wanted and svc.id not in wanted:
            continue
        for ep in backend.vpc_end_points.values():
            if ep.service_name != svc.service_name:
                continue
            items.append(
                f"<item><serviceId>{svc.id}</serviceId><vpcEndpointId>{ep.id}</vpcEndpointId>"
                f"<vpcEndpointOwner>{ACCOUNT}</vpcEndpointOwner>"
                f"<vpcEndpointState>{ep.state}</vpcEndpointState></item>"
            )
    body = (
        '<DescribeVpcEndpointConnectionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        f"<requestId>{uuid.uuid4()}</requestId>"
        f"<vpcEndpointConnectionSet>{''.join(items)}</vpcEndpointConnectionSet>"
        "</DescribeVpcEndpointConnectionsResponse>"
    ).encode()
    return "200 OK", [("Content-Type", "text/xml")], body


def control(path, doc):
    """Test setup only: state moto cannot be asked for through the API."""
    if path == "/_ext/ready":
        return {"ready": True}
    if path == "/_ext/fault":
        FAULTS.setdefault(doc["key"], {})[doc["action"]] = doc["kind"]
    elif path == "/_ext/latency":
        LATENCY[doc["key"]] = doc["ms"] / 1000.0
    elif path == "/_ext/target-health":
        HEALTH[(doc["tg_arn"], doc["id"])] = (
            doc["state"],
            doc.get("reason"),
            doc.get("description"),
        )
    elif path == "/_ext/endpoint-state":
        ec2(doc["region"]).vpc_end_points[doc["id"]].state = doc["state"]
    elif path == "/_ext/endpoint-ips":
        # moto gives an interface endpoint's ENIs random addresses outside their subnets;
        # AWS takes them from the subnet, as ACLs and routes then see them.
        import ipaddress

        backend = ec2(doc["region"])
        ep = backend.vpc_end_points[doc["id"]]
        for k, eni_id in enumerate(ep.network_interface_ids):
            eni = backend.enis[eni_id]
            net = ipaddress.ip_network(eni.subnet.cidr_block)
            ip = str(net.network_address + 50)
            eni.private_ip_address = ip
            eni.private_ip_addresses = [{"Primary": True, "PrivateIpAddress": ip}]
    elif path == "/_ext/lattice-target-status":
        for t in LATTICE_TARGETS.get(doc["target_group"], []):
            if t["id"] == doc["id"]:
                t["status"] = doc["status"]
                t["reasonCode"] = doc.get("reason")
    elif path == "/_ext/lattice-resources":
        return lattice_resources(doc)
    elif path == "/_ext/cluster-endpoint":
        from moto.eks.models import eks_backends

        eks_backends[ACCOUNT][doc["region"]].clusters[doc["name"]].endpoint = doc["endpoint"]
    elif path == "/_ext/tgw-attachment-state":
        ec2(doc["region"]).transit_gateway_attachments[doc["id"]].state = doc["state"]
    elif path == "/_ext/eni-status":
        backend = ec2(doc["region"])
        for eni_id in doc["ids"]:
            backend.enis[eni_id].status = doc["status"]
    else:
        raise KeyError(path)
    return {"ok": True}


class Extended:
    def __init__(self, inner):
        self.inner = inner

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        if path.startswith("/_ext/"):
            try:
                out = control(path, json.loads(body or b"{}"))
                status, payload = "200 OK", json.dumps(out).encode()
            except Exception as e:  # noqa: BLE001 - the test reads the reason
                status, payload = "400 Bad Request", json.dumps({"error": repr(e)}).encode()
            start_response(status, [("Content-Type", "application/json")])
            return [payload]
        key, region, service = scope(environ)
        params = {}
        if service in ("ec2", "elasticloadbalancing"):
            params = urllib.parse.parse_qs(body.decode(errors="replace"))
        op = operation(service, environ, params)
        action = f"{IAM_PREFIX.get(service, service)}:{op}"
        kind = FAULTS.get(key, {}).get(action)
        if key in LATENCY:
            time.sleep(LATENCY[key])
        if kind == "slow":
            time.sleep(30)
        reply = fault_response(service, action, kind) if kind else None
        if reply is None and service == "vpc-lattice":
            query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
            reply = lattice_reply(region, op, path, body, query)
        if reply is None and action == "ec2:DescribeVpcEndpointConnections":
            reply = endpoint_connections(region, params)
        if (
            reply is None
            and action == "cloudwatch:GetMetricData"
            and "/operation/" in path
        ):
            reply = metric_data(region, body)
        if reply is not None:
            status, headers, payload = reply
            headers.append(("Content-Length", str(len(payload))))
            start_response(status, headers)
            return [payload]
        return self.inner(environ, start_response)


def main():
    app = Extended(DomainDispatcherApplication(create_backend_app))
    server = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler
    )
    print(server.server_address[1], flush=True)
    # The test holds our stdin; when it dies, even without cleanup, so do we.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
