import { Duration } from 'aws-cdk-lib';
import { FailoverTerm, FailoverTermBasis } from '../failover-budget';
import { reactionTerm } from './failover-math';

/** Global Accelerator's API (UpdateEndpointGroup) is a control plane in us-west-2 only. */
export const GA_CONTROL_PLANE = 'Global Accelerator control plane (UpdateEndpointGroup, us-west-2 only; Global Accelerator API Reference, "Welcome")';

/**
 * GA documents no figure for how fast a new traffic dial takes effect; the closest figure it
 * documents is the "about 30 seconds" after which routing goes back to healthy endpoints.
 */
export const GA_DIAL_PROPAGATION_SOURCE = 'AWS documents no figure for a dial change; the closest is "routing typically starts to return to healthy endpoints '
  + 'with traffic dials not set to zero after about 30 seconds" (Global Accelerator Developer Guide, "How failover works for unhealthy endpoints"); '
  + 'set AcceleratorRouting dialPropagation to a measured figure';

/** The controller's SDK calls after detection: intents, dials, one update, each with a 3 s request timeout and 2 attempts (lambda/accelerator-controller/index.ts). */
export const CONTROLLER_REACT_SECONDS = 3 * 3 * 2;

/** The figures of the controller's deep-health polling. */
export interface DeepHealthPollFigures {
  readonly pollSeconds: number;
  readonly failures: number;
  readonly timeoutSeconds: number;
  /** How long a scheduled invocation polls; the schedule is one minute, so the gap is 60 - runSeconds. */
  readonly runSeconds: number;
  readonly scheduleSeconds: number;
  readonly dialPropagation?: Duration;
}

/**
 * The terms of the branch "deep-health endpoint + controller" (the controller polls the Region's
 * deep-health URL, for load balancers whose target health the library does not own):
 * poll interval x consecutive failures + one poll's timeout + the gap between two scheduled
 * invocations + the controller's run (its calls to the Global Accelerator control plane in
 * us-west-2, named as such) + Global Accelerator's dial propagation (ASSUMED unless given).
 */
export function deepHealthPollTerms(region: string, f: DeepHealthPollFigures): FailoverTerm[] {
  const branch = 'deep-health endpoint + controller';
  const gap = Math.max(0, f.scheduleSeconds - f.runSeconds);
  return [{
    name: 'controller polls the deep-health URL: poll interval x consecutive failures',
    seconds: f.pollSeconds * f.failures,
    source: `AcceleratorRouting deepHealthPollInterval (${f.pollSeconds} s) x deepHealthFailureThreshold (${f.failures}) for ${region}`,
    basis: FailoverTermBasis.CONFIGURED,
    branch,
  }, {
    name: 'the failing poll waits out its timeout',
    seconds: f.timeoutSeconds,
    source: 'AcceleratorRouting deepHealthTimeout',
    basis: FailoverTermBasis.CONFIGURED,
    branch,
  }, {
    name: 'gap between two scheduled polling runs (no polls)',
    seconds: gap,
    source: `each invocation polls for ${f.runSeconds} s of its ${f.scheduleSeconds} s schedule`,
    basis: FailoverTermBasis.CONFIGURED,
    branch,
  }, {
    name: `controller run: reads intents and dials, sets the dial through the ${GA_CONTROL_PLANE}`,
    seconds: CONTROLLER_REACT_SECONDS,
    source: 'three sequential SDK calls, each at most 2 attempts of a 3 s request timeout; a control plane on the automatic path',
    basis: FailoverTermBasis.CONFIGURED,
    branch,
    controlPlane: GA_CONTROL_PLANE,
  }, reactionTerm({
    name: 'Global Accelerator applies the new traffic dial (new connections only)',
    measured: f.dialPropagation,
    measuredSource: 'AcceleratorRouting dialPropagation',
    assumedSeconds: 30,
    assumedSource: GA_DIAL_PROPAGATION_SOURCE,
    branch,
  })];
}
