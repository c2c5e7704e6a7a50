import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import semver from 'semver';
import { UserError } from '@relkit/kit';
import { startSandbox } from '@relkit/sandbox';
import {
  htmlReport,
  rehearsalReport,
  rehearse,
  scenario as loadScenario,
  scenarioSeed,
  SCENARIOS,
  selfScenario,
  startLocalRegistry,
  type CallerWorkflow,
  type LocalRegistry,
  type Scenario,
} from '@relkit/rehearsal';
import { actionsDirectory } from './actions-dir.js';
import { describeChoice, detectVersionFiles } from '@relkit/version-files';
import { gitIn, latestReleaseTag, repositoryName, revisionFiles } from './local-repository.js';
import { refuseUnknownFlags } from './args.js';

export const REHEARSE_USAGE = [
  'Usage: relkit rehearse [--scenario kata|metallb|kubernetes|gaie|kube-rs|self|self-first] [--mock] [--verbose] [--secrets app|github-token-only]',
  '       relkit rehearse --caller examples/metallb.yml [--scenario NAME] [--secrets app|github-token-only] [--actions-dir DIR [--download-actions]] [--mock]',
  '       any of them with --report FILE.html: the run as one self-contained page (timeline, logs, diffs, notes, release)',
  '       relkit rehearse --repo-dir DIR [--repo OWNER/NAME] [--branch B] [--inputs JSON] [--mock]',
  '',
  '--caller runs your own workflow_dispatch workflow (which calls release.yml or the actions) as',
  'GitHub would, against the scenario of the project it releases (guessed from the file name), with',
  'the secrets a repository can hold; --secrets github-token-only rehearses a repository with no App.',
  '--actions-dir DIR holds the third-party actions it uses, as DIR/owner/repo@ref trees (their',
  'published dist/): JavaScript and composite actions run as the runner runs them; Docker actions',
  'fail their job at set-up, before any step runs, saying so. --download-actions fetches the ones',
  'the folder lacks from GITHUB_API_URL (default https://api.github.com; GITHUB_TOKEN or GH_TOKEN if',
  'set) into it first: the commit the ref names, its tarball, and that SHA in .relkit-source.json.',
  '',
  'Runs .github/workflows/release.yml offline against an embedded GitHub sandbox (and a local',
  'docker-registry for scenarios with images), then prints what the release did. `self` releases',
  'this relkit checkout with release-relkit.yml into relkit/relkit and the six relkit/<action> repositories;',
  "`self-first` does it from an empty GitHub (no tag anywhere yet), as relkit's very first release.",
].join('\n');

/** A scenario for the repository in DIR: its commits, branches and tags, released with the given inputs. */
async function scenarioFromRepository(dir: string, flags: Map<string, string>): Promise<Scenario> {
  const full = resolve(dir);
  const git = gitIn(full);
  try {
    git('rev-parse', '--git-dir');
  } catch {
    throw new UserError(`--repo-dir ${dir} is not a git repository.`, 'Pass the folder of a git clone (or a bare repository), e.g. --repo-dir .');
  }
  const repository = flags.get('repo') ?? repositoryName(full);
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository)) throw new UserError(`--repo ${repository} is not OWNER/NAME.`, 'Pass --repo like acme/app.');
  const branch = flags.get('branch') ?? git('rev-parse', '--abbrev-ref', 'HEAD');
  try {
    git('rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`);
  } catch {
    throw new UserError(`${repository} has no branch ${branch} to release from.`, 'Name a branch the repository has (--branch), or check it out before rehearsing.');
  }
  const given = flags.get('inputs');
  let inputs: Record<string, string | boolean>;
  let assumed = '';
  if (given) {
    try {
      inputs = JSON.parse(existsSync(given) ? readFileSync(given, 'utf8') : given) as Record<string, string | boolean>;
    } catch (error) {
      throw new UserError(
        `--inputs is not JSON (${(error as Error).message}).`,
        'Pass the release.yml inputs as JSON, e.g. --inputs \'{"version":"1.2.0","version-files":"VERSION"}\', or a JSON file.',
      );
    }
  } else {
    ({ inputs, assumed } = await proposeInputs(full, branch));
  }
  const [owner, name] = repository.split('/') as [string, string];
  return {
    name: 'repo-dir',
    title: `${repository} from ${full}`,
    ...(assumed ? { assumed } : {}),
    process: '',
    repository,
    dispatchBranch: branch,
    repos: [{ owner, name, gitDir: full, defaultBranch: branch }],
    inputs: { branch, ...inputs },
    expect: { version: '', tag: '', branch: String(inputs.branch ?? branch), files: {}, published: true, prerelease: false, latest: true, assets: [], notes: [], locked: false },
  };
}

/**
 * What a maintainer would release from this branch, found in the repository: the version files
 * (a preset that fits, or VERSION) bumped to the next patch, continuing the project's own tags; with
 * no version files, the patch after the last tag (the next minor when that tag was cut on another
 * branch), or 0.1.0 for a first release.
 */
async function proposeInputs(dir: string, branch: string): Promise<{ inputs: Record<string, string | boolean>; assumed: string }> {
  const latest = latestReleaseTag(dir, branch);
  const prefix = latest?.prefix ?? 'v';
  const tagNote = latest ? `after ${latest.tag}${latest.elsewhere ? ' (cut on another branch)' : ''}, tags like ${latest.prefix}X.Y.Z` : 'the first release: no earlier X.Y.Z tag';
  const detected = await detectVersionFiles(revisionFiles(dir, branch), { tagPrefix: prefix, date: new Date().toISOString().slice(0, 10) });
  const tagPrefix: Record<string, string> = latest ? { 'tag-prefix': latest.prefix } : {};
  const lastVersion = latest ? semver.coerce(latest.tag.slice(latest.prefix.length)) : null;
  // Files behind the last release (MetalLB's main says 0.0.0) do not carry the release version: that branch is bumped elsewhere.
  const behind = detected && lastVersion && detected.plan.previous && semver.lt(detected.plan.previous, lastVersion) ? detected : undefined;
  if (detected && !behind) {
    const { plan } = detected;
    const places = plan.files.reduce((n, f) => n + f.changes.length, 0);
    const inputs: Record<string, string> = { version: 'patch', ...(detected.preset ? { preset: detected.preset } : {}), 'version-files': detected.files ?? '', 'bump-mode': 'commit', ...tagPrefix };
    return {
      inputs,
      assumed: `a patch release ${plan.previous?.version} → ${plan.version.version} of ${describeChoice(detected)} (${places} place(s) in ${plan.files.length} file(s), read from ${plan.previousSource}), ${tagNote}`,
    };
  }
  const next = latest ? /(\d+)\.(\d+)\.(\d+)/.exec(latest.tag.slice(latest.prefix.length)) : undefined;
  const version = next ? (latest?.elsewhere ? `${next[1]}.${Number(next[2]) + 1}.0` : `${next[1]}.${next[2]}.${Number(next[3]) + 1}`) : '0.1.0';
  const why = behind
    ? `${describeChoice(behind)} fits, but its files say ${behind.plan.previous?.version}, behind ${latest?.tag}: this branch does not carry the release version (release from the branch that does with --branch, or pass --inputs)`
    : 'no version files found: no VERSION, Cargo.toml workspace, package.json or Chart.yaml that plans';
  return { inputs: { version, 'version-files': '', 'bump-mode': 'none', ...tagPrefix }, assumed: `version ${version}, nothing bumped (${why}), ${tagNote}` };
}

/** Which scenario an example caller belongs to, by its file name (examples/metallb.yml → metallb). */
const CALLER_SCENARIOS: Array<[RegExp, string]> = [
  [/^kata/, 'kata'],
  [/^metallb/, 'metallb'],
  [/^kubernetes/, 'kubernetes'],
  [/^gateway-api-inference-extension|^gaie/, 'gaie'],
  [/^kube-rs/, 'kube-rs'],
];

function callerScenario(file: string): string {
  const found = CALLER_SCENARIOS.find(([pattern]) => pattern.test(basename(file)));
  if (!found) throw new UserError(`--caller ${file}: no scenario goes with this workflow.`, `Name the project it releases with --scenario (${Object.keys(SCENARIOS).join(', ')}).`);
  return found[1];
}

function readCaller(file: string): CallerWorkflow {
  if (!existsSync(file)) throw new UserError(`--caller ${file}: there is no such file.`, 'Give the path of a workflow file, e.g. examples/metallb.yml.');
  return { name: basename(file), content: readFileSync(file, 'utf8') };
}

export async function rehearseCommand(flags: Map<string, string>, print: (line: string) => void): Promise<number> {
  refuseUnknownFlags('rehearse', flags, ['scenario', 'mock', 'verbose', 'repo-dir', 'repo', 'branch', 'inputs', 'secrets', 'caller', 'actions-dir', 'download-actions', 'report'], REHEARSE_USAGE);
  const secrets = flags.get('secrets') ?? 'app';
  if (secrets !== 'app' && secrets !== 'github-token-only')
    throw new UserError(
      `--secrets ${secrets} is not a secrets set.`,
      'Use --secrets app (the repository holds RELKIT_APP_ID and RELKIT_APP_PRIVATE_KEY, the default) or --secrets github-token-only (no App, as a repository without one).',
    );
  if (flags.has('help')) {
    print(REHEARSE_USAGE);
    return 0;
  }
  const callerFile = flags.get('caller');
  const caller = callerFile !== undefined ? readCaller(callerFile) : undefined;
  // With --repo-dir the repository is the scenario; only an example caller needs one guessed.
  const name = flags.get('scenario') ?? (caller && !flags.has('repo-dir') ? callerScenario(caller.name) : 'kata');
  const names = [...Object.keys(SCENARIOS), 'self', 'self-first'];
  if (!flags.has('repo-dir') && !names.includes(name)) throw new UserError(`--scenario ${name} is not a scenario.`, `Use one of: ${names.join(', ')}.`);
  const repoDir = flags.get('repo-dir');
  const scenario =
    repoDir !== undefined
      ? await scenarioFromRepository(repoDir, flags)
      : name === 'self' || name === 'self-first'
        ? selfScenario(dirname(actionsDirectory()), { first: name === 'self-first' })
        : loadScenario(name);
  const mock = flags.has('mock');
  const actionCache = flags.has('actions-dir') ? resolve(flags.get('actions-dir') ?? '') : undefined;
  if (actionCache && !existsSync(actionCache))
    throw new UserError(`--actions-dir ${flags.get('actions-dir')}: there is no such folder.`, 'Give a folder holding owner/repo@ref trees of the actions your workflow uses.');
  if (flags.has('download-actions') && !(actionCache && caller))
    throw new UserError(
      '--download-actions needs --caller (the workflow whose actions to fetch) and --actions-dir (where they go).',
      'e.g. --caller .github/workflows/release.yml --actions-dir .relkit-actions --download-actions',
    );
  const token = process.env.GITHUB_TOKEN || process.env.GH_TOKEN;
  const downloadActions = flags.has('download-actions') ? { apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com', ...(token ? { token } : {}) } : undefined;
  const reportFile = flags.has('report') ? resolve(flags.get('report') ?? '') : undefined;
  if (reportFile !== undefined && (!flags.get('report') || !existsSync(dirname(reportFile)) || !reportFile.endsWith('.html'))) {
    throw new UserError(`--report ${flags.get('report') ?? ''}: give the path of an .html file in a folder that exists.`, 'e.g. --report rehearsal.html');
  }
  const actionsDir = actionsDirectory();
  const workflowFile = join(dirname(actionsDir), '.github', 'workflows', 'release.yml');
  const sandbox = await startSandbox({ seed: scenarioSeed(scenario) });
  let registry: LocalRegistry | undefined;
  const workdir = mkdtempSync(join(tmpdir(), 'relkit-rehearse-'));
  try {
    if (scenario.images || JSON.stringify(scenario.inputs).includes('{registry}')) registry = await startLocalRegistry();
    print(`Rehearsing ${scenario.name === 'repo-dir' ? scenario.title : `the ${scenario.name} release`} in a GitHub sandbox${registry ? ` with a registry at ${registry.host}` : ''}…`);
    if (scenario.assumed) print(`Assumed: ${scenario.assumed}.`);
    if (caller) print(`Running ${caller.name} as the repository's own workflow_dispatch workflow${secrets === 'github-token-only' ? ', with no App (GITHUB_TOKEN only)' : ''}.`);
    const record = await rehearse({
      scenario,
      sandbox,
      mock,
      actionsDir,
      workflowFile,
      workdir,
      secrets,
      ...(caller ? { caller } : {}),
      ...(actionCache ? { actionCache } : {}),
      ...(downloadActions ? { downloadActions, notify: print } : {}),
      ...(registry ? { registry } : {}),
      log: flags.has('verbose') ? (line) => print(`  ${line}`) : () => {},
    });
    print('');
    print(rehearsalReport(record, sandbox, scenario, mock));
    if (reportFile) {
      writeFileSync(reportFile, htmlReport(record, sandbox, scenario, mock));
      print(`Report: ${reportFile} (opens offline in any browser)`);
    }
    return record.result === 'success' ? 0 : 1;
  } finally {
    await registry?.stop();
    await sandbox.close();
    rmSync(workdir, { recursive: true, force: true });
  }
}
