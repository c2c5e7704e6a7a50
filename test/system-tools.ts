import { execFileSync } from 'node:child_process';

/** The system tools the tests use, and how Debian installs each (`.ci/run` installs them all). */
const TOOLS: Array<{ name: string; why: string; install: string }> = [
  { name: 'git', why: 'seeds the sandbox from repositories, checkouts', install: 'apt-get install git' },
  { name: 'docker-registry', why: 'the real OCI registry wait-for-images and promote-pr are tested against', install: 'apt-get install docker-registry' },
  { name: 'skopeo', why: 'inspects what the registry holds', install: 'apt-get install skopeo' },
  { name: 'openssl', why: "the registry's token-auth certificate", install: 'apt-get install openssl' },
  { name: 'jq', why: "release.yml's run: steps (present on GitHub's runners)", install: 'apt-get install jq' },
  { name: 'make', why: "the examples' build commands", install: 'apt-get install make' },
  { name: 'unzip', why: "checks the sandbox's zipball", install: 'apt-get install unzip' },
  { name: 'curl', why: "release.yml's run: steps", install: 'apt-get install curl' },
  { name: 'tar', why: "checks the sandbox's tarball, actions/checkout's download", install: 'apt-get install tar' },
  { name: 'chromium', why: "renders rehearse --report's HTML page in a real browser (driven by puppeteer-core)", install: 'apt-get install chromium' },
];

/**
 * Runs once before any test file: a missing tool fails the run at once, naming every missing tool
 * and its install command, rather than failing (or skipping) tests one by one.
 */
export default function requireSystemTools(): void {
  const missing = TOOLS.filter(({ name }) => {
    try {
      execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new Error(
      `The tests need system tools that are not installed:\n${missing.map((t) => `  - ${t.name} (${t.why}): ${t.install}`).join('\n')}\nOn Debian, \`bash .ci/run\` installs them all and runs the tests.`,
    );
  }
}
