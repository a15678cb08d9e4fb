import { test, expect } from '@playwright/test'
import { admin, andReload, auditor, confirm, county, decideTheRest, expectChinese, logIn, pick, reviewer, school } from './support'

test('a wrong password is refused with the reason', async ({ page }) => {
  await page.goto('/login')
  await page.locator('input[data-test=login-name]').fill(school.login)
  await page.locator('input[data-test=login-password]').fill('not the password')
  await page.locator('[data-test=login-submit]').click()
  await expect(page.getByText('登录失败')).toBeVisible()
  await expect(page.getByText('登录名或密码错误')).toBeVisible()  // the reason in the operator's language
  await expect(page.locator('body')).not.toContainText('password is wrong')
  await page.screenshot({ path: 'test-results/login-refused.png' })
  await expectChinese(page, 'login-refused.png')
})

test('a school operator sees the school, its students, and reveals an ID with a reason', async ({ page }) => {
  const firstPage = await logIn(page, school)
  console.log(`first page (login to dashboard drawn) in ${firstPage} ms`)
  await expect(page.locator('[data-test=who]')).toContainText('红星小学')  // the scope by its name
  await expect(page.locator('[data-test=tasks]')).toBeVisible()
  await expect(page.locator('.el-alert')).toHaveCount(0)  // the home page loads without an error
  await page.screenshot({ path: 'test-results/school-dashboard.png' })
  await expectChinese(page, 'school-dashboard.png')

  await page.getByRole('menuitem', { name: '学生' }).click()
  await page.locator('input[data-test=school-code]').fill(school.scope)
  await page.locator('[data-test=search]').click()
  const rows = page.locator('[data-test=students] .el-table__body tr')
  await expect(rows.first()).toBeVisible()
  await expect(rows.first()).toContainText('**********')  // masked national ID
  await page.screenshot({ path: 'test-results/school-students.png' })
  await expectChinese(page, 'school-students.png')

  // Another school's students: the service answers NOT_FOUND, shown on the field.
  await page.locator('input[data-test=school-code]').fill('3121000102')
  await page.locator('[data-test=search]').click()
  await expect(page.locator('.el-form-item__error')).toBeVisible()

  await page.locator('input[data-test=school-code]').fill(school.scope)
  await page.locator('[data-test=search]').click()
  await rows.first().getByRole('link').click()
  const id = page.locator('[data-test=national-id]')
  await expect(id).toContainText('**********')
  await page.locator('[data-test=reveal]').click()
  await expect(page.getByText('请填写查看原因')).toBeVisible()
  await page.locator('input[data-test=reveal-reason]').fill('核对资助申请表')
  await page.locator('[data-test=reveal]').click()
  await expect(id).toHaveText(/^\d{17}[\dX]$/)
  await page.screenshot({ path: 'test-results/school-student-revealed.png' })
  await expectChinese(page, 'school-student-revealed.png')

  // A corrected bank card (issue 22): saved, shown masked with its new last digits.
  await page.locator('[data-test=fix-save]').click()
  await expect(page.getByText('没有要保存的更改')).toBeVisible()
  await page.locator('input[data-test=fix-bank-card]').fill('6228480010000123457')
  await page.locator('[data-test=fix-save]').click()
  await expect(page.getByText('已保存')).toBeVisible()
  await expect(page.locator('[data-test=student-detail]')).toContainText('3457')
  await page.screenshot({ path: 'test-results/school-student-card-corrected.png' })
  await expectChinese(page, 'school-student-card-corrected.png')
})

test('a county officer sees the rates against target and the dropout ledger, in English too', async ({ page }) => {
  test.setTimeout(300_000)  // two report runs read every topic
  await logIn(page, county)
  await expect(page.locator('[data-test=rates-chart] canvas')).toBeVisible()
  await expect(page.locator('[data-test=rates-table]')).toContainText('和平区')  // the county by name (code on hover)
  await page.screenshot({ path: 'test-results/county-dashboard.png' })
  await expectChinese(page, 'county-dashboard.png')
  await page.getByRole('menuitem', { name: '控辍保学' }).click()
  await expect(page.locator('[data-test=cases] .el-table__body tr').first()).toBeVisible()
  await expect(page.locator('[data-test=cases]')).not.toContainText('210103')  // another county's cases
  await page.screenshot({ path: 'test-results/county-dropout.png' })
  await expectChinese(page, 'county-dropout.png')
  // The county's own reports only; one downloads.
  await page.getByRole('menuitem', { name: '报表' }).click()
  const links = page.locator('[data-test=report-link]')
  await expect(links.first()).toBeVisible()
  const files = await links.evaluateAll((as) => as.map((a) => a.getAttribute('data-file') ?? ''))
  for (const name of files) expect(name).toContain('county-210102')
  await expect(page.locator('[data-test=reports]')).toContainText('和平区')  // the scope by its name
  await expect(page.locator('[data-test=reports]')).not.toContainText('county-210102')
  const xlsx = files.find((n) => n.endsWith('.xlsx'))!
  const download = await page.request.get(`/api/v1/reports/${xlsx}`)
  expect(download.status()).toBe(200)
  expect((await download.body()).subarray(0, 2).toString()).toBe('PK')  // a zip: the XLSX package
  expect((await page.request.get(`/api/v1/reports/${xlsx.replace('county-210102', 'county-210103')}`)).status()).toBe(404)

  // The county makes this month's report in the browser, downloads it and signs its figures off.
  await page.locator('[data-test=report-make-button]').click()
  await expect(page.locator('[data-test=report-made]')).toBeVisible({ timeout: 120_000 })
  await expect(page.locator('[data-test=report-made]')).toContainText('月调度 · 和平区')
  const [made] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=report-made-xlsx]').click()])
  expect(made.suggestedFilename()).toMatch(/^monthly-\d{4}-\d{2}-county-210102\.xlsx$/)
  await page.locator('input[data-test=report-sign-note]').fill('已核对本月数据')
  await page.locator('[data-test=report-sign]').click()
  await expect(page.locator('[data-test=report-signed]')).toContainText('已签字确认', { timeout: 120_000 })
  await page.screenshot({ path: 'test-results/county-reports.png' })
  await expectChinese(page, 'county-reports.png')
  await page.locator('[data-test=lang]').click()
  await expect(page.getByRole('menuitem', { name: 'Dropout ledger' })).toBeVisible()
  await page.screenshot({ path: 'test-results/county-dropout-en.png' })
  await page.locator('[data-test=logout]').click()
  await page.waitForURL('**/login')
  const res = await page.request.post('/api/v1/dropout/ListCases', { data: {} })
  expect(res.status()).toBe(401)
})

test('the working group reviews the round within the quota; the county approves only after the public notice', async ({ page }) => {
  await logIn(page, reviewer)
  await page.getByRole('menuitem', { name: '资助评审' }).click()
  await pick(page, 'semester', '2027年春季学期')
  await page.locator('[data-test=rounds]').getByRole('link', { name: '红星小学 · 2027年春季学期' }).click()
  await expect(page.locator('[data-test=quota]')).toContainText('/ 2')
  const rows = page.locator('[data-test=applications] .el-table__body tr')
  await expect(rows.first()).toBeVisible()
  await page.screenshot({ path: 'test-results/reviewer-round.png' })
  await expectChinese(page, 'reviewer-round.png')
  await page.getByRole('tab', { name: '待申请的建档立卡学生' }).click()
  await page.screenshot({ path: 'test-results/reviewer-todo.png' })
  await expectChinese(page, 'reviewer-todo.png')
  await page.getByRole('tab', { name: '申请', exact: true }).click()
  // Without reviewers' names the form says so; then the review goes through.
  await page.locator('[data-test=submit-review]').click()
  await expect(page.getByText('请填写评审人')).toBeVisible()
  await page.locator('input[data-test=reviewers]').fill('王老师, 李主任')
  // Each application decided one by one (nothing is preset): all accepted at tier 1, a page at a
  // time (those awaiting review are listed first).
  for (let round = 0; round < 20 && (await rows.filter({ hasText: '待评审' }).count()) > 0; ++round) {
    const decided = await decideTheRest(page, '通过·1档')
    await andReload(page, async () => {
      await page.locator('[data-test=submit-review]').click()
      await confirm(page, `通过 ${decided} 人`)
    })
  }
  await expect(page.locator('[data-test=applications]')).not.toContainText('待评审')
  await page.screenshot({ path: 'test-results/reviewer-reviewed.png' })
  await expectChinese(page, 'reviewer-reviewed.png')
  // Approval is the education bureau's (not the working group's) and comes after the week of
  // public notice: the county officer's approval now is refused, with the service's reason.
  await expect(page.locator('[data-test=approve]')).toHaveCount(0)
  await page.locator('[data-test=logout]').click()
  await logIn(page, county)
  await page.goto('/aid/' + encodeURIComponent('3121000001/2027-spring'))
  await page.locator('[data-test=approve]').click()
  await confirm(page, '不能撤回')
  await expect(page.locator('[data-test=approve-error]')).not.toBeEmpty()
  console.log(`approval refused: ${await page.locator('[data-test=approve-error]').textContent()}`)
  await page.screenshot({ path: 'test-results/county-approve-refused.png' })
  await expectChinese(page, 'county-approve-refused.png')
})

test('the city administrator creates and locks an account; an auditor reads the audit; pairing progress', async ({ page }) => {
  await logIn(page, admin)
  await page.getByRole('menuitem', { name: '账号管理' }).click()
  await page.locator('input[data-test=account-login]').fill('e2e.clerk')
  await page.locator('[data-test=account-create]').click()
  await expect(page.locator('.el-form-item__error')).toContainText('必填')  // scope and password missing
  await page.locator('input[data-test=account-scope]').fill('3121000001')
  await page.locator('input[data-test=account-password]').fill('a long enough passphrase 2026')
  await page.locator('[data-test=account-create]').click()
  const row = page.locator('[data-test=accounts] .el-table__body tr', { hasText: 'e2e.clerk' })
  await expect(row).toBeVisible()
  await row.getByRole('button', { name: '锁定' }).click()
  await page.locator('.el-message-box input').fill('调离岗位')
  await page.locator('.el-message-box .el-button--primary').click()
  await expect(row).toContainText('已锁定')
  await page.screenshot({ path: 'test-results/admin-accounts.png' })
  await expectChinese(page, 'admin-accounts.png')

  await page.getByRole('menuitem', { name: '城乡结对' }).click()
  await page.locator('input[data-test=plan-id]').fill('2101/2026-2028')
  await page.locator('[data-test=plan-search]').click()
  await expect(page.locator('[data-test=plan-progress]')).toContainText('1 / 100')
  await expect(page.locator('[data-test=pairs] .el-table__body tr').first()).toBeVisible()
  await page.screenshot({ path: 'test-results/admin-pairing.png' })
  await expectChinese(page, 'admin-pairing.png')
  await page.locator('[data-test=logout]').click()

  // The auditor of county 210103 reads the reveals of that county only.
  await logIn(page, auditor)
  await page.getByRole('menuitem', { name: '审计日志' }).click()
  await expect(page.locator('[data-test=audit]')).toBeVisible()
  await expect(page.locator('[data-test=audit]')).not.toContainText('e2e.school')
  // And the bank files exported in its county only (county 210102's are not its own).
  await expect(page.locator('[data-test=audit-exports]')).toBeVisible()
  await expect(page.locator('[data-test=audit-exports]')).not.toContainText('210102')
  await page.screenshot({ path: 'test-results/auditor-audit.png' })
  await expectChinese(page, 'auditor-audit.png')
})
