import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { relkit, ROOT } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch.js';

/** Debian's chromium, driven by puppeteer-core (which downloads nothing); test/system-tools.ts requires it. */
const CHROMIUM = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();

describe('rehearse --report: the run as one HTML page, checked in a real browser', () => {
  it('renders offline without errors, shows every job on the timeline, and every link lands', async () => {
    const dir = await scratchDir('report');
    const file = join(dir, 'metallb.html');
    const { code, stdout, stderr } = await relkit(['rehearse', '--caller', 'examples/metallb.yml', '--report', file]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`Report: ${file} (opens offline in any browser)`);
    expect(readFileSync(file, 'utf8')).not.toMatch(/<script|<link |src="http|url\(http/);

    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      const network: string[] = [];
      page.on('console', (message) => void (message.type() === 'error' && problems.push(message.text())));
      page.on('pageerror', (error) => problems.push(String(error)));
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        if (request.url().startsWith('file:')) return void request.continue();
        network.push(request.url());
        void request.abort();
      });
      await page.setViewport({ width: 1200, height: 900 });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

      // Run in the page (a string, so the tests compile without the DOM's types).
      const report = (await page.evaluate(`(() => ({
        rows: [...document.querySelectorAll('.timeline a.row')].map((a) => ({ job: a.getAttribute('data-job'), href: a.getAttribute('href'), bar: a.querySelector('.bar').getBoundingClientRect().width })),
        jobs: [...document.querySelectorAll('details.job')].map((d) => d.id),
        dangling: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href') || '').filter((href) => !href.startsWith('#') || !document.getElementById(href.slice(1))),
        notes: document.querySelector('#notes article')?.textContent ?? '',
        title: document.querySelector('h1')?.textContent ?? '',
      }))()`)) as { rows: Array<{ job: string | null; href: string | null; bar: number }>; jobs: string[]; dangling: string[]; notes: string; title: string };
      expect(problems).toEqual([]);
      expect(network).toEqual([]);
      expect(report.title).toMatch(/relkit rehearsal: metallb .*success/);
      // One timeline row per job section, each linking to it, each with a drawn bar; the release's own jobs are all there.
      expect(report.rows.map((r) => r.href)).toEqual(report.jobs.map((id) => `#${id}`));
      for (const row of report.rows) expect(row.bar, row.job ?? '').toBeGreaterThan(0);
      for (const job of ['plan', 'lock', 'bump', 'notes', 'draft', 'publish', 'unlock', 'summary'])
        expect(
          report.rows.some((r) => r.job?.endsWith(job)),
          job,
        ).toBe(true);
      expect(report.dangling).toEqual([]);
      expect(report.notes).toMatch(/\S/);

      const shot = join(dir, 'report.png');
      await page.screenshot({ path: shot });
      expect(readFileSync(shot).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      // Kept for people (and CI artifacts) to look at; .tmp/ is ignored by git.
      mkdirSync(join(ROOT, '.tmp'), { recursive: true });
      copyFileSync(shot, join(ROOT, '.tmp', 'rehearsal-report.png'));

      // Following a timeline link opens that job where it is.
      await page.click('.timeline a.row:nth-child(2)');
      expect(await page.evaluate('location.hash')).toBe(report.rows[1]!.href);
    } finally {
      await browser.close();
    }
  });
});
