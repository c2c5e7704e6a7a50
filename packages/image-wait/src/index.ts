export { buildTargets, parsePlatforms, type WaitTarget } from './targets.js';
export { waitForImages, type Clock, type ImageState, type WaitOptions, type WaitReport } from './wait.js';
