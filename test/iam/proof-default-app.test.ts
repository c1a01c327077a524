import { fixtureNames } from './proof/apps';
import { proofSuite } from './proof/suite';

// The default app (bin/default-app.ts) and the fixtures of handlers no example deploys; the
// examples are in proof-examples.test.ts, so jest runs the two halves on two workers.
proofSuite(['default-app', ...fixtureNames()]);
