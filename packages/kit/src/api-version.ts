/** The REST API version relkit is written against; sent on every request. */
export const GITHUB_API_VERSION = '2022-11-28';
