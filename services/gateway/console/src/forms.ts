// A form's command: run it; on success say so and reload the page's data; on
// a refusal put the service's message where the form shows it.
import { ref } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { messageOf, requestId } from './api'
import { t } from './i18n'

export async function submit(
  run: () => Promise<unknown>,
  showError: (message: string) => void,
  reload?: () => Promise<unknown>,
): Promise<boolean> {
  showError('')
  try {
    await run()
  } catch (e: unknown) {
    showError(messageOf(e))
    return false
  }
  ElMessage.success(t('saved'))
  if (reload) await reload()
  return true
}

// One command form: its request id and whether it is in flight. The id stays
// while the form's input is unchanged — a second click or a retry after a lost
// answer repeats it, so the service answers the first result instead of acting
// twice — and is drawn anew after a success or when the input changes. A
// click while the command is in flight does nothing (bind `busy` to the
// button's loading state).
export function useCommand(input: () => unknown) {
  const busy = ref(false)
  let id = requestId()
  let seen = JSON.stringify(input())
  async function run(
    command: (requestId: string) => Promise<unknown>,
    showError: (message: string) => void,
    reload?: () => Promise<unknown>,
  ): Promise<boolean> {
    if (busy.value) return false
    const now = JSON.stringify(input())
    if (now !== seen) {
      seen = now
      id = requestId()
    }
    busy.value = true
    try {
      const ok = await submit(() => command(id), showError, reload)
      if (ok) id = requestId()  // the next command is a new one
      return ok
    } finally {
      busy.value = false
    }
  }
  return { busy, run }
}

// Asks before a bulk or irreversible step; false when the operator cancels.
export async function confirmed(message: string): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, t('confirmTitle'), {
      confirmButtonText: t('confirm'), cancelButtonText: t('cancel'), type: 'warning',
    })
    return true
  } catch {
    return false
  }
}
