import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The shape of a generated repository: Kata Containers' or MetalLB's, at their real size. */
export interface RepoShape {
  name: string;
  /** The GitHub repository its origin names. */
  origin: string;
  /** Pull requests merged with a merge commit ("Merge pull request #N from …"): two commits each. */
  pulls: number;
  /** Files in the tree: `dirs` top folders × `subdirs` × `perDir`. */
  dirs: number;
  subdirs: number;
  perDir: number;
  /** Files each pull request changes. */
  filesPerPull: number;
  /** Bytes of each file version (text). */
  fileBytes: number;
  /** An annotated release tag every this many pull requests. */
  tagEvery: number;
}

/** Kata Containers: ≥ 60,000 commits, ≥ 15,000 files, ≥ 500,000 objects, ≥ 2 GiB of blob content. */
export const KATA_SHAPE: RepoShape = {
  name: 'kata-shaped',
  origin: 'kata-containers/kata-containers',
  pulls: 30_250,
  dirs: 150,
  subdirs: 4,
  perDir: 25,
  filesPerPull: 12,
  fileBytes: 6_400,
  tagEvery: 500,
};
/** MetalLB: ~1,200 files, a few thousand commits. Both end with pull requests after the last tag, to release. */
export const METALLB_SHAPE: RepoShape = { name: 'metallb-shaped', origin: 'metallb/metallb', pulls: 2_050, dirs: 40, subdirs: 3, perDir: 10, filesPerPull: 4, fileBytes: 3_000, tagEvery: 100 };

function path(shape: RepoShape, file: number): string {
  const dir = Math.floor(file / (shape.subdirs * shape.perDir));
  const sub = Math.floor(file / shape.perDir) % shape.subdirs;
  return `pkg${dir}/sub${sub}/file${file % shape.perDir}.go`;
}

/** A file version: stable text with one line saying which pull request changed it last (small deltas, as real history has). */
function content(shape: RepoShape, file: number, pull: number): string {
  const lines: string[] = [`// ${path(shape, file)}: changed by pull request ${pull}`];
  let size = lines[0]!.length;
  for (let n = 0; size < shape.fileBytes; n++) {
    const line = `func f${file}_${n}(x int) int { return x*${n} + ${file} } // ${(file * 7919 + n * 104729) % 1000003}`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Generates the repository with `git fast-import` into a cached folder under the OS temp dir (a few
 * minutes for Kata's shape, once), and returns its git directory. Its history: an initial commit
 * with every file, then `pulls` pull requests, each a branch commit and a merge commit on main, an
 * annotated tag every `tagEvery`, VERSION and the kata-deploy chart bumped at each tag.
 */
export async function generatedRepository(shape: RepoShape): Promise<string> {
  const dir = join(tmpdir(), `relkit-${shape.name}-${shape.pulls}-${shape.dirs * shape.subdirs * shape.perDir}-${shape.fileBytes}`);
  if (existsSync(join(dir, 'done'))) {
    await run('git', ['-C', dir, 'config', 'remote.origin.url', `https://github.com/${shape.origin}.git`]);
    return dir;
  }
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  await run('git', ['init', '-q', '--bare', '-b', 'main', building]);
  const importer = spawn('git', ['fast-import', '--quiet', '--depth=50'], { cwd: building, stdio: ['pipe', 'inherit', 'inherit'] });
  const done = new Promise<void>((resolve, reject) => importer.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`)))));
  const stdin = importer.stdin;
  const write = (text: string) => (stdin.write(text) ? Promise.resolve() : new Promise<void>((resolve) => stdin.once('drain', resolve)));
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const files = shape.dirs * shape.subdirs * shape.perDir;
  let time = Date.UTC(2018, 0, 1) / 1000;
  const person = (who: string) => `${who} <${who}@users.noreply.github.com> ${(time += 600)} +0000`;
  const chart = (version: string) => `apiVersion: v2\nname: kata-deploy\nversion: "${version}"\nappVersion: "${version}"\n`;
  let mark = 1;
  let version = '3.0.0';
  let initial = `commit refs/heads/main\nmark :${mark}\ncommitter ${person('kata-bot')}\n${data('Initial import')}`;
  initial += `M 100644 inline VERSION\n${data(`${version}\n`)}M 100644 inline tools/packaging/kata-deploy/helm-chart/kata-deploy/Chart.yaml\n${data(chart(version))}`;
  await write(initial);
  for (let file = 0; file < files; file++) await write(`M 100644 inline ${path(shape, file)}\n${data(content(shape, file, 0))}`);
  await write('\n');
  let main = mark;
  for (let pull = 1; pull <= shape.pulls; pull++) {
    const author = `dev${pull % 97}`;
    const side = ++mark;
    let commit = `commit refs/heads/pr\nmark :${side}\ncommitter ${person(author)}\n${data(`Change ${pull}`)}from :${main}\n`;
    for (let k = 0; k < shape.filesPerPull; k++) {
      const file = (pull * 7919 + k * (files / shape.filesPerPull + 1)) % files;
      commit += `M 100644 inline ${path(shape, Math.floor(file))}\n${data(content(shape, Math.floor(file), pull))}`;
    }
    await write(`${commit}\n`);
    const merge = ++mark;
    await write(
      `commit refs/heads/main\nmark :${merge}\ncommitter ${person('kata-bot')}\n${data(`Merge pull request #${pull} from ${author}/topic-${pull}\n\nChange ${pull}`)}from :${main}\nmerge :${side}\n\n`,
    );
    main = merge;
    if (pull % shape.tagEvery === 0) {
      const minor = pull / shape.tagEvery;
      version = `3.${minor}.0`;
      const bump = ++mark;
      await write(
        `commit refs/heads/main\nmark :${bump}\ncommitter ${person('kata-bot')}\n${data(`release: Kata Containers ${version}`)}from :${main}\nM 100644 inline VERSION\n${data(`${version}\n`)}M 100644 inline tools/packaging/kata-deploy/helm-chart/kata-deploy/Chart.yaml\n${data(chart(version))}\n`,
      );
      main = bump;
      await write(`tag ${version}\nfrom :${bump}\ntagger ${person('kata-bot')}\n${data(`Kata Containers ${version}`)}`);
    }
  }
  stdin.end();
  await done;
  await run('git', ['-C', building, 'update-ref', '-d', 'refs/heads/pr']).catch(() => undefined);
  await run('touch', [join(building, 'done')]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  await run('git', ['-C', dir, 'config', 'remote.origin.url', `https://github.com/${shape.origin}.git`]);
  return dir;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}
