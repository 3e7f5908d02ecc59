import { defineConfig } from '@playwright/test';

// Browser end-to-end tests for Talentflyt. Normally started through run.sh, which
// starts the OIDC provider and the app and sets the E2E_* variables below.
//
//   E2E_BASE_URL      the app (default http://127.0.0.1:8181)
//   E2E_OUTBOX_DIR    TALENTFLYT_OUTBOX_DIR of the running app (for the e-mail check)
//   E2E_OIDC_ISSUER   the test OpenID Connect provider (default http://127.0.0.1:9400)
//   CHROMIUM_PATH     the browser (default /usr/bin/chromium, Debian's package)
//   E2E_JSON_REPORT   if set, also write a JSON report there

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const baseURL = process.env.E2E_BASE_URL || 'http://127.0.0.1:8181';

const reporter: any[] = [['list']];
if (process.env.E2E_JSON_REPORT) reporter.push(['json', { outputFile: process.env.E2E_JSON_REPORT }]);

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter,
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    baseURL,
    locale: 'nb-NO',
    timezoneId: 'Europe/Oslo',
    headless: true,
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    {
      name: 'chromium',
    },
  ],
});
