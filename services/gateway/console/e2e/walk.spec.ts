import { test, type Page } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { auditor, confirm, county, countyAuditor, decide, decideTheRest, expect, latinWords, hook, logIn, maskedId, nationalId, pick, reviewer, school, screenshot } from './support'

// The main flows, walked in order by the people who do them: the school's
// operator imports its roster; the county sees the gap list and opens the
// school's round; the school records the applications of the registered-poor
// students on its to-do list, the working group reviews, the school publishes
// the notice and settles an objection; a week later (the services restart with
// their clocks ahead) the county approves, funds the account, sends a batch to
// the bank and reads the bank's return; the school records a pupil's dropout
// and return and the case is crossed off; the county's report counts it.
test.describe.configure({ mode: 'serial' })
test.setTimeout(240_000)

const round = '3121000001/2027-autumn'
const roundPage = '/aid/' + encodeURIComponent(round)
// Two new pupils of 红星小学 from a registered-poor household, and a row with a wrong check digit.
// (The 17th digit of an ID is odd for a boy, even for a girl.)
const stamp = String(10 + (Date.now() % 89))
const pupilA = { name: '测试甲', id: nationalId(`21010220180305${stamp}1`) }
const pupilB = { name: '测试乙', id: nationalId(`21010220180306${stamp}2`) }
const broken = nationalId(`21010220180307${stamp}4`, true)
// A boarding pupil of a household that is not registered-poor: a hardship application within the
// quota (the policy aids hardship pupils of primary schools who board).
const pupilC = { name: '测试丁', id: nationalId(`21010220180308${stamp}3`) }
const roster = [
  '姓名,公民身份号码,性别,出生日期,民族,学校标识码,学段,年级,班级,是否寄宿,学籍状态,户编号,贫困类别,一卡通账号,联系电话,监护人姓名',
  `${pupilA.name},${pupilA.id},男,2018-03-05,汉族,3121000001,小学,2,1班,否,在籍,H210102001,建档立卡,6217000000000${stamp}01,13800000001,户主1`,
  `${pupilB.name},${pupilB.id},女,2018-03-06,汉族,3121000001,小学,2,1班,否,在籍,H210102001,建档立卡,6217000000000${stamp}02,13800000002,户主1`,
  `测试丙,${broken},女,2018-03-07,汉族,3121000001,小学,2,1班,否,在籍,H210102001,建档立卡,6217000000000${stamp}03,13800000003,户主1`,
  `${pupilC.name},${pupilC.id},男,2018-03-08,汉族,3121000001,小学,2,2班,是,在籍,H210102002,,6217000000000${stamp}04,13800000004,户主2`,
].join('\n') + '\n'

async function menu(page: Page, name: string) {
  await page.getByRole('menuitem', { name }).click()
}

// Reloads until `check` passes (the services follow each other's topics).
async function eventually(page: Page, check: () => Promise<void>) {
  await expect(async () => {
    await page.reload()
    await check()
  }).toPass({ timeout: 45_000, intervals: [500, 1000, 2000] })
}

test('the school previews its roster, then imports it: progress, and the broken row with its reason', async ({ page }) => {
  await logIn(page, school)
  await menu(page, '名单导入')
  // Preview first: every row checked, nothing registered; then one click imports.
  await page.locator('[data-test=import-dry-run]').click()
  // The school's export names the ID column its own way: the import says which column is missing, in
  // Chinese; the operator maps it to the file's column, and the same file is read again.
  await page.locator('[data-test=import-file]').setInputFiles({
    name: 'e2e-students.csv', mimeType: 'text/csv', buffer: Buffer.from(roster.replace('公民身份号码', '学生证件编号')),
  })
  await expect(page.locator('[data-test=import-failed]')).toContainText('缺少必填栏目：身份证号')
  await pick(page, 'map-national_id', '学生证件编号')
  await page.locator('[data-test=import-mapped]').click()
  await expect(page.locator('[data-test=import-preview]')).toContainText('可导入 3 行，行错误 1 行（尚未导入）')
  await expect(page.locator('[data-test=import-mapping-used]')).toContainText('身份证号 ← 学生证件编号')
  await page.locator('[data-test=import-mapping-clear]').click()
  await expect(page.locator('[data-test=import-mapping-used]')).toHaveCount(0)
  // The file as the registry's template names it.
  await page.locator('[data-test=import-file]').setInputFiles({
    name: 'e2e-students.csv', mimeType: 'text/csv', buffer: Buffer.from(roster),
  })
  await expect(page.locator('[data-test=import-preview]')).toContainText('可导入 3 行，行错误 1 行（尚未导入）')
  await expect(page.locator('[data-test=import-errors] .el-table__body tr')).toHaveCount(1)
  await page.locator('[data-test=import-confirm]').click()
  await expect(page.locator('[data-test=import-preview]')).toHaveCount(0)
  await expect(page.locator('[data-test=import-counts]')).toContainText('行错误 1')
  const errors = page.locator('[data-test=import-errors] .el-table__body tr')
  await expect(errors).toHaveCount(1)
  await expect(errors.first()).toContainText('4')  // the file's line
  await expect(page.locator('[data-test=import-counts]')).toContainText('已导入 3')
  await screenshot(page, 'walk-01-school-import')
})

test('the county sees the gap list and opens the school\'s round', async ({ page }) => {
  await logIn(page, county)
  await menu(page, '名单导入')
  const gaps = page.locator('[data-test=match-results] .el-table__body tr')
  await expect(gaps.first()).toBeVisible()
  await expect(page.locator('[data-test=match-results]')).not.toContainText('210103')
  await screenshot(page, 'walk-02-county-gap-list')

  await menu(page, '资助评审')
  await pick(page, 'semester', '2027年秋季学期')
  await pick(page, 'open-school', '红星小学', '红星')  // by its name, not its code
  await page.locator('[data-test=open-quota] input').fill('2')
  await page.locator('[data-test=open-round]').click()
  await expect(page.locator('[data-test=rounds]')).toContainText('红星小学 · 2027年秋季学期')
  await expect(page.locator('[data-test=rounds]')).toContainText('0 / 2')
})

test('the school records the applications of its to-do list; the list empties', async ({ page }) => {
  await logIn(page, school)
  await page.goto(roundPage)
  await page.getByRole('tab', { name: '待申请的建档立卡学生' }).click()
  await expect(page.locator('[data-test=todo]')).toContainText('测*甲')  // the pupil imported above
  await page.locator('[data-test=todo] .el-table__header .el-checkbox').click()
  await page.locator('[data-test=record-applications]').click()
  await expect(page.locator('.el-form-item__error')).toContainText('盖章单位')
  await page.locator('input[data-test=stamped-by]').fill('红旗村委会')
  await page.locator('input[data-test=scan-ref]').fill('scan/2027-autumn')
  await page.locator('[data-test=record-applications]').click()
  await expect(page.locator('[data-test=todo-total]')).toHaveText('0')

  // A hardship application: a pupil found by name who is not registered-poor.
  await page.getByRole('tab', { name: '申请', exact: true }).click()
  await page.locator('[data-test=hardship-apply]').click()
  await expect(page.locator('[data-test=hardship-form] .el-form-item__error')).toContainText('困难学生')
  await pick(page, 'hardship-student', '测试丁', '测')
  await page.locator('input[data-test=hardship-stamped-by]').fill('红旗村委会')
  await page.locator('input[data-test=hardship-scan-ref]').fill('scan/2027-autumn/hardship-1')
  await page.locator('[data-test=hardship-apply]').click()
  await expect(page.locator('[data-test=applications]')).toContainText('测*丁')
  await screenshot(page, 'walk-03-school-applications')
})

test('the working group reviews', async ({ page }) => {
  await logIn(page, reviewer)
  await page.goto(roundPage)
  await expect(page.locator('[data-test=applications]')).toContainText('待评审')
  await page.locator('input[data-test=reviewers]').fill('王老师, 李主任')
  await page.locator('[data-test=submit-review]').click()  // nothing is preset: nothing decided yet
  await expect(page.locator('.el-form-item__error')).toContainText('请逐一选择评审结论')
  await decide(page, '测*甲', '通过·1档')
  await decide(page, '测*乙', '不通过', '家长表示已由外省资助，自愿放弃')
  await decide(page, '测*丁', '通过·1档')
  const others = await decideTheRest(page, '通过·1档')  // the school's other registered-poor pupils
  await page.locator('[data-test=submit-review]').click()
  await confirm(page, `通过 ${others + 2} 人，不通过 1 人`)
  await expect(page.locator('[data-test=applications]')).not.toContainText('待评审')
  await expect(page.locator('[data-test=quota]')).toContainText('1 / 2')  // the hardship pupil uses the quota
})

test('the school publishes the notice and settles an objection; approval waits for the week', async ({ page }) => {
  await logIn(page, school)
  await page.goto(roundPage)
  await page.getByRole('tab', { name: '公示' }).click()
  await page.locator('[data-test=publish-notice]').click()
  await confirm(page, '公示期七天')
  const listed = page.locator('[data-test=notice] .el-table__body tr')
  await expect(listed.first()).toBeVisible()
  await expect(page.locator('[data-test=notice]')).toContainText('测*甲')
  await expect(page.locator('[data-test=notice]')).toContainText('测*丁')
  await expect(page.locator('[data-test=notice]')).not.toContainText('测*乙')  // rejected: not on the notice
  await expect(page.locator('[data-test=notice-closes]')).not.toBeEmpty()
  // The notice to post at the school: names and IDs masked.
  const [printable] = await Promise.all([page.waitForEvent('popup'), page.locator('[data-test=print-notice]').click()])
  await expect(printable.locator('h1')).toContainText('红星小学 2027年秋季学期 家庭经济困难学生资助公示')
  await expect(printable.locator('tbody tr')).toHaveCount(await listed.count())
  await expect(printable.locator('body')).not.toContainText(pupilA.name)
  await printable.close()
  await pick(page, 'objection-student', '测*甲')
  await page.locator('input[data-test=objection-reason]').fill('家中新购轿车')
  await page.locator('input[data-test=objection-by]').fill('村民张某')
  await page.locator('[data-test=objection-raise]').click()
  await expect(page.locator('[data-test=objections]')).toContainText('家中新购轿车')
  await page.locator('input[data-test=objection-note]').fill('经核实车辆为亲属所有，异议不成立')
  await page.locator('[data-test=objection-resolve]').click()
  // Settled: the outcome and the note as text, no form left on the row.
  await expect(page.locator('[data-test=objection-resolve]')).toHaveCount(0)
  await expect(page.locator('[data-test=objections]')).toContainText('异议不成立 经核实车辆为亲属所有')
  await screenshot(page, 'walk-04-school-notice')

  await page.locator('[data-test=logout]').click()
  await logIn(page, county)
  await page.goto(roundPage)
  await page.locator('[data-test=approve]').click()
  await confirm(page, '不能撤回')
  await expect(page.locator('[data-test=approve-error]')).toContainText('公示期内不能批复')  // said in Chinese
})

test('a week later: approval waits for the rejected pupil\'s reason; the school records it; the county approves', async ({ page }) => {
  hook('week')
  await logIn(page, county)
  // The county's tasks: the round's notice has closed, and a registered-poor pupil is not covered.
  await pick(page, 'dashboard-semester', '2027年秋季学期')
  const tasks = page.locator('[data-test=tasks]')
  await expect(tasks).toContainText('红星小学 · 2027年秋季学期 有 1 名建档立卡学生既无申请也无原因')
  // The notice's task (公示中, or 待批复 once the browser's clock has passed its close too: the
  // services' clocks are a week ahead here) leads to the round.
  await tasks.locator('[data-test=task]', { hasText: /红星小学 · 2027年秋季学期 公示/ }).getByRole('link').click()
  await expect(page).toHaveURL(new RegExp(encodeURIComponent(round)))
  await page.locator('[data-test=approve]').click()
  await confirm(page, '名学生生成资助资格')
  // The rejected registered-poor pupil has neither aid nor a recorded reason (said in Chinese, the school by name).
  await expect(page.locator('[data-test=approve-error]')).toContainText('既无申请也未登记原因')
  await expect(page.locator('[data-test=approve-error]')).toContainText('红星小学')
  await page.locator('[data-test=logout]').click()

  await logIn(page, school)
  await page.goto(roundPage)
  await page.getByRole('tab', { name: '待申请的建档立卡学生' }).click()
  const rejected = page.locator('[data-test=todo] .el-table__body tr', { hasText: '测*乙' })
  await expect(rejected).toContainText('外省资助')  // why the group said no
  await rejected.locator('.el-checkbox').click()
  await pick(page, 'coverage-kind', '已在他处受助')
  await page.locator('input[data-test=coverage-note]').fill('外省户籍地已资助本学期')
  await page.locator('[data-test=record-reasons]').click()
  await expect(page.locator('[data-test=todo-total]')).toHaveText('0')
  await page.locator('[data-test=logout]').click()

  await logIn(page, county)
  await page.goto(roundPage)
  await page.locator('[data-test=approve]').click()
  await confirm(page, '名学生生成资助资格')
  await expect(page.locator('[data-test=round]')).toContainText('已批复')
  await screenshot(page, 'walk-05-county-approved')
})

test('the county funds the account, sends a batch to the bank and reads its return: reconciled', async ({ page }) => {
  await logIn(page, county)
  await menu(page, '资金发放')
  const account = page.locator('[data-test=pay-accounts] .el-table__body tr', { hasText: '市级' })
  await eventually(page, async () => {
    await pick(page, 'pay-semester', '2027年秋季学期')
    await expect(account).toBeVisible({ timeout: 2000 })
  })
  await expect(account).toContainText('和平区')  // the county by its name
  await expect(account.locator('[data-test=pay-awaiting]')).not.toContainText(' · 0.00')  // what the waiting payments need
  await account.locator('[data-test=pay-open]').click()
  await page.locator('input[data-test=allocate-yuan]').fill('100,000')  // as offices write amounts
  await page.locator('input[data-test=allocate-document]').fill('沈财教〔2027〕1号')
  // A double click allocates once (issue 23): one request id per form, the button busy while in flight,
  // and the service records an allocation notice once per account.
  await page.locator('[data-test=allocate]').dblclick()
  await expect(account).toContainText('100000.00')
  await page.locator('[data-test=allocate]').click()  // the same notice again, later
  await expect(page.locator('.el-form-item__error')).toContainText('已登记')
  await expect(account).not.toContainText('200000.00')
  await pick(page, 'batch-bank', '沈阳农商银行', '沈阳农商银行')  // typed: a bank not used before
  await page.locator('[data-test=batch-build]').click()
  await confirm(page, '沈阳农商银行')
  const batch = page.locator('[data-test=pay-batches] .el-table__body tr').first()
  await expect(batch).toBeVisible()

  // The bank file (GBK CSV) as the bank would get it; its return: all paid but the last line.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=bank-file]').first().click()])
  const sent = new TextDecoder('gbk').decode(readFileSync(await download.path()))
  const lines = sent.trim().split(/\r?\n/).slice(1).filter((l) => !l.startsWith('合计'))
  expect(lines.length).toBeGreaterThan(1)
  let paid = 0
  const back = lines.map((l, i) => {
    const [reference, , , amount] = l.split(',')
    if (i < lines.length - 1) paid += Math.round(Number(amount) * 100)
    return i < lines.length - 1 ? `${reference},成功,${amount},` : `${reference},失败,${amount},账户已销户`
  })
  const total = lines.reduce((s, l) => s + Math.round(Number(l.split(',')[3]) * 100), 0)
  const returned = ['参考号,结果,金额,原因', ...back, `合计,${lines.length},${(total / 100).toFixed(2)}`].join('\n') + '\n'
  await page.locator('[data-test=return-file]').setInputFiles({
    name: 'return.csv', mimeType: 'text/csv', buffer: Buffer.from(returned),
  })
  await expect(batch).toContainText(`${lines.length - 1} · ${(paid / 100).toFixed(2)}`)
  await expect(account.locator('[data-test=pay-balanced]')).toHaveText('已平衡')
  await expect(page.locator('[data-test=pay-failed] .el-table__body tr')).toHaveCount(1)
  await expect(page.locator('[data-test=pay-failed]')).toContainText('账户已销户')
  await expect(page.locator('[data-test=pay-failed]')).toContainText('红星小学')
  await expect(page.locator('[data-test=pay-failed]')).not.toContainText('stu_')
  await screenshot(page, 'walk-06-county-reconciled')

  // The closed card corrected from the queue's link, and the payment sent again.
  await page.locator('[data-test=pay-failed] [data-test=correct-card]').click()
  await page.locator('input[data-test=fix-bank-card]').fill(`6228480000000${stamp}99`)
  await page.locator('[data-test=fix-save]').click()
  await expect(page.locator('[data-test=correct-form]')).not.toContainText('输入有误')
  await page.goBack()
  await eventually(page, async () => {
    await pick(page, 'pay-semester', '2027年秋季学期')
    await account.locator('[data-test=pay-open]').click()
    await expect(page.locator('[data-test=card-corrected]')).toBeVisible({ timeout: 2000 })
  })
  await page.locator('[data-test=pay-failed] .el-table__body .el-checkbox').first().click()
  await page.locator('input[data-test=retry-note]').fill('户主已补办新卡')
  await page.locator('[data-test=retry]').click()
  await confirm(page, '1 笔')
  await expect(page.locator('[data-test=pay-failed] .el-table__body tr')).toHaveCount(0)
  await expect(account.locator('[data-test=pay-pending]')).toHaveText('1')  // pending again, for the next batch
})

test('the county\'s auditor finds the bank file in the audit; another county\'s auditor does not', async ({ page }) => {
  await logIn(page, countyAuditor)
  await menu(page, '审计日志')
  const exports = page.locator('[data-test=audit-exports]')
  await expect(exports).toContainText('county_officer:e2e.county')
  await expect(exports).toContainText('和平区')  // the county by its name
  await screenshot(page, 'walk-07-auditor-exports')
  await page.locator('[data-test=logout]').click()
  await logIn(page, auditor)
  await menu(page, '审计日志')
  await expect(page.locator('[data-test=audit-exports]')).toBeVisible()
  await expect(page.locator('[data-test=audit-exports]')).not.toContainText('county_officer:e2e.county')
})

test('the school records a pupil\'s dropout and return; the case is crossed off', async ({ page }) => {
  await logIn(page, school)
  await menu(page, '学生')
  await page.locator('input[data-test=school-code]').fill(school.scope)
  await page.locator('[data-test=search]').click()
  // Its masked ID and its name (the mask keeps two digits: the ID alone may match another pupil's).
  const row = page.locator('[data-test=students] .el-table__body tr', { hasText: maskedId(pupilB.id) })
    .filter({ hasText: '测试乙' })  // the school's own operator sees the name in full
  await row.getByRole('link').click()
  await pick(page, 'status-select', '辍学')
  await page.locator('input[data-test=status-reason]').fill('随父母外出务工')
  await page.locator('[data-test=status-change]').click()
  await expect(page.locator('[data-test=student-detail]')).toContainText('辍学')

  // The ledger opens the case by itself from the registry's record.
  await menu(page, '控辍保学')
  const caseRow = page.locator('[data-test=cases] .el-table__body tr', { hasText: '测*乙' })
  await eventually(page, async () => expect(caseRow).toBeVisible({ timeout: 2000 }))
  await caseRow.getByRole('link').click()
  await page.locator('input[data-test=team-teacher]').fill('王老师')
  await page.locator('input[data-test=team-cadre]').fill('红旗村支书刘某')
  await page.locator('input[data-test=team-guardian]').fill('户主1')
  await page.locator('[data-test=team-assign]').click()
  await page.locator('input[data-test=visit-visitors]').fill('王老师, 刘某')
  await page.locator('input[data-test=visit-agreed]').fill('家长同意下周返校')
  await page.locator('input[data-test=visit-next]').fill('班主任确认到校')
  await page.locator('[data-test=visit-record]').click()
  await expect(page.locator('[data-test=visits] .el-table__body tr')).toHaveCount(1)
  // Not back at school yet: the case cannot be crossed off.
  await page.locator('input[data-test=cross-off-note]').fill('已返校')
  await page.locator('[data-test=cross-off]').click()
  await expect(page.locator('.el-form-item__error')).toContainText('不能销号')  // the refusal, in the operator's language
  await expect(page.locator('.el-form-item__error')).not.toContainText('cannot be crossed off')
  // The case names its pupil (a link to the pupil's page) and its school by name.
  await expect(page.locator('[data-test=case-student]')).toHaveText('测*乙')
  await expect(page.locator('[data-test=case]')).toContainText('红星小学')
  // The return recorded from the case itself; the registry's record becomes its evidence.
  await page.locator('input[data-test=return-reason]').fill('经三帮一劝返复学')
  await page.locator('[data-test=return-record]').click()
  await expect(page.locator('[data-test=case-evidence]')).toContainText('已返校', { timeout: 20_000 })
  await page.locator('input[data-test=cross-off-note]').fill('学生已返校就读')
  await page.locator('[data-test=cross-off]').click()
  await expect(page.locator('[data-test=case-state]')).toHaveText('已销号')
  await screenshot(page, 'walk-07-school-case-crossed-off')
  // The pupil's page holds the whole record: household, enrolment history, aid with its payments, the case.
  await page.locator('[data-test=case-student]').click()
  await expect(page.locator('[data-test=pupil-history]')).toContainText('辍学')
  await expect(page.locator('[data-test=pupil-cases]')).toContainText('已销号')
  await expect(page.locator('[data-test=pupil-household]')).toContainText('户主')  // the household's descriptions
  await expect(page.locator('[data-test=pupil-aid]').first()).toBeVisible()
  await screenshot(page, 'walk-07b-school-pupil-page')
})

test('the county downloads its report, which counts the case crossed off', async ({ page }) => {
  const month = hook('report')
  await logIn(page, county)
  // The dashboard of the semester: the round left no registered-poor student without aid; payments by state.
  await pick(page, 'dashboard-semester', '2027年秋季学期')
  await expect(page.locator('[data-test=without-aid-count]')).toHaveText('0')
  await expect(page.locator('[data-test=underpaid-count]')).toHaveText('0')
  await expect(page.locator('[data-test=payments-chart] canvas')).toBeVisible()
  await screenshot(page, 'walk-08-county-dashboard')
  await menu(page, '报表')
  const name = `monthly-${month}-county-210102.json`
  await expect(page.locator(`[data-test=report-link][data-file="${name}"]`)).toBeVisible()
  const res = await page.request.get(`/api/v1/reports/${name}`)
  expect(res.status()).toBe(200)
  const report = await res.json()
  const dropout = report.tables.find((t: any) => t.columns.some((c: any) => c.key === 'cases_crossed_off'))
  const col = dropout.columns.findIndex((c: any) => c.key === 'cases_crossed_off')
  const primary = dropout.rows.find((r: any[]) => String(r[0]).includes('210102') && String(r[0]).includes('小学'))
  expect(primary[col]).toBeGreaterThanOrEqual(1)
  // The XLSX the county hands on: no English in any cell (sheet names, headings, values).
  const xlsx = await page.request.get(`/api/v1/reports/${name.replace(/\.json$/, '.xlsx')}`)
  expect(xlsx.status()).toBe(200)
  const file = `test-results/walk-report.xlsx`
  writeFileSync(file, await xlsx.body())
  const cells = execFileSync('xlsx2csv', ['-a', '-d', 'tab', file], { encoding: 'utf8' })
  expect.soft(latinWords(cells).filter((w) => w !== 'sha'), 'English in the report XLSX').toEqual([])
  await screenshot(page, 'walk-09-county-report')
})
