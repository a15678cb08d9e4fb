// Who is logged in (from the gateway's session), shared by the pages.
import { reactive } from 'vue'
import { actionRoles, type ActionKey } from './actions.gen'
import { currentSession, login, logout, type SessionInfo } from './api'

export const session = reactive({
  info: null as SessionInfo | null,
  checked: false,
  async ensure(): Promise<boolean> {
    if (!this.checked) {
      this.info = await currentSession()
      this.checked = true
    }
    return this.info !== null
  },
  async logIn(name: string, password: string) {
    this.info = await login(name, password)
    this.checked = true
  },
  async logOut() {
    await logout()
    this.info = null
  },
})

// Whether the operator's role may do `action` (the services' own table,
// actions.gen.ts): a form is offered only where the service would not refuse
// the role. The scope is the service's to check.
export function may(action: ActionKey): boolean {
  return actionRoles[action].includes(session.info?.role ?? '')
}
