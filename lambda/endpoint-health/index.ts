import { AlbRequest, AlbResponse, respond } from './respond';

/** Target of the placeholder load balancer's target group. */
export async function handler(event: AlbRequest): Promise<AlbResponse> {
  return respond(event);
}
