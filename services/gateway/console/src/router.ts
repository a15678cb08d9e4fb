import { createRouter, createWebHistory } from 'vue-router'
import Login from './pages/Login.vue'
import Dashboard from './pages/Dashboard.vue'
import Students from './pages/Students.vue'
import StudentDetail from './pages/StudentDetail.vue'
import DropoutCases from './pages/DropoutCases.vue'
import AidRounds from './pages/AidRounds.vue'
import AidRound from './pages/AidRound.vue'
import Reports from './pages/Reports.vue'
import Imports from './pages/Imports.vue'
import Payments from './pages/Payments.vue'
import DropoutCase from './pages/DropoutCase.vue'
import Pairing from './pages/Pairing.vue'
import Accounts from './pages/Accounts.vue'
import Audit from './pages/Audit.vue'
import { session } from './session'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', component: Login },
    { path: '/', component: Dashboard },
    { path: '/students', component: Students },
    { path: '/students/:id', component: StudentDetail, props: true },
    { path: '/dropout', component: DropoutCases },
    { path: '/dropout/:id(.*)', component: DropoutCase, props: true },
    { path: '/imports', component: Imports },
    { path: '/payments', component: Payments },
    { path: '/pairing', component: Pairing },
    { path: '/accounts', component: Accounts },
    { path: '/audit', component: Audit },
    { path: '/aid', component: AidRounds },
    { path: '/reports', component: Reports },
    { path: '/aid/:id(.*)', component: AidRound, props: true },
  ],
})

router.beforeEach(async (to) => {
  if (to.path === '/login') return true
  if (!(await session.ensure())) return { path: '/login', query: { next: to.fullPath } }
  return true
})
