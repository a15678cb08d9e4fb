// The day's tasks of a role, worked out from what the dashboard reads: rounds
// to open, applications to review, notices that have closed (approval due),
// registered-poor pupils left off a round, money to allocate, failed payments
// to retry and dropout cases without their three helpers. Each says where it is
// done. Pure (the browser walk checks the county's list after the notice week).
import type { ActionKey } from './actions.gen'
import { roundText, semesterText, t, timeText, yuan } from './i18n'

export interface Task {
  key: string
  kind: 'urgent' | 'due' | 'todo'
  tag: string
  text: string
  to: string
}
export interface RoundFacts {
  round_id?: string
  school_code?: string
  school_name?: string
  state?: string
  pending_review?: number
  notice_closes_at?: string
  supplementary_closes_at?: string
  awaiting_notice?: number
  open_objections?: number
}
export interface AccountFacts {
  account?: { key?: { county_code?: string; source?: string; semester?: string } }
  awaiting_funds?: number
  awaiting_funds_fen?: string | number
  failed?: number
}
export interface SchoolFacts { school_code?: string; name?: string }
export interface CountyCases { county_code?: string; cases_without_full_team?: number | string }
export interface TaskInput {
  semester: string
  now: Date
  may: (action: ActionKey) => boolean
  rounds: RoundFacts[]
  todoByRound: Record<string, number>
  schools: SchoolFacts[]
  accounts: AccountFacts[]
  counties: CountyCases[]
  countyName: (code?: string) => string
  word: (value?: string) => string
}

const aid = (roundId?: string, tab = '') => `/aid/${encodeURIComponent(roundId ?? '')}${tab ? `?tab=${tab}` : ''}`
const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''))

export function tasksOf(input: TaskInput): Task[] {
  const tasks: Task[] = []
  const { may, now } = input
  const semester = semesterText(input.semester)
  if (may('ApproveAid')) {
    const withRound = new Set(input.rounds.map((r) => r.school_code))
    for (const s of input.schools.filter((x) => !withRound.has(x.school_code))) {
      tasks.push({ key: `open:${s.school_code}`, kind: 'todo', tag: 'taskOpenRound', to: `/aid?open=${s.school_code}`,
        text: fill(t('taskOpenRoundText'), { school: s.name ?? s.school_code ?? '', semester }) })
    }
    for (const r of input.rounds) {
      // A round in its notice: approval is due once the notice has closed. (An
      // approved round's supplementary notice is not tracked here: the round
      // does not say whether its additions were approved since.)
      const closes = r.state === 'ROUND_STATE_NOTICE' ? r.notice_closes_at : undefined
      if (!closes) continue
      const closed = new Date(closes) <= now
      tasks.push({ key: `approve:${r.round_id}`, kind: closed ? 'due' : 'todo', tag: closed ? 'taskApprove' : 'taskNoticeRunning',
        to: aid(r.round_id),
        text: fill(t(closed ? 'taskApproveText' : 'taskNoticeRunningText'),
          { round: roundText(r.round_id, r.school_name), closes: timeText(closes), objections: r.open_objections ?? 0 }) })
    }
  }
  if (may('ReviewAid')) {
    for (const r of input.rounds.filter((x) => (x.pending_review ?? 0) > 0)) {
      tasks.push({ key: `review:${r.round_id}`, kind: 'due', tag: 'taskReview', to: aid(r.round_id),
        text: fill(t('taskReviewText'), { round: roundText(r.round_id, r.school_name), n: r.pending_review ?? 0 }) })
    }
  }
  if (may('PrepareAid') || may('ApproveAid')) {
    for (const r of input.rounds) {
      const n = input.todoByRound[r.round_id ?? ''] ?? 0
      if (n > 0) {
        tasks.push({ key: `todo:${r.round_id}`, kind: 'urgent', tag: 'taskCoverage', to: aid(r.round_id, 'todo'),
          text: fill(t('taskCoverageText'), { round: roundText(r.round_id, r.school_name), n }) })
      }
      if (may('PrepareAid') && r.state === 'ROUND_STATE_APPROVED' && (r.awaiting_notice ?? 0) > 0 && !r.supplementary_closes_at) {
        tasks.push({ key: `notice:${r.round_id}`, kind: 'due', tag: 'taskNotice', to: aid(r.round_id, 'notice'),
          text: fill(t('taskNoticeText'), { round: roundText(r.round_id, r.school_name), n: r.awaiting_notice ?? 0 }) })
      }
    }
  }
  if (may('Disburse')) {
    for (const a of input.accounts) {
      const k = a.account?.key
      const where = `${input.countyName(k?.county_code)} · ${input.word(k?.source)}`
      if ((a.awaiting_funds ?? 0) > 0) {
        tasks.push({ key: `fund:${where}`, kind: 'due', tag: 'taskAllocate', to: '/payments',
          text: fill(t('taskAllocateText'), { account: where, n: a.awaiting_funds ?? 0, yuan: yuan(a.awaiting_funds_fen) }) })
      }
      if ((a.failed ?? 0) > 0) {
        tasks.push({ key: `failed:${where}`, kind: 'urgent', tag: 'taskRetry', to: '/payments',
          text: fill(t('taskRetryText'), { account: where, n: a.failed ?? 0 }) })
      }
    }
  }
  if (may('KeepDropoutLedger')) {
    for (const c of input.counties.filter((x) => Number(x.cases_without_full_team ?? 0) > 0)) {
      tasks.push({ key: `team:${c.county_code}`, kind: 'urgent', tag: 'taskTeam', to: '/dropout',
        text: fill(t('taskTeamText'), { county: input.countyName(c.county_code), n: Number(c.cases_without_full_team ?? 0) }) })
    }
  }
  const order = { urgent: 0, due: 1, todo: 2 }
  return tasks.sort((a, b) => order[a.kind] - order[b.kind])
}
