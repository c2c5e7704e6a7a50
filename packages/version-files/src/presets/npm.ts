import type { PresetData } from './types.js';

export const npm: PresetData = {
  name: 'npm',
  identifiedBy: ['package.json'],
  models: 'an npm package as `npm version` bumps it: package.json and package-lock.json',
  spec: ['package.json: version', 'package-lock.json?: version, packages[""].version?'],
  // release-drafter's releases: `npm version` from 5.21.1 (2022, no lockfile) to 7.7.0 (2026).
  checkedAgainst: [
    'release-drafter/release-drafter@6df64e4ba4 (5.21.1)',
    'release-drafter/release-drafter@cfc5540ebc (5.22.0)',
    'release-drafter/release-drafter@65c5fb495d (5.24.0)',
    'release-drafter/release-drafter@09c613e259 (5.25.0)',
    'release-drafter/release-drafter@3f0f87098b (6.0.0)',
    'release-drafter/release-drafter@b1476f6e6e (6.1.0)',
    'release-drafter/release-drafter@5de9358398 (7.2.0)',
    'release-drafter/release-drafter@693d20e7c1 (7.3.1)',
    'release-drafter/release-drafter@4d75298e00 (7.5.1)',
    'release-drafter/release-drafter@eada3c96a6 (7.6.0)',
    'release-drafter/release-drafter@34d80673e0 (7.7.0)',
  ],
};
