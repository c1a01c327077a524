/**
 * How Route 53 checks a regional endpoint.
 */
export enum EndpointHealthCheckProtocol {
  /** An HTTPS request to the health path; healthy on a 2xx or 3xx answer within 4 s (the certificate is not validated). */
  HTTPS = 'HTTPS',
  /** An HTTP request to the health path; healthy on a 2xx or 3xx answer within 2 s. */
  HTTP = 'HTTP',
  /** A TCP connection to the port; no health path. */
  TCP = 'TCP',
}

/** The port a health check uses when the endpoint does not name one. */
export function defaultPortOf(protocol: EndpointHealthCheckProtocol): number {
  return protocol === EndpointHealthCheckProtocol.HTTP ? 80 : 443;
}
