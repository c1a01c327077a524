import * as fs from 'fs';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * Folder of the prebuilt handler bundles (`scripts/bundle-handlers.mjs` writes them at the library's build)
 * at the package root: two levels up from the sources (`lib/private/`), three from jsii's output
 * (`build/lib/private/`, what the package's `main` loads).
 */
const ASSET_ROOT = [path.join(__dirname, '..', '..'), path.join(__dirname, '..', '..', '..')]
  .map((root) => path.join(root, 'assets', 'lambda'))
  .find((dir) => fs.existsSync(dir)) ?? path.join(__dirname, '..', '..', 'assets', 'lambda');

/**
 * The prebuilt bundle of the handler `lambda/<name>/`, as a Lambda asset. The bundle is
 * `index.js`, so a function's handler is `index.<exported function>`.
 */
export function handlerCode(name: string): lambda.Code {
  return lambda.Code.fromAsset(path.dirname(handlerBundle(name)));
}

/** The path of the prebuilt bundle `index.js` of the handler `lambda/<name>/`. */
export function handlerBundle(name: string): string {
  const bundle = path.join(ASSET_ROOT, name, 'index.js');
  if (!fs.existsSync(bundle)) {
    throw new Error(`the Lambda bundle ${bundle} is missing; in a checkout of multi-region-cdk run 'npm run build:handlers' `
      + '(npm ci runs it); an installed package ships it.');
  }
  return bundle;
}
