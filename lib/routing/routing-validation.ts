import { Duration, Token } from 'aws-cdk-lib';

/** Health-check intervals Route 53 and Global Accelerator accept. */
export const VALID_INTERVALS_SECONDS: readonly number[] = [10, 30];

/** Throws unless `interval` is 10 s or 30 s; returns it in seconds. */
export function checkInterval(interval: Duration, what: string): number {
  const seconds = interval.toSeconds();
  if (!VALID_INTERVALS_SECONDS.includes(seconds)) {
    throw new Error(`${what} is ${seconds} s; Route 53 and Global Accelerator accept only 10 s or 30 s (Duration.seconds(10) or Duration.seconds(30)).`);
  }
  return seconds;
}

/** Throws unless `threshold` is an integer from 1 to 10. */
export function checkThreshold(threshold: number, what: string): number {
  if (!Token.isUnresolved(threshold) && (!Number.isInteger(threshold) || threshold < 1 || threshold > 10)) {
    throw new Error(`${what} is ${threshold}; use an integer from 1 to 10 (consecutive failed checks before an endpoint counts as unhealthy).`);
  }
  return threshold;
}

/** Throws unless `dial` is a number from 0 to 100. */
export function checkTrafficDial(dial: number, what: string): number {
  if (!Token.isUnresolved(dial) && (!Number.isFinite(dial) || dial < 0 || dial > 100)) {
    throw new Error(`${what} is ${dial}; a traffic dial is a percentage from 0 to 100.`);
  }
  return dial;
}

/** Lower-case, without the trailing dot, so names compare as DNS compares them. */
export function normalizeDomainName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Throws unless `recordName` is the zone's apex or a name below it. */
export function checkRecordInZone(recordName: string, zoneName: string): void {
  if (Token.isUnresolved(recordName) || Token.isUnresolved(zoneName)) return;
  const record = normalizeDomainName(recordName);
  const zone = normalizeDomainName(zoneName);
  if (record !== zone && !record.endsWith(`.${zone}`)) {
    throw new Error(`recordName '${recordName}' is not in the hosted zone '${zoneName}'; use '${zone}' or a name ending in '.${zone}', or pass the hosted zone that holds '${recordName}'.`);
  }
}
