import * as fs from 'fs';
import * as path from 'path';

/** What the trails of a synthesized app record, read from its cloud assembly. */
export interface AuditCoverage {
  /** Regions holding a stack of the app but no CloudTrail trail. */
  readonly regionsWithoutTrail: string[];
  /** Trails that record IAM, STS and CloudFront events, as `<region> <single|multi>`; CloudTrail records them only in us-east-1, or by a multi-Region trail. */
  readonly globalServiceEventTrails: string[];
}

/** Reads every stack template of the cloud assembly in `dir`. */
export function auditCoverage(dir: string): AuditCoverage {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const stacks = Object.values<any>(manifest.artifacts).filter((a) => a.type === 'aws:cloudformation:stack');
  const regions = new Set<string>();
  const withTrail = new Set<string>();
  const globalTrails: string[] = [];
  for (const stack of stacks) {
    const region = String(stack.environment).split('/').pop()!;
    const template = JSON.parse(fs.readFileSync(path.join(dir, stack.properties.templateFile), 'utf8'));
    const resources = Object.values<any>(template.Resources ?? {});
    if (resources.length === 0) continue;
    regions.add(region);
    for (const trail of resources.filter((r) => r.Type === 'AWS::CloudTrail::Trail' && r.Properties.IsLogging !== false)) {
      withTrail.add(region);
      const multi = trail.Properties.IsMultiRegionTrail === true;
      if (trail.Properties.IncludeGlobalServiceEvents === true && (multi || region === 'us-east-1')) globalTrails.push(`${region} ${multi ? 'multi' : 'single'}`);
    }
  }
  return { regionsWithoutTrail: [...regions].filter((r) => !withTrail.has(r)).sort(), globalServiceEventTrails: globalTrails.sort() };
}
