import { rehearseScenario } from '../scenario-suite.js';

// One file per scenario, so the suites run side by side.
rehearseScenario('gaie');
