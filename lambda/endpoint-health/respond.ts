/** The part of an Application Load Balancer request event the placeholder reads. */
export interface AlbRequest {
  readonly path?: string;
  readonly httpMethod?: string;
}

/** An Application Load Balancer response for a Lambda target. */
export interface AlbResponse {
  readonly statusCode: number;
  readonly statusDescription: string;
  readonly headers: Record<string, string>;
  readonly isBase64Encoded: boolean;
  readonly body: string;
}

/**
 * The placeholder's answer: 200 `ok` on every path (the health path included), so ELB target
 * health, the alias records' target health and Global Accelerator see a healthy Region until
 * the Lambda function itself fails.
 */
export function respond(request: AlbRequest): AlbResponse {
  return {
    statusCode: 200,
    statusDescription: '200 OK',
    headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' },
    isBase64Encoded: false,
    body: request.httpMethod === 'HEAD' ? '' : 'ok',
  };
}
