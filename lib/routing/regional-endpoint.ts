import { Arn, ArnFormat, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';

/** What kind of resource a `RegionalEndpoint` stands for. */
export enum RegionalEndpointKind {
  /** An Application or Network Load Balancer: alias records and Global Accelerator endpoints are possible. */
  LOAD_BALANCER = 'LOAD_BALANCER',
  /** A domain name (for example an API Gateway custom domain): CNAME records only, no accelerator endpoint. */
  DOMAIN_NAME = 'DOMAIN_NAME',
}

/** Options common to every kind of regional endpoint. */
export interface RegionalEndpointOptions {
  /**
   * The path Route 53 (and, for EC2 endpoints, Global Accelerator) requests to check health.
   * Ignored when the health-check protocol is TCP.
   * @default '/'
   */
  readonly healthPath?: string;

  /**
   * The port of the health check.
   * @default - 443 for HTTPS and TCP, 80 for HTTP
   */
  readonly healthCheckPort?: number;
}

/** Options of a domain-name endpoint, whose health path must be given. */
export interface DomainNameEndpointOptions {
  /** The path Route 53 requests to check health, for example '/health'. */
  readonly healthPath: string;

  /**
   * The port of the health check.
   * @default - 443 for HTTPS and TCP, 80 for HTTP
   */
  readonly healthCheckPort?: number;

  /**
   * The Region that serves this domain name, when it is not given by the Region the endpoint
   * is attached to.
   * @default - the Region of the routing entry
   */
  readonly region?: string;
}

/** A load balancer created elsewhere, named by its attributes. */
export interface LoadBalancerEndpointAttributes extends RegionalEndpointOptions {
  /** ARN of the Application or Network Load Balancer; its Region must be the Region it serves. */
  readonly loadBalancerArn: string;

  /** DNS name of the load balancer, for example `my-alb-1234.us-east-1.elb.amazonaws.com`. */
  readonly dnsName: string;

  /**
   * The load balancer's canonical hosted zone id, needed for an alias record.
   * @default - no alias: records are CNAMEs to `dnsName` with the routing's TTL
   */
  readonly canonicalHostedZoneId?: string;
}

/**
 * The endpoint that serves one Region: a load balancer, or a domain name with a health path.
 *
 * @example
 * RegionalEndpoint.fromLoadBalancer(alb, { healthPath: '/health' });
 * RegionalEndpoint.fromDomainName('api-use1.example.com', { healthPath: '/health' });
 */
export class RegionalEndpoint {
  /**
   * An Application or Network Load Balancer of this app or imported with its canonical hosted
   * zone id; records alias to it and Global Accelerator can route to it.
   */
  public static fromLoadBalancer(loadBalancer: elbv2.ILoadBalancerV2, options: RegionalEndpointOptions = {}): RegionalEndpoint {
    return new RegionalEndpoint({
      kind: RegionalEndpointKind.LOAD_BALANCER,
      dnsName: loadBalancer.loadBalancerDnsName,
      loadBalancerArn: loadBalancer.loadBalancerRef.loadBalancerArn,
      canonicalHostedZoneId: canonicalHostedZoneIdOf(loadBalancer),
      region: concrete(loadBalancer.env.region),
      description: loadBalancer.node.path,
      loadBalancer,
      ...options,
    });
  }

  /** A load balancer imported by ARN and DNS name (and, for alias records, its canonical hosted zone id). */
  public static fromLoadBalancerAttributes(attrs: LoadBalancerEndpointAttributes): RegionalEndpoint {
    const region = Token.isUnresolved(attrs.loadBalancerArn)
      ? undefined
      : concrete(Arn.split(attrs.loadBalancerArn, ArnFormat.SLASH_RESOURCE_NAME).region);
    return new RegionalEndpoint({
      kind: RegionalEndpointKind.LOAD_BALANCER,
      dnsName: attrs.dnsName,
      loadBalancerArn: attrs.loadBalancerArn,
      canonicalHostedZoneId: attrs.canonicalHostedZoneId,
      region,
      description: Token.isUnresolved(attrs.loadBalancerArn) ? 'load balancer (imported)' : attrs.loadBalancerArn,
      healthPath: attrs.healthPath,
      healthCheckPort: attrs.healthCheckPort,
    });
  }

  /** A domain name that serves the Region (CNAME records; Global Accelerator cannot route to it). */
  public static fromDomainName(domainName: string, options: DomainNameEndpointOptions): RegionalEndpoint {
    return new RegionalEndpoint({
      kind: RegionalEndpointKind.DOMAIN_NAME,
      dnsName: domainName,
      region: options.region,
      description: domainName,
      healthPath: options.healthPath,
      healthCheckPort: options.healthCheckPort,
    });
  }

  /** What the endpoint is. */
  public readonly kind: RegionalEndpointKind;
  /** The DNS name records point at and health checks request. */
  public readonly dnsName: string;
  /** The load balancer's ARN; undefined for a domain name. */
  public readonly loadBalancerArn?: string;
  /** The canonical hosted zone id for alias records; undefined when records must be CNAMEs. */
  public readonly canonicalHostedZoneId?: string;
  /** The Region the endpoint is known to be in, when it is known at synth. */
  public readonly region?: string;
  /** The health path. */
  public readonly healthPath: string;
  /** The health-check port, if one was given. */
  public readonly healthCheckPort?: number;
  /** A human-readable name for error messages. */
  public readonly description: string;
  /**
   * The load balancer construct, when the endpoint was made from one (its target groups give the
   * accelerator path's failover budget).
   * @default - imported by attributes or a domain name
   */
  public readonly loadBalancer?: elbv2.ILoadBalancerV2;

  private constructor(props: EndpointFields) {
    this.kind = props.kind;
    this.dnsName = props.dnsName;
    this.loadBalancerArn = props.loadBalancerArn;
    this.canonicalHostedZoneId = props.canonicalHostedZoneId;
    this.region = props.region;
    this.healthPath = props.healthPath ?? '/';
    this.healthCheckPort = props.healthCheckPort;
    this.description = props.description;
    this.loadBalancer = props.loadBalancer;
    if (!Token.isUnresolved(this.healthPath) && !this.healthPath.startsWith('/')) {
      throw new Error(`healthPath '${this.healthPath}' of ${this.description} must start with '/', for example '/health'.`);
    }
    if (this.healthCheckPort !== undefined && !Token.isUnresolved(this.healthCheckPort)
      && (!Number.isInteger(this.healthCheckPort) || this.healthCheckPort < 1 || this.healthCheckPort > 65535)) {
      throw new Error(`healthCheckPort ${this.healthCheckPort} of ${this.description} is not a port; use an integer from 1 to 65535.`);
    }
  }

  /** True when records can alias to this endpoint (no TTL of their own). */
  public get isAlias(): boolean {
    return this.canonicalHostedZoneId !== undefined;
  }
}

interface EndpointFields extends RegionalEndpointOptions {
  readonly kind: RegionalEndpointKind;
  readonly dnsName: string;
  readonly loadBalancerArn?: string;
  readonly canonicalHostedZoneId?: string;
  readonly region?: string;
  readonly description: string;
  readonly loadBalancer?: elbv2.ILoadBalancerV2;
}

function concrete(value: string | undefined): string | undefined {
  return value === undefined || value === '' || Token.isUnresolved(value) ? undefined : value;
}

/** An imported load balancer without a canonical hosted zone id throws on access: records then use a CNAME. */
function canonicalHostedZoneIdOf(loadBalancer: elbv2.ILoadBalancerV2): string | undefined {
  try {
    return loadBalancer.loadBalancerCanonicalHostedZoneId;
  } catch {
    return undefined;
  }
}
