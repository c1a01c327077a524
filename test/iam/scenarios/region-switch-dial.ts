import { AppModel, FunctionInfo } from '../proof/model';
import { HandlerScenario } from './types';

/** ARC's Region switch plan runs the function with each CustomActionLambda step's payload that names it (activate and deactivate). */
export const regionSwitchDial: HandlerScenario = {
  handler: 'region-switch-dial',
  invocations: (fn: FunctionInfo, model: AppModel) => {
    const arn = `arn:aws:lambda:${fn.region}:${fn.account}:function:${fn.name}`;
    const payloads: unknown[] = [];
    for (const plan of model.resources.filter((r) => r.type === 'AWS::ARCRegionSwitch::Plan')) {
      for (const workflow of plan.props.Workflows ?? []) {
        for (const step of workflow.Steps ?? []) {
          for (const l of step.ExecutionBlockConfiguration?.CustomActionLambdaConfig?.Lambdas ?? []) {
            if (l.Arn === arn) payloads.push(JSON.parse(l.Payload));
          }
        }
      }
    }
    if (payloads.length === 0) throw new Error(`no Region switch plan step runs ${arn}.`);
    return payloads.map((p) => ({ export: 'handler', event: { ...(p as object), ExecutionId: 'iam-proof', StepName: 'dial' } }));
  },
  // Every dial at 50: each payload changes every group it names.
  respond: (call) => (call.operation === 'DescribeEndpointGroup' ? { EndpointGroup: { EndpointGroupArn: call.input.EndpointGroupArn, TrafficDialPercentage: 50 } } : {}),
};
