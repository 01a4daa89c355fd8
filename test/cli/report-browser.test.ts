/**
 * The deployment report in a real browser (Debian's chromium, driven by playwright-core; `.ci/run`
 * installs it): the charts render, the groups and the outcome show, nothing is logged as an error
 * and nothing is fetched — the file is self-contained.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { expect, test } from 'vitest';
import { cli, openWorld } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

test('the report of a rolled-back canary renders its charts, groups, outcome and cause, offline and without errors', async () => {
  // Prepare: a canary whose 5xx alarm fires at 10 %, and its report.
  const dir = mkdtempSync(join(tmpdir(), 'redblack-report-'));
  const artifact = join(dir, 'web-1.1.0.tgz');
  writeFileSync(artifact, 'web 1.1.0');
  const session = await openWorld('alarm-during-shift');
  const file = join(dir, 'report.html');
  try {
    const deployed = await cli(session, ['--stage', 'local', 'deploy', 'web-prod', '--release', '1.1.0', '--file', artifact, '--wait', '--json']);
    expect(deployed.code).toBe(3);
    const written = await cli(session, ['--stage', 'local', 'report', deployed.json.deployment, '-o', file]);
    expect(written.code).toBe(0);
  } finally {
    session.dispose();
  }

  // Act: open it in chromium, recording every request and console error.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1500 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const url = pathToFileURL(file).href;
    await page.goto(url);
    await page.waitForSelector('body[data-rendered="3"]', { timeout: 10_000 });
    if (process.env.REPORT_SCREENSHOT) await page.screenshot({ path: process.env.REPORT_SCREENSHOT, fullPage: true });

    // Assess
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    expect(await page.locator('.uplot canvas').count()).toBe(3);
    expect(await page.locator('#outcome').textContent()).toBe('rolled-back');
    expect(await page.locator('#groups').textContent()).toBe('web-prod-v001 → web-prod-v002');
    expect(await page.locator('#cause').textContent()).toContain('alarm in ALARM: web-prod-5xx');
    const legend = await page.locator('#chart-traffic .u-legend').textContent();
    expect(legend).toContain('web-prod-v001');
    expect(legend).toContain('web-prod-v002');
    // The healthy-targets chart has real points: the metric series reached the page.
    const data = JSON.parse((await page.locator('#data').textContent()) ?? '{}');
    const points = data.healthy['web-prod-v001'].length;
    expect(points).toBeGreaterThan(3);
  } finally {
    await browser.close();
  }
}, 60_000);

test('the report of a canary the judge failed charts its score per look and names the failing metric', async () => {
  // Prepare: 1.1.0 fails 1.5 % of requests, too few for the LB alarm; the judge rolls it back.
  const dir = mkdtempSync(join(tmpdir(), 'redblack-report-'));
  const artifact = join(dir, 'web-1.1.0.tgz');
  writeFileSync(artifact, 'web 1.1.0');
  const session = await openWorld('subtle-errors');
  const file = join(dir, 'report.html');
  try {
    const deployed = await cli(session, ['--stage', 'local', 'deploy', 'web-prod', '--release', '1.1.0', '--file', artifact, '--wait', '--json']);
    expect(deployed.code).toBe(3);
    expect((await cli(session, ['--stage', 'local', 'report', deployed.json.deployment, '-o', file])).code).toBe(0);
  } finally {
    session.dispose();
  }

  // Act
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1800 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-rendered="4"]', { timeout: 10_000 });

    // Assess
    expect(errors).toEqual([]);
    expect(await page.locator('#chart-judgments canvas').count()).toBe(1);
    expect(await page.locator('#chart-judgments .u-legend').textContent()).toContain('canary score');
    expect(await page.locator('#canary-failed').textContent()).toContain('CanaryFailed on errorRate');
    const looks = await page.locator('#judgments tbody tr').count();
    const data = JSON.parse((await page.locator('#data').textContent()) ?? '{}');
    expect(looks).toBe(data.judgments.length);
    expect(await page.locator('#judgments tbody tr').last().textContent()).toContain('fail');
  } finally {
    await browser.close();
  }
}, 60_000);
