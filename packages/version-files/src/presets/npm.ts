import type { PresetData } from './types.js';

export const npm: PresetData = {
  name: 'npm',
  identifiedBy: ['package.json'],
  models: 'an npm package as `npm version` bumps it: package.json and package-lock.json',
  spec: ['package.json: version', 'package-lock.json?: version, packages[""].version?'],
  checkedAgainst: [],
};
