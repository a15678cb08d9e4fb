import { createRouter, createWebHistory } from 'vue-router'
// The login page is in the first download; every other page (and ECharts,
// which only the dashboard draws with) is fetched when first opened.
import Login from './pages/Login.vue'
import { session } from './session'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', component: Login },
    { path: '/', component: () => import('./pages/Dashboard.vue') },
    { path: '/students', component: () => import('./pages/Students.vue') },
    { path: '/students/:id', component: () => import('./pages/StudentDetail.vue'), props: true },
    { path: '/dropout', component: () => import('./pages/DropoutCases.vue') },
    { path: '/dropout/:id(.*)', component: () => import('./pages/DropoutCase.vue'), props: true },
    { path: '/imports', component: () => import('./pages/Imports.vue') },
    { path: '/payments', component: () => import('./pages/Payments.vue') },
    { path: '/pairing', component: () => import('./pages/Pairing.vue') },
    { path: '/accounts', component: () => import('./pages/Accounts.vue') },
    { path: '/audit', component: () => import('./pages/Audit.vue') },
    { path: '/aid', component: () => import('./pages/AidRounds.vue') },
    { path: '/reports', component: () => import('./pages/Reports.vue') },
    { path: '/aid/:id(.*)', component: () => import('./pages/AidRound.vue'), props: true },
  ],
})

router.beforeEach(async (to) => {
  if (to.path === '/login') return true
  if (!(await session.ensure())) return { path: '/login', query: { next: to.fullPath } }
  return true
})
