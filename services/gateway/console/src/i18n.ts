// Chinese by default, English with the switch; the choice is remembered.
import { ref } from 'vue'

type Dict = Record<string, string>
const zh: Dict = {
  title: '学生资助管理',
  login: '登录',
  logout: '退出',
  loginName: '账号',
  password: '密码',
  loginFailed: '登录失败',
  dashboard: '首页',
  students: '学生',
  dropout: '控辍保学',
  schoolCode: '学校标识码',
  grade: '年级',
  search: '查询',
  name: '姓名',
  nationalId: '身份证号',
  stage: '学段',
  school: '学校',
  status: '学籍状态',
  categories: '类别',
  more: '加载更多',
  detail: '详情',
  reveal: '查看明文',
  revealReason: '查看原因（将记入审计）',
  revealReasonRequired: '请填写查看原因',
  bankCard: '银行卡号',
  phone: '联系电话',
  guardian: '监护人',
  dropoutRate: '辍学率',
  target: '目标',
  county: '区县',
  openCases: '未销号案件',
  withoutTeam: '帮扶小组不全',
  disabledEnrolment: '三类残疾儿童入学率',
  case: '案件',
  opened: '立案日期',
  state: '状态',
  team: '帮扶小组',
  loadTime: '首页加载',
  nothing: '暂无数据',
  back: '返回',
  aid: '资助评审',
  reports: '报表',
  period: '期间',
  reportKind: '报表类型',
  scope: '范围',
  language: '语言',
  file: '文件',
  size: '大小',
  review: '评审',
  semester: '学期',
  round: '评审',
  quota: '名额',
  quotaUsed: '已用名额',
  submitted: '已申请',
  accepted: '通过',
  rejected: '未通过',
  entitlements: '已核定',
  total: '金额（元）',
  applications: '申请',
  todo: '待申请的建档立卡学生',
  todoTotal: '尚未覆盖',
  accept: '通过',
  reject: '不通过',
  tier: '档次',
  reason: '原因',
  reviewers: '评审人（逗号分隔）',
  submitReview: '提交评审',
  approve: '批复',
  approved: '已批复',
  reviewersRequired: '请填写评审人',
  rejectReasonRequired: '不通过须填写原因',
  saved: '已保存',
}
const en: Dict = {
  title: 'Student aid',
  login: 'Log in',
  logout: 'Log out',
  loginName: 'Account',
  password: 'Password',
  loginFailed: 'Login failed',
  dashboard: 'Dashboard',
  students: 'Students',
  dropout: 'Dropout ledger',
  schoolCode: 'School code',
  grade: 'Grade',
  search: 'Search',
  name: 'Name',
  nationalId: 'National ID',
  stage: 'Stage',
  school: 'School',
  status: 'Status',
  categories: 'Categories',
  more: 'Load more',
  detail: 'Detail',
  reveal: 'Reveal',
  revealReason: 'Why (the read is audited)',
  revealReasonRequired: 'Say why you need to see it',
  bankCard: 'Bank card',
  phone: 'Phone',
  guardian: 'Guardian',
  dropoutRate: 'Dropout rate',
  target: 'Target',
  county: 'County',
  openCases: 'Open cases',
  withoutTeam: 'Team incomplete',
  disabledEnrolment: 'Disabled children enrolled',
  case: 'Case',
  opened: 'Opened',
  state: 'State',
  team: 'Team',
  loadTime: 'First page',
  nothing: 'Nothing yet',
  back: 'Back',
  aid: 'Aid rounds',
  reports: 'Reports',
  period: 'Period',
  reportKind: 'Report',
  scope: 'Scope',
  language: 'Language',
  file: 'File',
  size: 'Size',
  review: 'Review',
  semester: 'Semester',
  round: 'Round',
  quota: 'Quota',
  quotaUsed: 'Quota used',
  submitted: 'Applied',
  accepted: 'Accepted',
  rejected: 'Refused',
  entitlements: 'Fixed',
  total: 'Amount (yuan)',
  applications: 'Applications',
  todo: 'Registered-poor students without an application',
  todoTotal: 'Still to cover',
  accept: 'Accept',
  reject: 'Refuse',
  tier: 'Tier',
  reason: 'Reason',
  reviewers: 'Reviewers (comma-separated)',
  submitReview: 'Submit review',
  approve: 'Approve',
  approved: 'Approved',
  reviewersRequired: 'Name the reviewers',
  rejectReasonRequired: 'A refusal needs a reason',
  saved: 'Saved',
}

export const lang = ref<'zh' | 'en'>((localStorage.getItem('zizhu.lang') as 'zh' | 'en') ?? 'zh')
export function setLang(l: 'zh' | 'en') {
  lang.value = l
  localStorage.setItem('zizhu.lang', l)
}
export function t(key: string): string {
  return (lang.value === 'zh' ? zh : en)[key] ?? key
}

const enums: Record<string, [string, string]> = {
  EDUCATION_STAGE_PRESCHOOL: ['学前', 'preschool'],
  EDUCATION_STAGE_PRIMARY: ['小学', 'primary'],
  EDUCATION_STAGE_JUNIOR_MIDDLE: ['初中', 'junior middle'],
  EDUCATION_STAGE_SENIOR_HIGH: ['普通高中', 'senior high'],
  EDUCATION_STAGE_SECONDARY_VOCATIONAL: ['中职', 'vocational'],
  EDUCATION_STAGE_UNIVERSITY: ['大学', 'university'],
  ENROLMENT_STATUS_ENROLLED: ['在籍', 'enrolled'],
  ENROLMENT_STATUS_TRANSFERRED: ['转出', 'transferred'],
  ENROLMENT_STATUS_SUSPENDED: ['休学', 'suspended'],
  ENROLMENT_STATUS_DROPPED_OUT: ['辍学', 'dropped out'],
  ENROLMENT_STATUS_GRADUATED: ['毕业', 'graduated'],
  POVERTY_CATEGORY_REGISTERED_POOR: ['建档立卡', 'registered poor'],
  POVERTY_CATEGORY_SUBSISTENCE_ALLOWANCE: ['低保', 'subsistence'],
  POVERTY_CATEGORY_EXTREME_POVERTY: ['特困', 'extreme poverty'],
  POVERTY_CATEGORY_ORPHAN: ['孤儿', 'orphan'],
  POVERTY_CATEGORY_DISABLED: ['残疾', 'disabled'],
  POVERTY_CATEGORY_LEFT_BEHIND: ['留守儿童', 'left-behind'],
  CASE_STATE_OPEN: ['未销号', 'open'],
  ROUND_STATE_OPEN: ['申请中', 'open'],
  ROUND_STATE_NOTICE: ['公示中', 'public notice'],
  ROUND_STATE_APPROVED: ['已批复', 'approved'],
  APPLICATION_STATE_SUBMITTED: ['待评审', 'to review'],
  APPLICATION_STATE_ACCEPTED: ['通过', 'accepted'],
  APPLICATION_STATE_REJECTED: ['未通过', 'refused'],
  APPLICATION_STATE_REMOVED: ['移出', 'removed'],
  APPLICATION_STATE_DISQUALIFIED: ['取消资格', 'disqualified'],
  APPLICATION_STATE_APPROVED: ['已核定', 'approved'],
  CASE_STATE_CROSSED_OFF: ['已销号', 'crossed off'],
}
// An enum value's words ("" for none).
export function word(value?: string): string {
  if (!value) return ''
  const w = enums[value]
  return w ? (lang.value === 'zh' ? w[0] : w[1]) : value
}
export function percent(bp?: number): string {
  return `${((bp ?? 0) / 100).toFixed(2)}%`
}

export function yuan(fen?: string | number): string {
  const n = Number(fen ?? 0)
  return (n / 100).toFixed(2)
}
// The semester a round is prepared for: spring from August to January, autumn from February to July.
export function nextSemester(now = new Date()): string {
  const y = now.getFullYear()
  const m = now.getMonth() + 1
  if (m >= 8) return `${y + 1}-spring`
  if (m === 1) return `${y}-spring`
  return `${y}-autumn`
}
