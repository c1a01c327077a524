#!/usr/bin/env python3
"""The consumer app of ../app.ts in Python, against the wheel jsii-pacmak built (see ../../global-setup.ts)."""
import aws_cdk as cdk
from aws_cdk import aws_route53 as route53
from cdk_nag import AwsSolutionsChecks
from multi_region_cdk import (
    AcceleratorRouting, AlarmTopics, DeepHealthChecksOptions, DeepHealthDsqlCheck, DnsRouting, DsqlDatabaseRole, DsqlPeeredClusters, HealthTarget, MinimalRegionalEndpoint,
    MultiRegionChecks, MultiRegionProbes, MultiRegionTopology, RegionalAuditTrail, RegionHealthTargets, RoutedRegion,
    Route53HealthCheckReference,
)

app = cdk.App()
account = app.node.get_context("shop:account")
domain_name = app.node.get_context("shop:domainName")
hosted_zone_id = app.node.get_context("shop:hostedZoneId")


def team_stack(construct_id: str, region: str) -> cdk.Stack:
    return cdk.Stack(
        app, construct_id,
        env=cdk.Environment(account=account, region=region),
        cross_region_references=True,
        description=f"Shop ({region}), a stack the shop team owns",
        tags={"team": "shop"},
    )


east1 = team_stack("ShopUsEast1", "us-east-1")
east2 = team_stack("ShopUsEast2", "us-east-2")
topology = MultiRegionTopology(
    app, "Shop",
    regional_stacks=[east1, east2],
    global_stack=team_stack("ShopGlobal", "us-east-1"),
    accelerator_stack=team_stack("ShopAccelerator", "us-west-2"),
    witness_region="us-west-2",
    name="shop",
)
record_name = f"shop.{domain_name}"

dsql = DsqlPeeredClusters(topology, "Db", topology=topology)

endpoints = []
for region in topology.active_regions:
    stack = topology.regional_stack(region)
    endpoints.append(MinimalRegionalEndpoint(
        stack, "Endpoint",
        domain_name=record_name,
        hosted_zone=route53.HostedZone.from_hosted_zone_attributes(
            stack, "Zone", hosted_zone_id=hosted_zone_id, zone_name=domain_name),
        encryption_key=topology.regional_key(region),
        # The load balancer's only target is the Region's deep health (DSQL connect as mrcdk_health).
        deep_health=DeepHealthChecksOptions(dsql=DeepHealthDsqlCheck(cluster_arn=dsql.cluster_arn(region))),
    ))
# The deep-health functions' database role, for the pair, in the peering Region's stack.
home = dsql.peer_regions[0]
DsqlDatabaseRole(
    topology.regional_stack(home), "DeepHealthDatabaseRole",
    peered_clusters=dsql,
    role_name="mrcdk_health",
    iam_roles=[e.deep_health.function.role for e in endpoints],
    log_encryption_key=topology.regional_key(home),
)

probes = MultiRegionProbes(
    topology, "Probes",
    topology=topology,
    health_targets=[
        RegionHealthTargets(
            region=region,
            targets=[HealthTarget(name="api", url=endpoints[i].regional_health_url)] + (
                [HealthTarget(name=f"dependency-{n}", url=f"https://dependency-{n}.example.com/health") for n in range(60)]
                if region == "us-east-1" else []),
            dsql_cluster_arn=dsql.cluster_arn(region),
        )
        for i, region in enumerate(topology.active_regions)
    ],
    dsql_pairs=[dsql],
)

regions = [
    RoutedRegion(region=region, endpoint=endpoints[i].endpoint, deep_health_url=endpoints[i].deep_health.url)
    for i, region in enumerate(topology.active_regions)
]
dns = DnsRouting(
    topology.global_stack, "Dns",
    topology=topology,
    hosted_zone=route53.HostedZone.from_hosted_zone_attributes(
        topology.global_stack, "Zone", hosted_zone_id=hosted_zone_id, zone_name=domain_name),
    record_name=record_name,
    regions=regions,
)
AcceleratorRouting(topology.accelerator_stack, "Accelerator", topology=topology, regions=regions)
probes.dashboard.add_route53_health_checks([
    Route53HealthCheckReference(
        region=r,
        health_check_id=dns.health_check(r).health_check_id,
        endpoint_health_check_id=dns.endpoint_health_check(r).health_check_id,
    )
    for r in topology.active_regions
])
AlarmTopics(topology, "AlarmTopics", topology=topology)
RegionalAuditTrail(topology, "AuditTrail", topology=topology)
# The team's one decision about the pack's advice (a warning): its game days run from another app.
cdk.Validations.of(app).acknowledge(cdk.Acknowledgment(
    id="MultiRegionChecks::MultiRegion-GD1", reason="The shop drills Region evacuation from its game-day app."))

cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), MultiRegionChecks(app))
app.synth()
