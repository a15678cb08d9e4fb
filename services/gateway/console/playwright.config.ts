import { defineConfig } from '@playwright/test'

// Debian's Chromium (Playwright's own browsers cannot be downloaded here);
// the stack is started by deploy/local/console_e2e.sh, which passes its URL.
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: process.env.ZIZHU_CONSOLE_URL ?? 'https://127.0.0.1:8443',
    ignoreHTTPSErrors: true, // the local CA of .run/keys/tls
    launchOptions: { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' },
    screenshot: 'only-on-failure',
    locale: 'zh-CN',
  },
})
