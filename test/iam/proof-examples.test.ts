import { exampleNames } from './proof/apps';
import { proofSuite } from './proof/suite';

// Every app under examples/, found by listing the folder.
proofSuite(exampleNames());
