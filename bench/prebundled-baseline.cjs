// Preloaded (node -r) into the hand-written baseline app by bench/full-app.ts for the "same
// prebuilt bundles" comparison: its NodejsFunction (esbuild at every synth) becomes a plain
// lambda.Function on the library's prebuilt bundle of the same handler (Code.fromAsset, as the
// library's constructs do), so both apps do the same asset work and the figure compares the
// constructs and checks only. Resource types and counts are unchanged.
'use strict';
const path = require('path');
const lambda = require('aws-cdk-lib/aws-lambda');
const nodejs = require('aws-cdk-lib/aws-lambda-nodejs');

const ASSETS = path.join(__dirname, '..', 'assets', 'lambda');

class PrebundledFunction extends lambda.Function {
  constructor(scope, id, props) {
    // entry: <baseline>/lambda/<handler name>.mjs; the library's bundle is assets/lambda/<handler name>/index.js.
    const { entry, handler, bundling, depsLockFilePath, projectRoot, awsSdkConnectionReuse, ...rest } = props;
    const name = path.basename(entry).replace(/\.[cm]?[jt]s$/, '');
    super(scope, id, { ...rest, code: lambda.Code.fromAsset(path.join(ASSETS, name)), handler: `index.${handler ?? 'handler'}` });
  }
}

Object.defineProperty(nodejs, 'NodejsFunction', { value: PrebundledFunction, enumerable: true, configurable: true });
