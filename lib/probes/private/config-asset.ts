import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { handlerBundle } from '../../private/handler-code';


/**
 * Lambda allows 4 KB for all of a function's environment variables together ("Lambda quotas",
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); a configuration above
 * this many characters goes into a file beside the bundle instead, leaving room for the other variables.
 */
export const MAX_CONFIG_IN_ENVIRONMENT = 3500;

/**
 * The prebuilt bundle of `lambda/<handlerDir>` plus `fileName` holding `json`, as one asset. The
 * folder's content is deterministic, so its asset hash changes only with the bundle or the JSON.
 */
export function bundleWithConfig(handlerDir: string, fileName: string, json: string): lambda.Code {
  const bundle = handlerBundle(handlerDir);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mrcdk-${handlerDir}-`));
  fs.copyFileSync(bundle, path.join(dir, 'index.js'));
  fs.writeFileSync(path.join(dir, fileName), json);
  return lambda.Code.fromAsset(dir);
}
