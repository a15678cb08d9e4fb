import { test, expect, request, type APIRequestContext } from '@playwright/test'
import { county, school } from './support'

// Every endpoint of the gateway, called by each role from another scope with
// the identifiers of school 3121000001 (county 210102) of the demo: refused
// with 403 or 404, or (a list that answers with the caller's own scope) 200 —
// and never a name, an id or a case of school 3121000001 in the answer. The
// request bodies are made from the OpenAPI description, so a new method is
// called without anyone adding it here.
const baseURL = process.env.ZIZHU_CONSOLE_URL ?? 'https://127.0.0.1:8443'
const password = process.env.ZIZHU_E2E_PASSWORD ?? ''
const others = [
  { login: 'other.school2', who: 'school operator of 3121000002 (the same county)' },
  { login: 'other.school3', who: 'school operator of 3121000003 (county 210103)' },
  { login: 'other.reviewer', who: 'reviewer of 3121000003' },
  { login: 'other.county', who: 'county officer of 210103' },
  { login: 'other.auditor', who: 'auditor of 210103' },
]
// Answers 200 with the caller's own scope (checked for leaks below).
const ownScopeLists = new Set([
  'identity/WhoAmI', 'registry/ListSchools', 'registry/ListPersonalDataReveals', 'subsidy/ListPolicies',
  'subsidy/GetPolicy', 'subsidy/ListRounds', 'subsidy/GetEntitlementTotals', 'subsidy/WhatIf',
  'disbursement/ListAccounts', 'disbursement/Reconcile', 'dropout/ListCases', 'dropout/GetRates',
  'dropout/ListLeftBehindChildren', 'pairing/ListPairs', 'pairing/ListMissedActivities', 'pairing/GetProgress',
  'roster/GetMatchSummary',
])

// Known and documented (README, "What is not done yet"): households are city-wide
// records without a county, so registering a household number that exists says so.
const knownExceptions: Record<string, number> = { 'registry/RegisterHousehold': 409 }

interface Session { ctx: APIRequestContext; csrf: string }
async function logIn(login: string, pw = password): Promise<Session> {
  const ctx = await request.newContext({ baseURL, ignoreHTTPSErrors: true })
  const res = await ctx.post('/api/v1/session', { data: { login, password: pw } })
  expect(res.status(), `login ${login}`).toBe(200)
  return { ctx, csrf: (await res.json()).csrf_token }
}
async function post(s: Session, path: string, data: object) {
  return s.ctx.post(path, { data, headers: { 'X-CSRF-Token': s.csrf } })
}

test('every endpoint, as every role of another scope: 403 or 404, nothing of the school leaked', async () => {
  test.setTimeout(180_000)
  // What school 3121000001 has, read by its own people.
  const own = await logIn(school.login)
  const officer = await logIn(county.login)
  const students = (await (await post(own, '/api/v1/registry/ListStudents', { school_code: '3121000001', page_size: 1000 })).json()).students
  expect(students.length).toBeGreaterThan(3)
  const cases = (await (await post(officer, '/api/v1/dropout/ListCases', { county_code: '210102' })).json()).cases
  const pairs = (await (await post(officer, '/api/v1/pairing/ListPairs', { county_code: '210102' })).json()).pairs
  expect(cases.length).toBeGreaterThan(0)
  expect(pairs.length).toBeGreaterThan(0)
  const student = students[0]
  // An import job of the school (its one row is broken: nothing is written).
  const form = { source: 'students', file: { name: 'one.csv', mimeType: 'text/csv', buffer: Buffer.from(
    '姓名,公民身份号码,学校标识码,学段,年级\n某某,210102201601011010,3121000001,小学,1\n') } }
  const job = (await (await own.ctx.post('/api/v1/imports', { multipart: form, headers: { 'X-CSRF-Token': own.csrf } })).json()).job_id
  expect(job).toBeTruthy()

  const values: Record<string, unknown> = {
    student_id: student.student_id, school_code: '3121000001', county_code: '210102', county: '210102',
    round_id: '3121000001/2027-spring', case_id: cases[0].case_id, pair_id: pairs[0].pair_id,
    plan_id: '2101/2026-2028', login: school.login, semester: '2027-spring', batch_id: '2027-spring-210102-1',
    national_id: '210102201601011011', urban_school: '3121000101', rural_school: '3121000001',
    category: 'MATCH_CATEGORY_NOT_ENROLLED', reason: '核对', note: '核对', scope: '3121000001',
    account: { county_code: '210102', source: 'FUND_SOURCE_CITY', semester: '2027-spring' },
    version: '2026-v1', draft_version: '2026-v1', household_number: 'H210102001', head_name: '户主1',
    household_type: 'HOUSEHOLD_TYPE_GENERAL', year_registered: 2016,
  }
  const nested = new Set(['reveal', 'visit', 'activity'])
  // Secrets: what only school 3121000001's people may see (ids: names repeat across schools).
  const secrets = [...students.map((s: any) => s.student_id), cases[0].case_id, pairs[0].pair_id]

  const openapi = await (await own.ctx.get('/api/v1/openapi.json')).json()
  const schemas = openapi.components.schemas
  const body = (ref: string, depth = 0): Record<string, unknown> => {
    const out: Record<string, unknown> = {}
    for (const [name, prop] of Object.entries<any>(schemas[ref.split('/').pop()!].properties ?? {})) {
      const value = values[name]
      const item = prop.type === 'array' ? prop.items : prop
      const fits = (typeof value === 'string' && item.type === 'string' && (!item.enum || item.enum.includes(value))) ||
        (typeof value === 'number' && item.type === 'integer') || (typeof value === 'object' && item.$ref)
      if (name === 'meta') out.meta = { request_id: `access-${Math.random().toString(16).slice(2)}` }
      else if (value !== undefined && fits) out[name] = prop.type === 'array' ? [value] : value
      else if (prop.$ref && depth < 2 && nested.has(name)) out[name] = body(prop.$ref, depth + 1)
    }
    return out
  }
  const calls = Object.entries<any>(openapi.paths)
    .filter(([path, item]) => /^\/api\/v1\/[a-z]+\/[A-Za-z]+$/.test(path) && item.post?.requestBody)
    .map(([path, item]) => ({ path, method: path.replace('/api/v1/', ''), data: body(item.post.requestBody.content['application/json'].schema.$ref) }))
  expect(calls.length).toBeGreaterThan(80)

  const problems: string[] = []
  let checked = 0
  for (const other of others) {
    const s = await logIn(other.login)
    const answers: Array<{ what: string; status: number; text: string; sent: string }> = []
    for (const c of calls) {
      const res = await post(s, c.path, c.data)
      answers.push({ what: c.method, status: res.status(), text: await res.text(), sent: JSON.stringify(c.data) })
    }
    // The file routes and the reports.
    const get = async (what: string, path: string) => {
      const res = await s.ctx.get(path)
      answers.push({ what, status: res.status(), text: await res.text(), sent: path })
    }
    await get('imports/<job>', `/api/v1/imports/${job}`)
    await get('imports/<job>/errors.csv', `/api/v1/imports/${job}/errors.csv`)
    await get('reports/<county 210102>', `/api/v1/reports/monthly-${new Date().toISOString().slice(0, 7)}-county-210102.xlsx`)
    const bankFile = await s.ctx.post('/api/v1/bank-files', { data: { meta: { request_id: 'access-bank' }, account: values.account, batch_id: values.batch_id }, headers: { 'X-CSRF-Token': s.csrf } })
    answers.push({ what: 'bank-files', status: bankFile.status(), text: await bankFile.text(), sent: '' })
    const bankReturn = await s.ctx.post('/api/v1/bank-returns', { headers: { 'X-CSRF-Token': s.csrf }, multipart: {
      request: JSON.stringify({ account: values.account, batch_id: values.batch_id }),
      file: { name: 'return.csv', mimeType: 'text/csv', buffer: Buffer.from('参考号,结果,金额,原因\nR1#1,成功,500.00,\n合计,1,500.00\n') },
    } })
    answers.push({ what: 'bank-returns', status: bankReturn.status(), text: await bankReturn.text(), sent: '' })
    // Making the demo county's and school's reports from the console.
    for (const [scope, code] of [['county', '210102'], ['school', '3121000001']]) {
      const run = await s.ctx.post('/api/v1/report-runs', { headers: { 'X-CSRF-Token': s.csrf }, data: {
        action: 'make', kind: 'monthly', period: new Date().toISOString().slice(0, 7), scope, code } })
      answers.push({ what: `report-runs (${scope} ${code})`, status: run.status(), text: await run.text(), sent: '' })
    }

    for (const a of answers) {
      ++checked
      const refused = a.status === 403 || a.status === 404 || knownExceptions[a.what] === a.status
      if (!refused && !(a.status === 200 && ownScopeLists.has(a.what))) {
        problems.push(`${other.who}: ${a.what} answered ${a.status} ${a.text.slice(0, 160)}`)
      }
      for (const secret of secrets) {
        if (a.text.includes(secret) && !a.sent.includes(secret)) {
          problems.push(`${other.who}: ${a.what} answered '${secret}' of school 3121000001`)
        }
      }
    }
    // The report list holds nothing of the county.
    const reports = await (await s.ctx.get('/api/v1/reports')).json()
    for (const r of reports.reports) if (r.file.includes('210102') || r.file.includes('3121000001')) problems.push(`${other.who}: lists ${r.file}`)
  }
  console.log(`access table: ${checked} calls by ${others.length} callers of other scopes`)
  expect(problems, problems.join('\n')).toEqual([])
})
