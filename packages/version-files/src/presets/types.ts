/**
 * A preset as data: the spec it expands to, the project whose releases it models, and the real
 * release commits it was checked against (each in test/fixtures/release-corpus/<name>/).
 */
export interface PresetData {
  name: string;
  /** The project and the release process it follows, e.g. "kata-containers/kata-containers (VERSION and its Helm chart)". */
  models: string;
  /** Files that make a tree this project's, for `rehearse --repo-dir` to propose the preset. */
  identifiedBy: string[];
  /** bump-version-files `files` lines. */
  spec: string[];
  /**
   * A preset that reads the tree (`cargo-workspace`) whose entries this one starts from; a path
   * this spec names replaces the base's entry for the same path.
   */
  extends?: string;
  /** Release hooks of the project whose edits this spec restates, so the base's "hook not run" note is not given. */
  restates?: { hook: string; skipped: string }[];
  /** Real release commits (repository@sha) this spec reproduces byte for byte. */
  checkedAgainst: string[];
}
