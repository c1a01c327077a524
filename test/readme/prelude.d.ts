// The prelude of the README's TypeScript snippets (test/readme/readme-snippets.test.ts): the few
// names a fragment takes from the reader's own app, each declared with the type the README
// gives it. Nothing else is in scope: every snippet imports what it uses from
// 'multi-region-cdk' (mapped to ./lib) and aws-cdk-lib. Kept small on purpose; a snippet that
// needs more should declare it itself.
declare const app: import('aws-cdk-lib').App;
declare const topology: import('multi-region-cdk').MultiRegionApp;
/** Your load balancer in us-east-1, and the Route 53 zone id of your domain. */
declare const albUse1: import('aws-cdk-lib/aws-elasticloadbalancingv2').IApplicationLoadBalancer;
declare const hostedZoneId: string;
/** Roles of your app and of your migrations. */
declare const appRole: import('aws-cdk-lib/aws-iam').IRole;
declare const migrationRole: import('aws-cdk-lib/aws-iam').IRole;
/** Any construct of your app (to acknowledge a finding on). */
declare const resource: import('constructs').IConstruct;
/** What earlier sections of the README build: the DSQL pair ("Data") and the probes ("Probes"). */
declare const db: import('multi-region-cdk').DsqlPeeredClusters;
declare const probes: import('multi-region-cdk').MultiRegionProbes;
/** A construct of yours that holds customer data. */
declare const customersCluster: import('constructs').IConstruct;
/** What the Routing section builds: the Route 53 zone, an endpoint per Region, the DNS and accelerator routing. */
declare const hostedZone: import('aws-cdk-lib/aws-route53').IHostedZone;
declare const endpoints: { [region: string]: import('multi-region-cdk').RegionalEndpoint };
declare const dns: import('multi-region-cdk').DnsRouting;
declare const accelerator: import('multi-region-cdk').AcceleratorRouting;
/** What the Deep health section builds: the deep-health endpoint of us-east-1. */
declare const deepHealthUse1: import('multi-region-cdk').DeepHealthEndpoint;
/** The secret of a PostgreSQL probe user. */
declare const ordersSecret: import('aws-cdk-lib/aws-secretsmanager').ISecret;
