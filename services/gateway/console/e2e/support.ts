import { expect, type Page } from '@playwright/test'
import { execFileSync } from 'node:child_process'

// Accounts made by deploy/local/console_e2e.sh on a fresh demo stack.
const password = process.env.ZIZHU_E2E_PASSWORD ?? ''
export const school = { login: 'e2e.school', password, scope: '3121000001' }
export const county = { login: 'e2e.county', password, scope: '210102' }
export const reviewer = { login: 'e2e.reviewer', password, scope: '3121000001' }
export const admin = { login: 'admin', password: process.env.ZIZHU_E2E_ADMIN_PASSWORD ?? '', scope: '2101' }
export const auditor = { login: 'other.auditor', password, scope: '210103' }
export const countyAuditor = { login: 'e2e.auditor', password, scope: '210102' }

// Logs in on the console's login page; the milliseconds from the click to the dashboard drawn.
export async function logIn(page: Page, who: { login: string; password: string }): Promise<number> {
  await page.goto('/login')
  await page.locator('input[data-test=login-name]').fill(who.login)
  await page.locator('input[data-test=login-password]').fill(who.password)
  const started = Date.now()
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL('**/')
  await page.waitForFunction(() => (window as any).__zizhuDashboardReady !== undefined)
  return Date.now() - started
}

// Asks the stack of console_e2e.sh for something (deploy/local/console_e2e_hooks.sh).
export function hook(what: 'week' | 'report'): string {
  const script = process.env.ZIZHU_E2E_HOOKS
  if (!script) throw new Error('ZIZHU_E2E_HOOKS is not set: run the tests with deploy/local/console_e2e.sh')
  return execFileSync(script, [what], { encoding: 'utf8', timeout: 180_000 }).trim()
}

// A national ID with its check digit (GB 11643); `wrong` spoils the digit.
// A national ID as every list shows it: the city's four digits and the last two
// (services/common/crypto/masking.h).
export function maskedId(id: string): string {
  return id.slice(0, 4) + '*'.repeat(id.length - 6) + id.slice(-2)
}

export function nationalId(body17: string, wrong = false): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...body17].reduce((s, d, i) => s + Number(d) * weights[i], 0)
  const codes = '10X98765432'
  const right = codes[sum % 11]
  return body17 + (wrong ? codes[(sum + 1) % 11] : right)
}

// A page's screenshot, and (in Chinese) the check that nothing on it is in
// English (english()).
export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: true })
  if (!name.endsWith('-en')) await expectChinese(page, name)
}

// Words of the rendered page in Latin letters that an operator reading
// Chinese would meet: English sentences, raw enum values (DROPPED_OUT), field
// names. Logins, ids and codes (with digits, dots or @), the language switch,
// file formats and the bootstrap account's login (admin) are not words.
const latinAllowed = new Set(['English', 'CSV', 'XLSX', 'JSON', 'GBK', 'UTF', 'KB', 'PDF', 'admin'])
export function latinWords(text: string): string[] {
  const words = text.match(/[A-Za-z0-9][A-Za-z0-9_.@:/-]*/g) ?? []
  return [...new Set(words)].filter((w) => /[A-Za-z]{3,}/.test(w) && !/[0-9.@/]/.test(w) && !latinAllowed.has(w))
}
export async function english(page: Page): Promise<string[]> {
  return latinWords(await page.locator('body').innerText())
}
export async function expectChinese(page: Page, where: string) {
  expect.soft(await english(page), `English on ${where} (${page.url()})`).toEqual([])
}

export { expect }

export async function pick(page: Page, select: string, option: string, typed?: string) {
  await page.locator(`[data-test=${select}]`).click()
  if (typed) await page.locator(`[data-test=${select}] input`).fill(typed)
  await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click()
}

// Says yes to the console's question before a bulk or irreversible step.
export async function confirm(page: Page, question: string | RegExp) {
  const box = page.locator('.el-message-box')
  await expect(box).toContainText(question)
  await box.getByRole('button', { name: '确定' }).click()
}

// The working group's decision on one application (nothing is preset): one
// click, accepted at a tier ('通过·1档') or rejected with a reason.
export async function decide(page: Page, name: string, decision: string, reason = '') {
  const row = page.locator('[data-test=applications] .el-table__body tr', { hasText: name })
  await row.locator('.el-radio-button').filter({ hasText: new RegExp(`^\\s*${decision}\\s*$`) }).click()
  if (reason) await row.locator('input[data-test=review-reason]').fill(reason)
}

// Runs `act` (a command on the round's page) and waits until the page has read its data again.
export async function andReload(page: Page, act: () => Promise<void>) {
  const before = await page.locator('[data-test=round-page]').getAttribute('data-loads')
  await act()
  await expect(page.locator('[data-test=round-page]')).not.toHaveAttribute('data-loads', before ?? '')
}

// Every application still awaiting review and not yet decided on the page: `decision` for each.
export async function decideTheRest(page: Page, decision: string): Promise<number> {
  const rows = page.locator('[data-test=applications] .el-table__body tr')
  const total = await rows.count()
  let decided = 0
  for (let i = 0; i < total; ++i) {
    const row = rows.nth(i)
    if (!(await row.textContent())?.includes('待评审')) continue
    if ((await row.locator('.el-radio-button.is-active').count()) > 0) continue
    await row.locator('.el-radio-button').filter({ hasText: new RegExp(`^\\s*${decision}\\s*$`) }).click()
    ++decided
  }
  return decided
}
